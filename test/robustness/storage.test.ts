import { createRequire } from "node:module";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.ts";
import { backupDatabase, inspectDatabase } from "../../src/ops/backup.ts";
import { testDatabase } from "../helpers/db.ts";

const require = createRequire(import.meta.url);

/**
 * A second process-like writer: its own thread and its own SQLite connection, so its
 * commits really interleave with the backup (in one thread, better-sqlite3 and Prisma are
 * synchronous and could not). Each transaction adds a Report AND its audit row: a
 * consistent copy has as many of one as of the other.
 */
const WRITER = `
const { workerData, parentPort } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 10000 });
db.pragma("journal_mode = WAL");
const stop = new Int32Array(workerData.stop);
const report = db.prepare("INSERT INTO Report (planYear, activityCode, userId, kind, status, occurredOn, source, createdAt) VALUES (2024, ?, 'UWRITER', 'status', 'in_corso', '2024-10-07', 'cli', ?)");
const audit = db.prepare("INSERT INTO AuditEntry (at, actor, action, entityType, entityKey, after) VALUES (?, 'UWRITER', 'report', 'report', ?, ?)");
const write = db.transaction((i) => {
  const now = new Date().toISOString();
  const id = report.run("9." + i, now).lastInsertRowid;
  audit.run(now, String(id), "x".repeat(200));
});
let i = 0;
while (Atomics.load(stop, 0) === 0) { write(i++); if (i === 50) parentPort.postMessage("started"); }
db.close();
parentPort.postMessage(i);
`;

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

  it("backs up a consistent copy while another connection commits continuously", async () => {
    const t = await testDatabase();
    cleanup.push(() => t.dispose());
    // Some bulk, so that the copy takes long enough for many commits to land during it.
    const seed = new Database(t.file, { timeout: 10_000 });
    const insert = seed.prepare("INSERT INTO AuditEntry (at, actor, action, entityType, entityKey, after) VALUES (?, 'seed', 'plan_import', 'plan', ?, ?)");
    seed.transaction(() => {
      for (let i = 0; i < 20_000; i++) insert.run(new Date().toISOString(), `seed-${i}`, "y".repeat(400));
    })();
    seed.close();

    const stop = new SharedArrayBuffer(4);
    const worker = new Worker(WRITER, { eval: true, workerData: { file: t.file, driver: require.resolve("better-sqlite3"), stop } });
    const finished = new Promise<number>((resolve, reject) => {
      worker.on("message", (m) => typeof m === "number" && resolve(m));
      worker.on("error", reject);
    });
    await new Promise<void>((resolve, reject) => {
      worker.once("message", () => resolve());
      worker.once("error", reject);
    });

    const countWrites = () => {
      const db = new Database(t.file, { readonly: true });
      const n = Number((db.prepare("SELECT COUNT(*) AS n FROM Report").get() as { n: number }).n);
      db.close();
      return n;
    };
    const dir = mkdtempSync(path.join(tmpdir(), "obiettivi-backup-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const copies: string[] = [];
    let before = 0;
    let after = 0;
    try {
      before = countWrites();
      for (let i = 0; i < 3; i++) {
        const target = path.join(dir, `copia-${i}.db`);
        await backupDatabase(t.file, target);
        copies.push(target);
      }
      after = countWrites();
    } finally {
      Atomics.store(new Int32Array(stop), 0, 1);
    }
    const total = await finished;
    await worker.terminate();
    expect(after).toBeGreaterThan(before); // the writer really wrote while the copies were taken

    const reportCounts: number[] = [];
    for (const copy of copies) {
      const db = new Database(copy, { readonly: true });
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(db.pragma("journal_mode", { simple: true })).toBe("delete"); // one self-contained file
      const reports = Number((db.prepare("SELECT COUNT(*) AS n FROM Report").get() as { n: number }).n);
      const audits = Number((db.prepare("SELECT COUNT(*) AS n FROM AuditEntry WHERE actor = 'UWRITER'").get() as { n: number }).n);
      const seeded = Number((db.prepare("SELECT COUNT(*) AS n FROM AuditEntry WHERE actor = 'seed'").get() as { n: number }).n);
      db.close();
      expect(reports).toBe(audits); // no transaction cut in half
      expect(seeded).toBe(20_000);
      reportCounts.push(reports);
      expect(inspectDatabase(copy).reports).toBe(reports);
    }
    expect(reportCounts[0]).toBeGreaterThanOrEqual(before);
    expect(reportCounts[2]).toBeLessThanOrEqual(total);
  });
});
