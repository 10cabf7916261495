import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/index.ts";
import { migrate } from "../../src/db/migrate.ts";
import { restoreDatabase } from "../../src/ops/backup.ts";

async function cli(args: string[]) {
  let out = "";
  let err = "";
  const code = await runCli(args, { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

function count(file: string, sql: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return Number((db.prepare(sql).get() as { n: number }).n);
  } finally {
    db.close();
  }
}

describe("obiettivi backup / ripristina", () => {
  // The live database is a migrated file written with plain SQL: these tests are about
  // files, and the restore opens (and closes) its own Prisma client for the audit row.
  let t: { file: string };
  let liveDir: string;
  let dir: string;
  let saved: string | undefined;

  function addReport(code: string) {
    const db = new Database(t.file, { timeout: 10_000 });
    db.transaction(() => {
      db.prepare(
        "INSERT INTO Report (planYear, activityCode, userId, kind, status, occurredOn, source, createdAt) VALUES (2024, ?, 'U1', 'status', 'completata', '2024-10-07', 'cli', ?)",
      ).run(code, new Date().toISOString());
      db.prepare(
        "INSERT INTO AuditEntry (at, actor, action, entityType, entityKey) VALUES (?, 'U1', 'report', 'report', ?)",
      ).run("2024-10-07T10:00:00.000+00:00", code);
    })();
    db.close();
  }

  beforeEach(() => {
    liveDir = mkdtempSync(path.join(tmpdir(), "obiettivi-ops-live-"));
    dir = mkdtempSync(path.join(tmpdir(), "obiettivi-ops-"));
    t = { file: path.join(liveDir, "obiettivi.db") };
    migrate(t.file);
    saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = `file:${t.file}`;
    const db = new Database(t.file);
    db.prepare(
      "INSERT INTO Plan (year, entity, sourceName, sourceHash, importedAt) VALUES (2024, 'Comune di Prova', 'p.txt', 'h', ?)",
    ).run(new Date().toISOString());
    db.close();
    addReport("3.1.2");
  });
  afterEach(() => {
    process.env.DATABASE_URL = saved;
    rmSync(liveDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it("backs up, refuses to overwrite without --forza, and says what the copy holds", async () => {
    const target = path.join(dir, "copia.db");
    const first = await cli(["backup", target]);
    expect(first.err).toBe("");
    expect(first.code).toBe(0);
    expect(first.out).toContain(`Copia salvata in ${target}`);
    expect(first.out).toMatch(/piani: 2024/);
    expect(first.out).toMatch(/segnalazioni: 1;/);
    expect(count(target, "SELECT COUNT(*) AS n FROM Report")).toBe(1);

    addReport("3.1.3");
    const again = await cli(["backup", target]);
    expect(again.code).toBe(1);
    expect(again.err).toContain("esiste già");
    expect(again.err).toContain("--forza");
    expect(count(target, "SELECT COUNT(*) AS n FROM Report")).toBe(1);

    const forced = await cli(["backup", target, "--forza"]);
    expect(forced.code).toBe(0);
    expect(count(target, "SELECT COUNT(*) AS n FROM Report")).toBe(2);
    // No leftovers of the temporary copy.
    expect(readdirSync(dir)).toEqual(["copia.db"]);

    const noDir = await cli(["backup", path.join(dir, "manca", "x.db")]);
    expect(noDir.code).toBe(1);
    expect(noDir.err).toContain("non esiste");
    const onItself = await cli(["backup", t.file]);
    expect(onItself.code).toBe(1);
    expect(onItself.err).toContain("database in uso");
  });

  it("restores only after confirmation, keeps a safety copy, and audits the restore", async () => {
    const target = path.join(dir, "copia.db");
    expect((await cli(["backup", target])).code).toBe(0);
    addReport("3.1.3"); // made after the backup: the restore must drop it

    // No terminal and no --si: nobody can confirm, so nothing happens.
    const refused = await cli(["ripristina", target]);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain("La copia da ripristinare contiene");
    expect(refused.err).toContain("--si");
    expect(count(t.file, "SELECT COUNT(*) AS n FROM Report")).toBe(2);

    const done = await cli(["ripristina", target, "--si"]);
    expect(done.err).toBe("");
    expect(done.code).toBe(0);
    expect(done.out).toContain("Ripristino completato");
    expect(count(t.file, "SELECT COUNT(*) AS n FROM Report")).toBe(1);
    expect(count(t.file, "SELECT COUNT(*) AS n FROM AuditEntry WHERE action = 'restore'")).toBe(1);
    const check = new Database(t.file, { readonly: true });
    expect(check.pragma("integrity_check", { simple: true })).toBe("ok");
    check.close();

    const safety = readdirSync(path.dirname(t.file)).filter((f) => f.includes("prima-del-ripristino"));
    expect(safety).toHaveLength(1);
    expect(done.out).toContain(safety[0]);
    expect(count(path.join(path.dirname(t.file), safety[0]!), "SELECT COUNT(*) AS n FROM Report")).toBe(2);
    expect(done.out).toMatch(/ultima modifica: 7 ottobre 2024/);
  });

  it("a negative answer touches nothing", async () => {
    const target = path.join(dir, "copia.db");
    expect((await cli(["backup", target])).code).toBe(0);
    addReport("3.1.3");
    let asked = 0;
    const r = await restoreDatabase(target, t.file, {
      actor: "test",
      now: new Date(),
      confirm: async () => (asked++, false),
    });
    expect(asked).toBe(1);
    expect(r.restored).toBe(false);
    expect(count(t.file, "SELECT COUNT(*) AS n FROM Report")).toBe(2);
    expect(readdirSync(path.dirname(t.file)).filter((f) => f.includes("prima-del-ripristino"))).toHaveLength(0);
  });

  it("refuses files that are not an Obiettivi database, in Italian", async () => {
    const text = path.join(dir, "note.txt");
    writeFileSync(text, "questo non è un database\n".repeat(200));
    const other = path.join(dir, "altro.db");
    const o = new Database(other);
    o.exec("CREATE TABLE t (x)");
    o.close();
    const newer = path.join(dir, "nuovo.db");
    expect((await cli(["backup", newer])).code).toBe(0);
    const n = new Database(newer);
    n.prepare(
      "INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ('x', 'y', '2030-01-01', '20300101000000_futuro', '2030-01-01', 1)",
    ).run();
    n.close();

    for (const [file, expected] of [
      [text, "non è un database di Obiettivi"],
      [other, "mancano le tabelle"],
      [path.join(dir, "assente.db"), "File non trovato"],
      [newer, "versione di Obiettivi più recente"],
    ] as const) {
      const r = await cli(["ripristina", file, "--si"]);
      expect(r.code, file).toBe(1);
      expect(r.err).toContain(expected);
      expect(r.err).not.toMatch(/\bat .*:\d+:\d+/);
    }
    expect(count(t.file, "SELECT COUNT(*) AS n FROM Report")).toBe(1);
    expect(existsSync(path.join(dir, "assente.db"))).toBe(false);
  });
});
