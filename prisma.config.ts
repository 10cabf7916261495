import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { databaseFileUrl } from "./src/db/url.ts";

// Prisma loads no .env when this file exists; the app never needs the Prisma CLI
// at run time (src/db/migrate.ts applies migrations itself), this is for developers.
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  adapter: async () => new PrismaBetterSQLite3({ url: databaseFileUrl(process.env.DATABASE_URL) }),
});
