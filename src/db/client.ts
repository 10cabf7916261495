import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/prisma/client.ts";
import { migrate } from "./migrate.ts";
import { databaseFilePath } from "./url.ts";

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export interface OpenedDatabase {
  db: Db;
  /** Absolute path of the SQLite file (":memory:" never: tests use files). */
  file: string;
  close(): Promise<void>;
}

/**
 * Opens (creating and migrating on first use) the SQLite database named by DATABASE_URL.
 *
 * Note: the adapter runs every query on ONE connection, and an interactive transaction
 * holds it; so every write goes through `db.$transaction` (serialised by the adapter's
 * mutex) rather than as a bare query that could land inside someone else's transaction.
 */
const files = new WeakMap<object, string>();

/**
 * The SQLite file behind a client opened here: bulk jobs (the plan import) write
 * through better-sqlite3 on their own connection, ~50x faster than row-by-row Prisma.
 */
export function databaseFileOf(db: Db | Tx): string {
  const file = files.get(db);
  if (!file) throw new Error("database client not opened through openDatabase()");
  return file;
}

export async function openDatabase(databaseUrl: string | undefined): Promise<OpenedDatabase> {
  const file = databaseFilePath(databaseUrl);
  mkdirSync(path.dirname(file), { recursive: true });
  migrate(file);
  const db = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${file}`, timeout: 10_000 }) });
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  await db.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  files.set(db, file);
  return {
    db,
    file,
    close: () => db.$disconnect(),
  };
}

/** The health check: touching a table (not just "SELECT 1") also notices a database file replaced or damaged under us. */
export async function checkDatabase(db: Db): Promise<void> {
  await db.$queryRaw`SELECT 1 FROM "_prisma_migrations" LIMIT 1`;
}
