import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { instantOfDay } from "../../src/domain/calendar/days.ts";
import { matchArea } from "../../src/domain/plan/areas.ts";
import { activityCompletion, weightedMean } from "../../src/domain/progress/completion.ts";
import { setManualDeadline } from "../../src/app/deadlines.ts";
import type { ReportInput } from "../../src/domain/progress/progress.ts";
import { recordReport, undoReport } from "../../src/store/reports.ts";
import { parseStatusQuery } from "../../src/domain/status/status.ts";
import { allAreasStatus, areaStatus, enteStatus, statusForText } from "../../src/app/stato.ts";
import { scopeCompletion } from "../../src/domain/progress/completion.ts";
import { ACTIVITY_COMPLETION_SQL } from "../../src/store/sql.ts";
import { UserError } from "../../src/errors.ts";
import { Prisma } from "../../src/generated/prisma/client.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";

const TODAY = "2024-10-07";
const USER = "U0TECNICO";

type Db = Awaited<ReturnType<typeof testDatabase>>;

/** Records a report as if made at noon (Rome) of `day`. */
async function report(t: Db, day: string, input: Omit<ReportInput, "planYear" | "userId" | "source">) {
  return recordReport(t.db, { planYear: 2024, userId: USER, source: "cli", ...input }, instantOfDay(day));
}

describe("status of the Leggiuno plan on 7 October 2024, with a known set of reports", () => {
  let t: Db;

  beforeAll(async () => {
    t = await testDatabase();
    await importPlanFile(t.db, LEGGIUNO_PLAN, { actor: "test", now: instantOfDay("2024-01-15") });
    // Area 03, oldest first.
    await report(t, "2024-09-10", { activityCode: "3.1.4", kind: "status", status: "completata" });
    await report(t, "2024-09-20", { activityCode: "3.1.6", kind: "amount", value: 150_000 });
    await report(t, "2024-09-25", { activityCode: "3.1.7", kind: "count_add", value: 2 });
    await report(t, "2024-09-26", { activityCode: "3.1.7", kind: "count_add", value: 1 });
    await report(t, "2024-09-30", { activityCode: "3.3.1", kind: "status", status: "in_corso" });
    await report(t, "2024-10-01", { activityCode: "3.1.2", kind: "percent", value: 60 });
    await report(t, "2024-10-02", { activityCode: "3.2.1", kind: "percent", value: 50 });
    await report(t, "2024-10-03", {
      activityCode: "3.4.1",
      kind: "status",
      status: "bloccata",
      note: "manca il progetto esecutivo",
    });
    await report(t, "2024-10-04", { activityCode: "3.3.5", kind: "status", status: "completata" });
    const undone = await report(t, "2024-10-05", { activityCode: "3.2.2", kind: "percent", value: 80 });
    await undoReport(t.db, {
      reportId: undone.report.id,
      userId: USER,
      now: new Date(instantOfDay("2024-10-05").getTime() + 60_000),
    });
    // Deadlines set by hand: one where the plan has none, one moved earlier than the plan's.
    await setManualDeadline(t.db, {
      code: "3.1.1",
      date: "20/10/2024",
      actor: "test",
      now: instantOfDay("2024-02-01"),
    });
    // Moving a printed date is now a variation; a row like this, written by older versions, is still honoured.
    await t.db.manualDeadline.create({
      data: {
        planYear: 2024,
        activityCode: "3.1.5",
        deadline: "2024-10-01",
        setBy: "test",
        setAt: instantOfDay("2024-02-01"),
      },
    });
    // Comune-wide objectives.
    await report(t, "2024-09-01", { activityCode: "E6.1", kind: "count_set", value: 1 });
    await report(t, "2024-09-02", { activityCode: "E8.1", kind: "percent", value: 100 });
    await report(t, "2024-09-03", { activityCode: "E3.2", kind: "percent", value: 40 });
  });

  afterAll(async () => {
    await t.dispose();
  });

  it("an area: each objective's weighted completion, the area's, and the counts", async () => {
    const s = await areaStatus(t.db, { areaQuery: "tecnica", today: TODAY });
    expect(s.area).toMatchObject({ code: "03", name: "Area Tecnico Manutentiva", head: "Claudia Nodari" });
    expect(s.year).toBe(2024);
    expect(s.entity).toBe("Comune di Leggiuno");
    const byCode = Object.fromEntries(s.objectives.map((o) => [o.code, o]));
    expect(Object.keys(byCode)).toEqual(["3.1", "3.2", "3.3", "3.4"]);
    // 3.1: 3.1.2 60%, 3.1.4 done, 3.1.6 150.000 of 200.000, 3.1.7 3 of 5; the other three at 0.
    expect(byCode["3.1"]!.completion).toBeCloseTo((0.6 + 1 + 0.75 + 0.6) / 7, 12);
    expect(byCode["3.1"]).toMatchObject({ weight: 10, activities: 7, completed: 1 });
    // 3.2: 3.2.1 at 50%; the 80% on 3.2.2 was undone.
    expect(byCode["3.2"]!.completion).toBeCloseTo(0.5 / 5, 12);
    // 3.3: 3.3.5 done; 3.3.1 "in corso" with a date target scores 0.
    expect(byCode["3.3"]!.completion).toBeCloseTo(1 / 7, 12);
    expect(byCode["3.4"]!.completion).toBe(0);
    const expected = ((0.6 + 1 + 0.75 + 0.6) / 7 + 0.1 + 1 / 7 + 0) / 4;
    expect(s.completion).toBeCloseTo(expected, 12);
    // The SQL pass and activityCompletion agree: the area figure is the weighted mean of the objectives'.
    expect(s.completion).toBeCloseTo(
      weightedMean(s.objectives.map((o) => ({ value: o.completion, weight: o.weight ?? 1 }))),
      12,
    );
    expect(s.activities).toBe(23);
    expect(s.completed).toBe(2);
    expect(s.objectiveTotal).toBe(4);
  });

  it("an area: overdue (worst first, deadline set by hand included, completed excluded) and due in 30 days", async () => {
    const s = await areaStatus(t.db, { areaQuery: "3", today: TODAY });
    expect(s.overdue.count).toBe(3);
    expect(s.overdue.worst.map((i) => [i.code, i.deadline, i.daysLeft, i.status])).toEqual([
      ["3.3.1", "2024-03-31", -190, "in_corso"],
      ["3.4.1", "2024-06-30", -99, "bloccata"],
      ["3.1.5", "2024-10-01", -6, null],
    ]);
    expect(s.dueSoon.days).toBe(30);
    expect(s.dueSoon.count).toBe(2);
    expect(s.dueSoon.items.map((i) => [i.code, i.deadline, i.daysLeft])).toEqual([
      ["3.1.1", "2024-10-20", 13],
      ["3.1.3", "2024-10-31", 24],
    ]);
  });

  it("an area: the latest reports, newest first, undone ones left out", async () => {
    const s = await areaStatus(t.db, { areaQuery: "03", today: TODAY });
    expect(s.latestReports.map((r) => [r.activityCode, r.kind, r.status ?? r.value])).toEqual([
      ["3.3.5", "status", "completata"],
      ["3.4.1", "status", "bloccata"],
      ["3.2.1", "percent", 50],
      ["3.1.2", "percent", 60],
      ["3.3.1", "status", "in_corso"],
    ]);
    expect(s.latestReports[1]).toMatchObject({
      userId: USER,
      note: "manca il progetto esecutivo",
      occurredOn: "2024-10-03",
    });
    expect(s.latestReports[0]!.createdAt).toBeInstanceOf(Date);
  });

  it("the Comune-wide objectives: equal weights when the plan gives none", async () => {
    const s = await enteStatus(t.db, { today: TODAY });
    expect(s.area).toBeNull();
    expect(s.scope).toEqual({ kind: "ente" });
    expect(s.objectives.map((o) => o.code)).toEqual(["E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8"]);
    const byCode = Object.fromEntries(s.objectives.map((o) => [o.code, o.completion]));
    expect(byCode.E3).toBeCloseTo(0.4 / 3, 12);
    expect(byCode.E6).toBeCloseTo(0.5 / 2, 12);
    expect(byCode.E8).toBeCloseTo(1 / 5, 12);
    expect(s.completion).toBeCloseTo((0.4 / 3 + 0.25 + 0.2) / 8, 12);
    expect(s.activities).toBe(16);
    expect(s.completed).toBe(1);
    expect(s.overdue.count).toBe(1);
    expect(s.overdue.worst.map((i) => [i.code, i.daysLeft])).toEqual([["E2.1", -7]]);
    expect(s.dueSoon.count).toBe(0);
    expect(s.latestReports.map((r) => r.activityCode)).toEqual(["E3.2", "E8.1", "E6.1"]);
  });

  it("every area at once agrees with each area alone", async () => {
    const all = await allAreasStatus(t.db, { today: TODAY });
    expect(all.areas.map((a) => a.area?.code)).toEqual(["01", "02", "03", "04", "05"]);
    const a03 = all.areas.find((a) => a.area?.code === "03")!;
    const alone = await areaStatus(t.db, { areaQuery: "03", today: TODAY });
    expect(a03.completion).toBeCloseTo(alone.completion, 12);
    expect(a03).toMatchObject({ activities: 23, completed: 2, overdue: 3, dueSoon: 2 });
    expect(all.areas.find((a) => a.area?.code === "05")).toMatchObject({
      completion: 0,
      activities: 22,
      completed: 0,
      overdue: 4,
      dueSoon: 0,
    });
    expect(all.ente).toMatchObject({ activities: 16, completed: 1, overdue: 1 });
    expect(all.ente!.completion).toBeCloseTo((0.4 / 3 + 0.25 + 0.2) / 8, 12);
    const total = all.areas.reduce((s, a) => s + a.activities, 0) + all.ente!.activities;
    expect(total).toBe(121);
  });

  it("reads /stato's text: area by code or name words, ente, all, a year", async () => {
    expect(parseStatusQuery("")).toEqual({ year: undefined, scope: { kind: "all" } });
    expect(parseStatusQuery("  Tutte ")).toEqual({ year: undefined, scope: { kind: "all" } });
    expect(parseStatusQuery("ente")).toEqual({ year: undefined, scope: { kind: "ente" } });
    expect(parseStatusQuery("tecnica 2024")).toEqual({ year: 2024, scope: { kind: "query", text: "tecnica" } });
    for (const [query, code] of [
      ["tecnica", "03"],
      ["3", "03"],
      ["03", "03"],
      ["polizia", "04"],
      ["sociali", "05"],
      ["SERVIZI SOCIALI", "05"],
      ["affari generali", "01"],
      ["area economico-finanziaria", "02"],
      ["finanziaria", "02"],
      ["manutentiva", "03"],
      ["tecnca", "03"],
      ["Polizìa", "04"],
    ] as const) {
      const r = await statusForText(t.db, query, TODAY);
      expect(r.kind === "scope" && r.area?.code, query).toBe(code);
    }
    expect((await statusForText(t.db, "", TODAY)).kind).toBe("all");
    const ente = await statusForText(t.db, "ente", TODAY);
    expect(ente.kind === "scope" && ente.area).toBeNull();
  });

  it("unknown or ambiguous areas: an Italian message listing the areas", async () => {
    await expect(statusForText(t.db, "urbanistica", TODAY)).rejects.toThrow(UserError);
    const unknown = await statusForText(t.db, "urbanistica", TODAY).catch((e: UserError) => e);
    expect((unknown as UserError).code).toBe("area_unknown");
    expect((unknown as UserError).message).toContain("Nessuna area del piano 2024 corrisponde a «urbanistica»");
    expect((unknown as UserError).message).toContain("• 03 Area Tecnico Manutentiva");
    expect((unknown as UserError).message).toContain("/stato ente");
    const ambiguous = await statusForText(t.db, "area", TODAY).catch((e: UserError) => e);
    expect((ambiguous as UserError).code).toBe("area_ambiguous");
    expect((ambiguous as UserError).message).toContain("corrisponde a più aree");
    const noPlan = await statusForText(t.db, "tecnica 2023", TODAY).catch((e: UserError) => e);
    expect((noPlan as UserError).message).toContain("Nessun piano caricato per l'anno 2023");
  });
});

describe("matchArea", () => {
  const areas = [
    { code: "01", name: "Area Servizi Generali" },
    { code: "02", name: "Area Servizi Sociali" },
    { code: "10", name: "Area Tecnica" },
  ];
  it("needs every word to fit, and says when several areas fit", () => {
    expect(matchArea(areas, "servizi")).toMatchObject({ kind: "many" });
    expect(matchArea(areas, "servizi sociali")).toMatchObject({ kind: "one", area: { code: "02" } });
    expect(matchArea(areas, "10")).toMatchObject({ kind: "one", area: { code: "10" } });
    expect(matchArea(areas, "1")).toMatchObject({ kind: "one", area: { code: "01" } });
    expect(matchArea(areas, "tecnico")).toMatchObject({ kind: "one", area: { code: "10" } });
    expect(matchArea(areas, "xyz")).toEqual({ kind: "none" });
    expect(matchArea(areas, "   ")).toEqual({ kind: "none" });
    expect(matchArea(areas, "<script>")).toEqual({ kind: "none" });
  });
});

describe("scopeCompletion", () => {
  it("weights objectives by the plan, the unweighted ones as the average weight", () => {
    // Two weighted (10 at 50%, 30 at 100%), one without weight at 0%: it counts as 20.
    expect(
      scopeCompletion({ live: 3, weighted: 2, weightSum: 40, weightedScore: 10 * 0.5 + 30 * 1, unweightedScore: 0 }),
    ).toBeCloseTo(35 / 60, 12);
    expect(scopeCompletion({ live: 2, weighted: 0, weightSum: 0, weightedScore: 0, unweightedScore: 1.5 })).toBeCloseTo(
      0.75,
      12,
    );
    expect(scopeCompletion({ live: 0, weighted: 0, weightSum: 0, weightedScore: 0, unweightedScore: 0 })).toBe(0);
  });
});

describe("the SQL twin of activityCompletion", () => {
  let t: Db;
  beforeAll(async () => {
    t = await testDatabase();
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("agrees with activityCompletion on every kind, threshold and recorded value", async () => {
    const kinds = ["deadline", "percentage", "count", "boolean", "amount", "upper_bound", "text"];
    const thresholds = [null, 0, -1, 2, 200_000];
    const statuses = [null, "non_iniziata", "in_corso", "completata", "bloccata"];
    const percents = [null, 50, 150, -10];
    const counts = [null, 1, 5];
    const achieved = [null, 150_000, 300_000];
    const plan = await t.db.plan.create({
      data: { year: 2099, entity: "Prova", sourceName: "x", sourceHash: "x", importedAt: new Date() },
    });
    const objective = await t.db.objective.create({
      data: { planId: plan.id, code: "9.1", title: "t", description: "", publicValue: "", position: 1 },
    });
    const cases: {
      code: string;
      kind: string;
      threshold: number | null;
      status: string | null;
      percent: number | null;
      count: number | null;
      achievedValue: number | null;
    }[] = [];
    for (const kind of kinds)
      for (const threshold of thresholds)
        for (const status of statuses)
          for (const percent of percents)
            for (const count of counts)
              for (const achievedValue of achieved) {
                if (status === null && (percent !== null || count !== null || achievedValue !== null)) continue;
                cases.push({ code: `9.1.${cases.length}`, kind, threshold, status, percent, count, achievedValue });
              }
    // Plain multi-row INSERTs in one transaction: createMany goes row by row on this adapter.
    await t.db.$transaction(async (tx) => {
      for (let i = 0; i < cases.length; i += 500) {
        const chunk = cases.slice(i, i + 500);
        await tx.$executeRaw`
          INSERT INTO Activity (planId, objectiveId, code, printedCode, title, description, position, indicatorName, targetText, targetKind, threshold)
          VALUES ${Prisma.join(chunk.map((c, j) => Prisma.sql`(${plan.id}, ${objective.id}, ${c.code}, ${c.code}, ${c.code}, '', ${i + j}, '', '', ${c.kind}, ${c.threshold})`))}`;
        const withProgress = chunk.filter((c) => c.status !== null);
        await tx.$executeRaw`
          INSERT INTO Progress (planYear, activityCode, status, percent, count, achievedValue, updatedAt)
          VALUES ${Prisma.join(withProgress.map((c) => Prisma.sql`(2099, ${c.code}, ${c.status}, ${c.percent}, ${c.count}, ${c.achievedValue}, ${new Date()})`))}`;
      }
    });
    const rows = await t.db.$queryRaw<{ code: string; c: number }[]>`
      SELECT a.code AS code, ${ACTIVITY_COMPLETION_SQL} AS c
      FROM Activity a LEFT JOIN Progress p ON p.planYear = 2099 AND p.activityCode = a.code
      WHERE a.planId = ${plan.id}`;
    expect(rows.length).toBe(cases.length);
    const byCode = new Map(rows.map((r) => [r.code, Number(r.c)]));
    const disagree = cases.filter((c) => {
      const js = activityCompletion({
        targetKind: c.kind,
        threshold: c.threshold,
        status: c.status,
        percent: c.percent,
        count: c.count,
        achievedValue: c.achievedValue,
      });
      return !(Math.abs((byCode.get(c.code) ?? Number.NaN) - js) < 1e-12);
    });
    expect(disagree).toEqual([]);
    expect(cases.length).toBeGreaterThan(4_000);
  });
});
