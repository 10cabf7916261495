import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import Database from "better-sqlite3";
import { projectPath } from "../paths.ts";

const MIGRATIONS_DIR = projectPath("prisma/migrations");

/**
 * Applies the committed Prisma migrations that this database lacks, so that a user
 * never runs a Prisma command. Bookkeeping uses Prisma's own `_prisma_migrations`
 * table, so `prisma migrate status` agrees with us. Each migration is one
 * transaction; BEGIN IMMEDIATE makes two processes starting together take turns.
 */
export function migrate(sqlitePath: string, dir = MIGRATIONS_DIR): string[] {
  const db = new Database(sqlitePath, { timeout: 10_000 });
  try {
    if (sqlitePath !== ":memory:") db.pragma("journal_mode = WAL");
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" TEXT PRIMARY KEY NOT NULL,
      "checksum" TEXT NOT NULL,
      "finished_at" DATETIME,
      "migration_name" TEXT NOT NULL,
      "logs" TEXT,
      "rolled_back_at" DATETIME,
      "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
      "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
    )`);
    const names = existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => d.name)
          .sort()
      : [];
    // Read without a lock first: a database that lacks nothing takes no write lock at all
    // (BEGIN IMMEDIATE on every migration had each start wait for, and block, any writer).
    const done = new Set(
      (
        db
          .prepare(
            `SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
          )
          .all() as { name: string }[]
      ).map((r) => r.name),
    );
    const applied: string[] = [];
    for (const name of names.filter((n) => !done.has(n))) {
      const sql = readFileSync(`${dir}/${name}/migration.sql`, "utf8");
      const apply = db.transaction(() => {
        const row = db
          .prepare(
            `SELECT 1 FROM "_prisma_migrations" WHERE migration_name = ? AND finished_at IS NOT NULL AND rolled_back_at IS NULL`,
          )
          .get(name);
        if (row) return false;
        db.exec(sql);
        const now = new Date().toISOString();
        db.prepare(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)`,
        ).run(randomUUID(), createHash("sha256").update(sql).digest("hex"), now, name, now);
        return true;
      });
      if (apply.immediate()) applied.push(name);
    }
    return applied;
  } finally {
    db.close();
  }
}
