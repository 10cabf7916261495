import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.ts";
import { backupDatabase, inspectDatabase, restoreDatabase } from "../../src/ops/backup.ts";
import { testDatabase } from "../helpers/db.ts";

const WRITER = path.join(import.meta.dirname, "helpers", "writer-child.ts");
const ROOT = path.resolve(import.meta.dirname, "../..");

function countIn(file: string, sql: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return Number((db.prepare(sql).get() as { n: number }).n);
  } finally {
    db.close();
  }
}

describe("storage settings and online backup", () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it("opens every database in WAL mode, with a busy timeout and synchronous=NORMAL", async () => {
    const t = await testDatabase();
    cleanup.push(() => t.dispose());
    const [mode] = await t.db.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
    const [busy] = await t.db.$queryRawUnsafe<{ timeout: bigint }[]>("PRAGMA busy_timeout");
    const [sync] = await t.db.$queryRawUnsafe<{ synchronous: bigint }[]>("PRAGMA synchronous");
    expect(mode!.journal_mode).toBe("wal");
    expect(Number(busy!.timeout)).toBeGreaterThanOrEqual(5_000);
    expect(Number(sync!.synchronous)).toBe(1); // NORMAL: in WAL mode, durable at checkpoints, never corrupt

    // The migration connection too: a second process starting meanwhile waits instead of failing.
    const dir = mkdtempSync(path.join(tmpdir(), "obiettivi-storage-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const fresh = path.join(dir, "fresh.db");
    migrate(fresh);
    const raw = new Database(fresh, { readonly: true });
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    raw.close();
  });

  it("backs up a consistent copy while the bot (another process) commits continuously", async () => {
    // The writer is a separate process, as the bot is when an operator runs the backup.
    const dir = mkdtempSync(path.join(tmpdir(), "obiettivi-backup-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const live = path.join(dir, "live.db");
    migrate(live);
    // Some bulk, so that a copy takes long enough for commits to land during it.
    const seed = new Database(live, { timeout: 10_000 });
    const insert = seed.prepare(
      "INSERT INTO AuditEntry (at, actor, action, entityType, entityKey, after) VALUES (?, 'seed', 'plan_import', 'plan', ?, ?)",
    );
    seed.transaction(() => {
      for (let i = 0; i < 20_000; i++) insert.run(new Date().toISOString(), `seed-${i}`, "y".repeat(400));
    })();
    seed.close();

    const writer = spawn(process.execPath, ["--import", "tsx", WRITER, live], {
      cwd: ROOT,
      stdio: ["pipe", "pipe", "inherit"],
    });
    cleanup.push(() => {
      if (writer.exitCode === null) writer.kill("SIGKILL");
    });
    let out = "";
    writer.stdout.setEncoding("utf8");
    const exited = new Promise<number | null>((resolve) => writer.once("exit", resolve));
    await new Promise<void>((resolve, reject) => {
      writer.stdout.on("data", (c: string) => {
        out += c;
        if (out.includes("started")) resolve();
      });
      void exited.then((code) => reject(new Error(`writer exited early (${code})`)));
    });

    const reports = (f: string) => countIn(f, "SELECT COUNT(*) AS n FROM Report");
    const copies: string[] = [];
    const before = reports(live);
    for (let i = 0; i < 3; i++) {
      const target = path.join(dir, `copia-${i}.db`);
      await backupDatabase(live, target);
      copies.push(target);
      await new Promise((r) => setTimeout(r, 50));
    }
    const after = reports(live);
    writer.stdin.end();
    expect(await exited).toBe(0);
    const total = Number(out.trim().split("\n").pop());
    expect(after).toBeGreaterThan(before); // the writer really wrote while the copies were taken
    expect(reports(live)).toBe(total);

    const counts: number[] = [];
    for (const copy of copies) {
      const db = new Database(copy, { readonly: true });
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(db.pragma("journal_mode", { simple: true })).toBe("delete"); // one self-contained file
      db.close();
      const n = reports(copy);
      // No transaction cut in half: every report has its audit row, and the bulk is whole.
      expect(countIn(copy, "SELECT COUNT(*) AS n FROM AuditEntry WHERE actor = 'UWRITER'")).toBe(n);
      expect(countIn(copy, "SELECT COUNT(*) AS n FROM AuditEntry WHERE actor = 'seed'")).toBe(20_000);
      expect(inspectDatabase(copy).reports).toBe(n);
      counts.push(n);
    }
    expect(counts[0]).toBeGreaterThanOrEqual(before);
    expect(counts[2]).toBeLessThanOrEqual(after);
    expect(counts[2]).toBeGreaterThan(counts[0]!); // copies of a moving database, each one whole
  });

  it("restores into the live file while the bot (another process) keeps writing: the bot carries on, nothing is corrupt", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "obiettivi-restore-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const live = path.join(dir, "live.db");
    migrate(live);
    const writer = spawn(process.execPath, ["--import", "tsx", WRITER, live], {
      cwd: ROOT,
      stdio: ["pipe", "pipe", "inherit"],
    });
    cleanup.push(() => {
      if (writer.exitCode === null) writer.kill("SIGKILL");
    });
    let out = "";
    writer.stdout.setEncoding("utf8");
    const exited = new Promise<number | null>((resolve) => writer.once("exit", resolve));
    await new Promise<void>((resolve, reject) => {
      writer.stdout.on("data", (c: string) => {
        out += c;
        if (out.includes("started")) resolve();
      });
      void exited.then((code) => reject(new Error(`writer exited early (${code})`)));
    });

    const copy = path.join(dir, "copia.db");
    await backupDatabase(live, copy);
    const inCopy = countIn(copy, "SELECT COUNT(*) AS n FROM Report");
    const maxInCopy = countIn(copy, "SELECT COALESCE(MAX(id), 0) AS n FROM Report");
    await new Promise((r) => setTimeout(r, 300)); // more writes, which the restore will drop
    expect(countIn(live, "SELECT COUNT(*) AS n FROM Report")).toBeGreaterThan(inCopy);

    const result = await restoreDatabase(copy, live, { actor: "test", now: new Date(), confirm: async () => true });
    expect(result.restored).toBe(true);
    await new Promise((r) => setTimeout(r, 300)); // the bot writes on the restored database
    writer.stdin.end();
    expect(await exited).toBe(0); // no "database disk image is malformed", no lost connection

    const db = new Database(live, { readonly: true });
    try {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      // The restored rows are exactly the copy's; what the bot wrote before the restore is gone;
      // what it wrote after is there, each report with its audit row.
      expect(
        Number((db.prepare("SELECT COUNT(*) AS n FROM Report WHERE id <= ?").get(maxInCopy) as { n: number }).n),
      ).toBe(inCopy);
      const after = Number(
        (db.prepare("SELECT COUNT(*) AS n FROM Report WHERE id > ?").get(maxInCopy) as { n: number }).n,
      );
      expect(after).toBeGreaterThan(0);
      const unpaired = db
        .prepare(
          "SELECT COUNT(*) AS n FROM Report r WHERE NOT EXISTS (SELECT 1 FROM AuditEntry a WHERE a.entityKey = CAST(r.id AS TEXT) AND a.actor = 'UWRITER')",
        )
        .get() as { n: number };
      expect(Number(unpaired.n)).toBe(0);
      expect(
        Number((db.prepare("SELECT COUNT(*) AS n FROM AuditEntry WHERE action = 'restore'").get() as { n: number }).n),
      ).toBe(1);
    } finally {
      db.close();
    }
    expect(
      result.restored && result.safetyCopy && countIn(result.safetyCopy, "SELECT COUNT(*) AS n FROM Report"),
    ).toBeGreaterThan(inCopy);
  });
});
