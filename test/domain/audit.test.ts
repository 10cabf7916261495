import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/index.ts";
import { instantOfDay } from "../../src/domain/calendar/days.ts";
import { describeChange } from "../../src/domain/audit/format.ts";
import { listAudit } from "../../src/store/audit.ts";
import { setManualDeadline } from "../../src/app/deadlines.ts";
import { recordDelayExplanation } from "../../src/app/delays.ts";
import { recordReport, undoReport } from "../../src/store/reports.ts";
import { setScoringConfig } from "../../src/store/scoring-config.ts";
import { addUser, removeUser, setAreaChannel } from "../../src/app/users.ts";
import { importPlanFile, importPlanText } from "../../src/plan-import/import-plan.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";

type TestDb = Awaited<ReturnType<typeof testDatabase>>;

const SRC = path.resolve(import.meta.dirname, "../../src");
const MIGRATIONS = path.resolve(import.meta.dirname, "../../prisma/migrations");
const day = (d: string, minutes = 0) => new Date(instantOfDay(d).getTime() + minutes * 60_000);

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === "generated" ? [] : tsFiles(full);
    return name.endsWith(".ts") ? [full] : [];
  });
}

async function cli(args: string[]) {
  let out = "";
  let err = "";
  const code = await runCli(args, { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

describe("audit trail", () => {
  let t: TestDb;
  let savedUrl: string | undefined;

  beforeAll(async () => {
    t = await testDatabase();
    savedUrl = process.env.DATABASE_URL;
    process.env.DATABASE_URL = t.url;
    const db = t.db;
    await importPlanFile(db, LEGGIUNO_PLAN, { actor: "cli:segreteria", now: day("2024-01-10") });
    await addUser(
      db,
      { slackUserId: "U0NODARI", role: "responsabile", areas: ["03"], name: "Claudia Nodari" },
      { actor: "cli:segreteria", now: day("2024-01-11") },
    );
    await addUser(
      db,
      { slackUserId: "U0TEMP01", role: "dipendente", areas: ["04"] },
      { actor: "cli:segreteria", now: day("2024-01-11", 1) },
    );
    await setAreaChannel(
      db,
      { area: "03", channelId: "C0TECNICA" },
      { actor: "cli:segreteria", now: day("2024-01-12") },
    );
    await setAreaChannel(
      db,
      { area: "03", channelId: "C0TECNICA2" },
      { actor: "cli:segreteria", now: day("2024-01-12", 1) },
    );
    const r = await recordReport(
      db,
      {
        planYear: 2024,
        activityCode: "3.1.2",
        userId: "U0NODARI",
        kind: "percent",
        value: 60,
        source: "slack_command",
      },
      day("2024-03-01"),
    );
    await recordReport(
      db,
      {
        planYear: 2024,
        activityCode: "3.1.2",
        userId: "U0NODARI",
        kind: "status",
        status: "completata",
        evidence: "Det. n. 245/2024",
        source: "slack_modal",
      },
      day("2024-03-02"),
    );
    await undoReport(db, { reportId: r.report.id + 1, userId: "U0NODARI", now: day("2024-03-02", 5) });
    await recordDelayExplanation(db, {
      year: 2024,
      code: "3.1.4",
      userId: "U0NODARI",
      now: day("2024-09-20"),
      today: "2024-09-20",
      cause: "carenza_personale",
      explanation: "Tecnico in malattia",
      correctiveAction: "Incarico esterno",
      newExpectedDate: "2024-12-15",
    });
    await setManualDeadline(db, {
      year: 2024,
      code: "3.1.1",
      date: "30/11/2024",
      actor: "cli:segreteria",
      now: day("2024-02-01"),
    });
    await setScoringConfig(db, 2024, { maxPoints: 40 }, { actor: "cli:segreteria", now: day("2024-02-02") });
    await setScoringConfig(db, 2024, { maxPoints: 30 }, { actor: "cli:segreteria", now: day("2024-02-03") });
    const revised = readFileSync(LEGGIUNO_PLAN, "utf8").replace(
      "Riqualificazione area San Primo",
      "Riqualificazione area San Primo (rivista)",
    );
    await importPlanText(db, revised, "leggiuno-piao-2024-rev.txt", {
      actor: "cli:segreteria",
      now: day("2024-04-01"),
    });
    await removeUser(db, "U0TEMP01", { actor: "cli:segreteria", now: day("2024-05-01") });
  });
  afterAll(async () => {
    process.env.DATABASE_URL = savedUrl;
    await t.dispose();
  });

  it("every kind of change left one row with who, when, before and after", async () => {
    const rows = await listAudit(t.db, { limit: 1000 });
    const actions = rows.map((r) => r.action);
    for (const a of [
      "plan_import",
      "user_add",
      "user_remove",
      "channel_set",
      "report",
      "report_undo",
      "delay_cause",
      "manual_deadline",
      "scoring_config",
    ]) {
      expect(actions, a).toContain(a);
    }
    expect(actions.filter((a) => a === "plan_import")).toHaveLength(2);
    expect(actions.filter((a) => a === "channel_set")).toHaveLength(2);
    // oldest first, ids increasing
    expect(rows.map((r) => r.id)).toEqual([...rows.map((r) => r.id)].sort((a, b) => a - b));

    const channel = rows.filter((r) => r.action === "channel_set")[1]!;
    expect(channel).toMatchObject({
      actor: "cli:segreteria",
      entityKey: "03",
      before: { channelId: "C0TECNICA" },
      after: { channelId: "C0TECNICA2" },
    });
    const smvp = rows.filter((r) => r.action === "scoring_config");
    expect(smvp[0]).toMatchObject({
      entityType: "scoring_config",
      entityKey: "2024",
      before: null,
      after: { version: 1 },
    });
    expect(smvp[1]).toMatchObject({
      before: { version: 1, config: { maxPoints: 40 } },
      after: { version: 2, config: { maxPoints: 30 } },
    });
    expect(smvp[1]!.at.toISOString()).toBe(day("2024-02-03").toISOString());
    const deadline = rows.find((r) => r.action === "manual_deadline")!;
    expect(deadline).toMatchObject({
      entityKey: "2024:3.1.1",
      before: { deadline: null },
      after: { deadline: "2024-11-30" },
    });
  });

  it("lists one activity's history by code, and by year", async () => {
    const rows = await listAudit(t.db, { code: "3.1.2" });
    expect(rows.map((r) => r.action)).toEqual(["report", "report", "report_undo"]);
    expect(rows.every((r) => r.entityKey === "2024:3.1.2" && r.actor === "U0NODARI")).toBe(true);
    expect(await listAudit(t.db, { code: "9.9.9" })).toEqual([]);
    const year = await listAudit(t.db, { year: 2024, limit: 1000 });
    expect(year.every((r) => r.entityKey === "2024" || r.entityKey.startsWith("2024:"))).toBe(true);
    expect(year.some((r) => r.action === "plan_import")).toBe(true);
    expect(await listAudit(t.db, { limit: 2 })).toHaveLength(2);
  });

  it("npx obiettivi audit --codice: time, actor, action, entity, before -> after", async () => {
    const r = await cli(["audit", "--codice", "3.1.2"]);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^01\/03\/2024 12:00 {2}Claudia Nodari \(U0NODARI\) {2}segnalazione {2}progress 2024:3\.1\.2 {2}/,
    );
    expect(lines[1]).toContain("status: in_corso -> completata; completedOn: — -> 2024-03-02");
    expect(lines[2]).toMatch(/annullamento segnalazione .*status: completata -> in_corso/);
    const none = await cli(["audit", "--codice", "9.9.9"]);
    expect(none.out).toContain("Nessuna modifica registrata per «9.9.9».");
    const json = await cli(["audit", "--limite", "1", "--json"]);
    expect(JSON.parse(json.out)).toHaveLength(1);
    const bad = await cli(["audit", "--limite", "zero"]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("Atteso un numero intero maggiore di zero");
  });

  it("describes a change by what differs", () => {
    expect(describeChange({ a: 1, b: 2 }, { a: 1, b: 3 })).toBe("b: 2 -> 3");
    expect(describeChange(null, { a: 1 })).toBe('(nuovo) -> {"a":1}');
    expect(describeChange({ a: 1 }, null)).toBe('{"a":1} -> (rimosso)');
    expect(describeChange({ a: 1 }, { a: 1 })).toBe("nessuna differenza");
  });

  describe("cannot be changed through the product", () => {
    it("no source file updates, deletes or replaces audit rows, and no migration drops the triggers", () => {
      const offenders: string[] = [];
      const patterns = [
        /auditEntry\s*\.\s*(update|updateMany|upsert|delete|deleteMany|createMany)\b/,
        /\b(UPDATE|DELETE\s+FROM|REPLACE\s+INTO|INSERT\s+OR\s+REPLACE\s+INTO|TRUNCATE)\s+["'`]?AuditEntry\b/i,
        /\bDROP\s+(TABLE|TRIGGER)\s+(IF\s+EXISTS\s+)?["'`]?AuditEntry/i,
      ];
      const files = tsFiles(SRC);
      expect(files.length).toBeGreaterThan(20);
      for (const f of files) {
        const text = readFileSync(f, "utf8");
        for (const p of patterns) if (p.test(text)) offenders.push(`${path.relative(SRC, f)}: ${p}`);
      }
      expect(offenders).toEqual([]);
      const migrations = readdirSync(MIGRATIONS).filter((d) => statSync(path.join(MIGRATIONS, d)).isDirectory());
      const sql = migrations.map((d) => readFileSync(path.join(MIGRATIONS, d, "migration.sql"), "utf8")).join("\n");
      expect(sql).toMatch(/CREATE TRIGGER "AuditEntry_no_update" BEFORE UPDATE ON "AuditEntry"/);
      expect(sql).toMatch(/CREATE TRIGGER "AuditEntry_no_delete" BEFORE DELETE ON "AuditEntry"/);
      expect(sql).not.toMatch(/DROP\s+TRIGGER\s+(IF\s+EXISTS\s+)?"?AuditEntry_no_/i);
    });

    it("the database refuses UPDATE and DELETE, through Prisma and through raw SQL", async () => {
      const before = await t.db.auditEntry.findMany({ orderBy: { id: "asc" } });
      const first = before[0]!;
      const attempts: [string, () => Promise<unknown>][] = [
        ["update", () => t.db.auditEntry.update({ where: { id: first.id }, data: { actor: "falso" } })],
        ["updateMany", () => t.db.auditEntry.updateMany({ data: { after: null } })],
        ["delete", () => t.db.auditEntry.delete({ where: { id: first.id } })],
        ["deleteMany", () => t.db.auditEntry.deleteMany({})],
        ["raw UPDATE", () => t.db.$executeRawUnsafe(`UPDATE "AuditEntry" SET actor = 'falso' WHERE id = ${first.id}`)],
        ["raw DELETE", () => t.db.$executeRawUnsafe(`DELETE FROM "AuditEntry"`)],
        [
          "UPDATE in a transaction",
          () => t.db.$transaction(async (tx) => tx.$executeRawUnsafe(`UPDATE "AuditEntry" SET "before" = NULL`)),
        ],
      ];
      for (const [what, attempt] of attempts) {
        const err = (await attempt().then(
          () => null,
          (e: unknown) => e,
        )) as { message?: string; meta?: { driverAdapterError?: { cause?: { originalMessage?: string } } } } | null;
        expect(err, `${what} non rifiutato`).not.toBeNull();
        // The model API words it as a constraint error; the trigger's own message is underneath.
        expect(`${err!.message} ${err!.meta?.driverAdapterError?.cause?.originalMessage ?? ""}`, what).toMatch(
          /append-only/,
        );
      }
      // a second connection straight to the file, outside Prisma, is refused too
      const raw = new Database(t.file);
      try {
        expect(() => raw.prepare(`DELETE FROM "AuditEntry" WHERE id = ?`).run(first.id)).toThrow(/append-only/);
        expect(() => raw.prepare(`UPDATE "AuditEntry" SET at = 0`).run()).toThrow(/append-only/);
      } finally {
        raw.close();
      }
      expect(await t.db.auditEntry.findMany({ orderBy: { id: "asc" } })).toEqual(before);
    });
  });
});
