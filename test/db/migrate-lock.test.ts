import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.ts";

// Every start (the bot, the CLI, each heavy-work thread) runs migrate(): on a database that
// lacks nothing it must not take SQLite's write lock, or it waits for (and blocks) any writer.

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("migrate", () => {
  it("applies what is missing once, and then returns at once while another connection holds the write lock", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "obiettivi-migrate-lock-"));
    dirs.push(dir);
    const file = path.join(dir, "m.db");
    expect(migrate(file).length).toBeGreaterThan(0);
    const writer = new Database(file);
    try {
      writer.prepare("BEGIN IMMEDIATE").run();
      const t0 = Date.now();
      // With a write lock to take it would wait for its 10 s busy timeout, then fail.
      expect(migrate(file)).toEqual([]);
      expect(Date.now() - t0).toBeLessThan(5_000);
      writer.prepare("ROLLBACK").run();
    } finally {
      writer.close();
    }
  });
});
