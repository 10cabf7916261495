import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.ts";
import { setManualDeadline } from "../../src/app/deadlines.ts";
import { loadPlanJson } from "../../src/store/plan.ts";
import { UserError } from "../../src/errors.ts";
import {
  importParsedPlan,
  importPlanFile,
  importPlanText,
  parsePlanSource,
} from "../../src/plan-import/import-plan.ts";
import { exportPlanCsv } from "../../src/plan-import/plan-csv.ts";
import { AS_ADOPTED } from "../../src/domain/plan/in-force.ts";
import { loadPlanInForceAsDocument } from "../../src/store/stored-plan.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";

const NOW = new Date("2024-03-01T10:00:00Z");
const opts = { actor: "test", now: NOW };
const leggiuno = () => readFileSync(LEGGIUNO_PLAN, "utf8");

/** Every definition row, ids left out: what a user could observe of the stored plan. */
async function dump(db: Db) {
  const strip = <T extends object>(rows: T[]) => rows.map(({ id: _i, ...r }: any) => r);
  return {
    plans: strip(await db.plan.findMany({ orderBy: { year: "asc" } })),
    areas: strip(await db.area.findMany({ orderBy: [{ planId: "asc" }, { code: "asc" }] })),
    objectives: strip(await db.objective.findMany({ orderBy: [{ planId: "asc" }, { code: "asc" }] })),
    activities: strip(await db.activity.findMany({ orderBy: [{ planId: "asc" }, { code: "asc" }] })),
    anomalies: strip(await db.planAnomaly.findMany({ orderBy: { id: "asc" } })),
    audit: await db.auditEntry.count(),
    progress: await db.progress.findMany(),
    reports: await db.report.findMany(),
  };
}

describe("importing the Leggiuno PIAO", () => {
  let t: Awaited<ReturnType<typeof testDatabase>>;
  beforeEach(async () => {
    t = await testDatabase();
  });
  afterEach(async () => t.dispose());

  it("stores exactly the plan: 5 areas, 20 area objectives, 8 Comune-wide ones, 105 area activities", async () => {
    const r = await importPlanFile(t.db, LEGGIUNO_PLAN, opts);
    expect(r.year).toBe(2024);
    expect(r.entity).toBe("Comune di Leggiuno");
    expect(r.counts.areas).toBe(5);
    expect(r.counts.areaObjectives).toBe(20);
    expect(r.counts.enteObjectives).toBe(8);
    const areaActivities = await t.db.activity.count({ where: { objective: { areaId: { not: null } } } });
    expect(areaActivities).toBe(105);
    const heads = await t.db.area.findMany({ orderBy: { code: "asc" }, select: { code: true, head: true } });
    expect(heads).toEqual([
      { code: "01", head: "Clarissa Sartori" },
      { code: "02", head: "Clarissa Sartori" },
      { code: "03", head: "Claudia Nodari" },
      { code: "04", head: "Ettore Bezzolato" },
      { code: "05", head: "Chiara Sereno" },
    ]);
    const codes = (await t.db.activity.findMany({ select: { code: true } })).map((a) => a.code);
    expect(new Set(codes).size).toBe(codes.length);
    // Printed twice, stored once each under a unique canonical code.
    const printed121 = await t.db.activity.findMany({
      where: { printedCode: "1.2.1" },
      orderBy: { code: "asc" },
      select: { code: true },
    });
    expect(printed121.map((a) => a.code)).toEqual(["1.2.1", "1.3.1"]);
    expect((await t.db.activity.findFirstOrThrow({ where: { printedCode: "1005.1.4" } })).code).toBe("5.1.4");
    expect(r.manualDates.map((m) => m.target)).toEqual(
      expect.arrayContaining([
        "Entro i termini previsti da portale PA Digitale 2026",
        "Entro termini di legge",
        "Termine anno scolastico 2023-2024",
        "Entro il termine stabilito da Regione Lombardia",
      ]),
    );
    const audit = await t.db.auditEntry.findMany();
    expect(audit.map((a) => a.action)).toEqual(["plan_import"]);
  });

  it("importing the same document twice changes nothing", async () => {
    await importPlanFile(t.db, LEGGIUNO_PLAN, opts);
    const before = await dump(t.db);
    const again = await importPlanFile(t.db, LEGGIUNO_PLAN, { actor: "test", now: new Date("2024-05-01T10:00:00Z") });
    expect(again.unchanged).toBe(true);
    expect(await dump(t.db)).toEqual(before);
  });

  it("a revised document updates definitions, keeps progress and archives what disappeared", async () => {
    await importPlanFile(t.db, LEGGIUNO_PLAN, opts);
    await t.db.$transaction(async (tx) => {
      for (const code of ["3.1.2", "3.1.3"]) {
        await tx.report.create({
          data: {
            planYear: 2024,
            activityCode: code,
            userId: "U1",
            kind: "status",
            status: "completata",
            occurredOn: "2024-02-20",
            source: "cli",
            createdAt: NOW,
          },
        });
        await tx.progress.create({
          data: { planYear: 2024, activityCode: code, status: "completata", completedOn: "2024-02-20", updatedAt: NOW },
        });
      }
    });
    const revised = leggiuno()
      .replace(/^3\.1\.3\t.*\n/m, "") // 3.1.3 dropped
      .replace("Riqualificazione area San Primo Appalto", "Riqualificazione area San Primo (rivista) Appalto") // 3.1.2 edited
      .replace(/^(3\.2\.3\t.*)31 Dicembre 2024/m, "$130 Novembre 2024");
    const r = await importPlanText(t.db, revised, "leggiuno-rivisto.txt", {
      actor: "test",
      now: new Date("2024-04-01T10:00:00Z"),
    });
    expect(r.unchanged).toBe(false);
    expect(r.archived).toEqual(["3.1.3"]);
    expect(r.updated).toContain("3.1.2");
    expect(r.created).toEqual([]);
    const a313 = await t.db.activity.findFirstOrThrow({ where: { code: "3.1.3" } });
    expect(a313.archivedAt).not.toBeNull();
    const a312 = await t.db.activity.findFirstOrThrow({ where: { code: "3.1.2" } });
    expect(a312.description).toContain("(rivista)");
    expect(await t.db.progress.count()).toBe(2);
    expect(await t.db.report.count()).toBe(2);
    const json = await loadPlanJson(t.db);
    expect(json.objectives.flatMap((o) => o.activities).some((a) => a.code === "3.1.3")).toBe(false);

    // The original document brings 3.1.3 back, with its progress intact.
    const back = await importPlanFile(t.db, LEGGIUNO_PLAN, { actor: "test", now: new Date("2024-04-02T10:00:00Z") });
    expect(back.restored).toEqual(["3.1.3"]);
    expect((await t.db.activity.findFirstOrThrow({ where: { code: "3.1.3" } })).archivedAt).toBeNull();
    expect(
      await t.db.progress.findUnique({ where: { planYear_activityCode: { planYear: 2024, activityCode: "3.1.3" } } }),
    ).not.toBeNull();
  });

  it("an import that fails half-way leaves the database exactly as it was", async () => {
    await importPlanFile(t.db, LEGGIUNO_PLAN, opts);
    const before = await dump(t.db);
    const parsed = parsePlanSource(
      leggiuno().replace("Riqualificazione area San Primo", "Riqualificazione area San Secondo"),
      "x.txt",
    );
    // An activity pointing at an objective the plan lacks fails after areas and objectives were written.
    parsed.activities.push({ ...parsed.activities[0]!, code: "9.9.9", objectiveCode: "9.9" });
    await expect(importParsedPlan(t.db, parsed, opts)).rejects.toBeInstanceOf(UserError);
    expect(await dump(t.db)).toEqual(before);
  });

  it("refuses a file that is not a plan, with an Italian message, writing nothing", async () => {
    await expect(
      importPlanText(t.db, "Ciao, questa è una lista della spesa.\nlatte\tpane\n", "spesa.txt", opts),
    ).rejects.toThrow(/piano/i);
    await expect(importPlanText(t.db, "", "vuoto.txt", opts)).rejects.toThrow();
    expect(await t.db.plan.count()).toBe(0);
    await expect(importPlanFile(t.db, "/non/esiste.txt", opts)).rejects.toThrow(/File non trovato/);
  });

  it("a deadline set by hand is kept across re-imports and audited", async () => {
    await importPlanFile(t.db, LEGGIUNO_PLAN, opts);
    const r = await setManualDeadline(t.db, { code: "2.2.5", date: "30/11/2024", actor: "U9", now: NOW });
    expect(r.deadline).toBe("2024-11-30");
    await importPlanText(
      t.db,
      leggiuno().replace("Riqualificazione area San Primo", "Riqualificazione area San Primo bis"),
      "v2.txt",
      opts,
    );
    const json = await loadPlanJson(t.db);
    const a = json.objectives.flatMap((o) => o.activities).find((x) => x.code === "2.2.5")!;
    expect(a.indicator.deadline).toBe("2024-11-30");
    expect(a.indicator.kind).toBe("text");
    // The canonical code wins; a printed code that names two activities is refused, naming both.
    // (1.2.1 has a date in the plan: moving it is a variation, refused here with a pointer to it.)
    await expect(setManualDeadline(t.db, { code: "1.2.1", date: "30/11/2024", actor: "U9", now: NOW })).rejects.toThrow(
      /attività 1\.2\.1 ha nel piano la scadenza.*obiettivi variazione/,
    );
    await t.db.activity.updateMany({ where: { code: "1.2.1" }, data: { code: "1.2.1-x" } });
    await expect(setManualDeadline(t.db, { code: "1.2.1", date: "30/11/2024", actor: "U9", now: NOW })).rejects.toThrow(
      /1\.2\.1-x.*1\.3\.1/,
    );
    await expect(
      setManualDeadline(t.db, { code: "2.2.5", date: "31 febbraio", actor: "U9", now: NOW }),
    ).rejects.toThrow(/Data non valida/);
    expect((await t.db.auditEntry.findMany({ where: { action: "manual_deadline" } })).length).toBe(1);
  });

  it("the CSV export imports back to the same plan", async () => {
    await importPlanFile(t.db, LEGGIUNO_PLAN, opts);
    const csv = exportPlanCsv(await loadPlanInForceAsDocument(t.db, undefined, AS_ADOPTED));
    expect(csv.startsWith("\uFEFFtipo;anno;ente")).toBe(true);
    const original = await loadPlanJson(t.db);
    // Into the same database: recognised as the same plan.
    expect((await importPlanText(t.db, csv, "piano.csv", opts)).unchanged).toBe(true);
    // Into an empty one: the same plan.
    const other = await testDatabase();
    try {
      await importPlanText(other.db, csv, "piano.csv", opts);
      expect(await loadPlanJson(other.db)).toEqual(original);
    } finally {
      await other.dispose();
    }
  });
});
