import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.ts";
import { expectedCount, paceClock, type AreaDigest } from "../../src/domain/digest/digest.ts";
import { isoWeekOf, mondayOf } from "../../src/domain/calendar/weeks.ts";
import { buildDigests } from "../../src/app/digest.ts";
import { renderDigestText } from "../../src/domain/digest/text.ts";
import { deriveProgress, periodKey, type ReportFact } from "../../src/domain/progress/progress.ts";
import { allAreasStatus } from "../../src/app/stato.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";

type TestDb = Awaited<ReturnType<typeof testDatabase>>;

const IMPORTED_AT = new Date("2024-01-10T09:00:00Z");

async function leggiuno(): Promise<TestDb> {
  const t = await testDatabase();
  await importPlanFile(t.db, LEGGIUNO_PLAN, { actor: "test", now: IMPORTED_AT });
  return t;
}

async function digestOf(db: Db, today: string, area: string): Promise<AreaDigest> {
  const set = await buildDigests(db, { today, shown: 50, wideShown: 50 });
  const d = set.digests.find((x) => x.area.code === area);
  if (!d) throw new Error(`area ${area} assente`);
  return d;
}

const codesAndDays = (items: { code: string; daysLate: number | null }[]) => items.map((i) => [i.code, i.daysLate]);

async function addProgress(db: Db, code: string, status: string, extra: { percent?: number; count?: number } = {}) {
  await db.progress.create({
    data: {
      planYear: 2024,
      activityCode: code,
      status,
      percent: extra.percent ?? null,
      count: extra.count ?? null,
      updatedAt: IMPORTED_AT,
    },
  });
}

let seq = 0;
async function addReport(
  db: Db,
  code: string,
  kind: "count_add" | "count_set",
  value: number,
  occurredOn: string,
  opts: { createdAt?: string; undone?: boolean } = {},
) {
  seq += 1;
  await db.report.create({
    data: {
      planYear: 2024,
      activityCode: code,
      userId: "U0REPORT1",
      kind,
      value,
      occurredOn,
      source: "cli",
      createdAt: new Date(opts.createdAt ?? `${occurredOn}T10:00:00.${String(seq % 1000).padStart(3, "0")}Z`),
      undoneAt: opts.undone ? new Date(`${occurredOn}T11:00:00Z`) : null,
    },
  });
}

describe("calendar helpers", () => {
  it("names ISO weeks, including the ones that straddle a new year", () => {
    expect(isoWeekOf("2024-10-07")).toBe("2024-W41");
    expect(isoWeekOf("2024-10-13")).toBe("2024-W41");
    expect(isoWeekOf("2024-12-30")).toBe("2025-W01");
    expect(isoWeekOf("2021-01-03")).toBe("2020-W53");
    expect(isoWeekOf("2024-01-01")).toBe("2024-W01");
    expect(mondayOf("2024-10-13")).toBe("2024-10-07");
    expect(mondayOf("2024-10-07")).toBe("2024-10-07");
    // Same weeks as the progress service's period buckets.
    for (const d of ["2024-10-07", "2024-12-30", "2021-01-03", "2027-01-01"])
      expect(isoWeekOf(d)).toBe(periodKey(d, "week"));
  });

  it("counts the pace over whole days before today, per period", () => {
    const c = paceClock(2024, "2024-10-21");
    expect(c.active).toBe(true);
    expect(c.yearUnits.day).toBe(294); // 1 Jan .. 20 Oct
    expect(c.yearUnits.week).toBeCloseTo(42, 10);
    expect(c.yearUnits.month).toBeCloseTo(9 + 20 / 31, 10);
    expect(c.current.month).toEqual({ start: "2024-10-01", units: 20 / 31 });
    expect(c.current.week).toEqual({ start: "2024-10-21", units: 0 });
    expect(expectedCount(2, c.yearUnits.month)).toBe(19);
    expect(expectedCount(3, c.current.month!.units)).toBe(1);
    expect(expectedCount(2, 0.49)).toBe(0);
    expect(expectedCount(0.1, 30)).toBe(3); // 0.1 * 30 is 2.9999999999999996 in floating point

    const after = paceClock(2024, "2025-01-10");
    expect(after.yearUnits).toEqual({ day: 366, week: 366 / 7, month: 12, year: 1 });
    expect(after.current).toEqual({ week: null, month: null });
    expect(after.asOf).toBe("2024-12-31");

    expect(paceClock(2024, "2023-12-31").active).toBe(false);
    // The first days of January belong to a week that began in December: only the plan year counts.
    expect(paceClock(2025, "2025-01-02").current.week).toEqual({ start: "2025-01-01", units: 1 / 7 });
  });
});

describe("digest of the Leggiuno 2024 plan", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await leggiuno();
  });
  afterAll(async () => t.dispose());

  it("on Monday 7 October 2024, area 03 has three overdue activities, worst first, with their days of delay", async () => {
    const d = await digestOf(t.db, "2024-10-07", "03");
    expect(d.week).toBe("2024-W41");
    expect(d.area).toEqual({ code: "03", name: "Area Tecnico Manutentiva" });
    expect(codesAndDays(d.overdue.items)).toEqual([
      ["3.3.1", 190], // 31 marzo
      ["3.4.1", 99], // 30 giugno
      ["3.1.4", 22], // 15 settembre
    ]);
    expect(d.overdue.total).toBe(3);
    expect(d.dueSoon.total).toBe(0);
    expect(d.quiet).toBe(false);
  });

  it("lists what falls due in the next 14 days, today and the 14th day included", async () => {
    const march = await digestOf(t.db, "2024-03-25", "01");
    expect(codesAndDays(march.overdue.items)).toEqual([["1.3.5", 25]]); // printed 1.2.5 under objective 1.3
    expect(codesAndDays(march.dueSoon.items)).toEqual([
      ["1.2.7", -6],
      ["1.3.1", -6],
      ["1.4.2", -6],
      ["1.4.4", -6],
      ["1.4.6", -6],
      ["1.1.1", -14], // 8 aprile: the 14th day
    ]);
    const october = await digestOf(t.db, "2024-10-21", "03");
    expect(codesAndDays(october.dueSoon.items)).toEqual([["3.1.3", -10]]);
    const dueToday = await digestOf(t.db, "2024-10-31", "03");
    expect(codesAndDays(dueToday.dueSoon.items)).toContainEqual(["3.1.3", 0]);
    expect(dueToday.overdue.items.map((i) => i.code)).not.toContain("3.1.3");
  });

  it("after the year, every dated activity left open is overdue", async () => {
    const d = await digestOf(t.db, "2025-01-10", "03");
    expect(codesAndDays(d.overdue.items)).toEqual([
      ["3.3.1", 285],
      ["3.4.1", 194],
      ["3.1.4", 117],
      ["3.1.3", 71],
      ["3.1.5", 41],
      ["3.1.2", 10],
      ["3.2.4", 10],
      ["3.3.6", 10],
    ]);
  });

  it("lists the open Comune-wide activities that involve the area, late ones first", async () => {
    const police = await digestOf(t.db, "2024-10-07", "04");
    expect(police.comuneWide.items[0]).toMatchObject({ code: "E2.1", daysLate: 7, deadline: "2024-09-30" });
    // E2.1 involves only the Polizia Locale; "Tutte EQ" ones reach every area.
    const tech = await digestOf(t.db, "2024-10-07", "03");
    expect(tech.comuneWide.items.map((i) => i.code)).not.toContain("E2.1");
    expect(tech.comuneWide.items.map((i) => i.code)).toContain("E4.1");
    const general = await digestOf(t.db, "2024-10-07", "01");
    expect(general.comuneWide.items.map((i) => i.code)).toContain("E5.1"); // involves 01 and 02 only
    expect(tech.comuneWide.items.map((i) => i.code)).not.toContain("E5.1");
  });

  it("finds count indicators behind their pace with no report at all", async () => {
    const d = await digestOf(t.db, "2024-10-07", "03");
    const pace = Object.fromEntries(d.behindPace.items.map((p) => [p.code, p]));
    expect(Object.keys(pace).sort()).toEqual(["3.3.2", "3.3.3", "3.3.7", "3.4.2", "3.4.3", "3.4.4"]);
    expect(pace["3.3.2"]).toMatchObject({ period: "month", threshold: 2, yearToDate: { expected: 18, recorded: 0 } });
    expect(pace["3.3.2"]!.currentPeriod).toMatchObject({
      period: "month",
      start: "2024-10-01",
      expected: 0,
      recorded: 0,
    });
    expect(pace["3.3.3"]).toMatchObject({ period: "week", yearToDate: { expected: 80, recorded: 0 } });
    expect(pace["3.3.7"]).toMatchObject({
      period: "year",
      currentPeriod: null,
      yearToDate: { expected: 1, recorded: 0 },
    });
    // "> 2 al mese (nella stagione estiva)": the season's dates are not in the plan.
    expect(pace["3.3.4"]).toBeUndefined();
    const police = await digestOf(t.db, "2024-10-07", "04");
    expect(police.behindPace.items.map((p) => [p.code, p.yearToDate.expected])).toEqual([["4.4.3", 280]]); // > 1 al giorno
  });

  it("renders as plain text with the figures a reader checks", async () => {
    const text = renderDigestText(await digestOf(t.db, "2024-10-07", "03"));
    expect(text).toContain("Riepilogo settimanale – 03. Area Tecnico Manutentiva");
    expect(text).toContain("Settimana 41 · 07/10/2024");
    expect(text).toContain("In ritardo (3):");
    expect(text).toContain("3.3.1 Gestione del servizio di raccolta e smaltimento rifiuti");
    expect(text).toContain("scadenza 31/03/2024, 190 giorni di ritardo");
    expect(text).toContain("valore atteso «> 2 al mese», registrati da inizio anno 0 (attesi finora 18)");
    expect(text).toContain("Nessun responsabile registrato per l'area 03");
  });
});

describe("digest with recorded progress", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await leggiuno();
  });
  afterAll(async () => t.dispose());

  it("compares the reports of this month and of the year with the pace expected by today", async () => {
    const db = t.db;
    // 3.3.2 "> 2 al mese": 18 counted by hand at the end of September, 1 more on 3 October.
    await addReport(db, "3.3.2", "count_add", 5, "2024-05-10");
    await addReport(db, "3.3.2", "count_set", 18, "2024-09-30");
    await addReport(db, "3.3.2", "count_add", 1, "2024-10-03");
    // 3.4.2 "> 3 al mese": 2 this month, plus one undone and one dated after today.
    await addReport(db, "3.4.2", "count_add", 2, "2024-10-02");
    await addReport(db, "3.4.2", "count_add", 4, "2024-10-04", { undone: true });
    await addReport(db, "3.4.2", "count_add", 9, "2024-10-25");

    const d = await digestOf(db, "2024-10-21", "03");
    const pace = Object.fromEntries(d.behindPace.items.map((p) => [p.code, p]));
    // 3.3.2: year 19 of 19 expected, month 1 of floor(2 * 20/31) = 1: on pace.
    expect(pace["3.3.2"]).toBeUndefined();
    expect(d.behindPace.total).toBe(5);
    expect(d.behindPace.items.map((p) => p.code)).toEqual(["3.3.3", "3.3.7", "3.4.3", "3.4.4", "3.4.2"]);
    // 3.4.2: month 2 of floor(3 * 20/31) = 1 is fine, but the year has 2 of floor(3 * 9.645) = 28.
    expect(pace["3.4.2"]).toMatchObject({
      currentPeriod: { period: "month", expected: 1, recorded: 2 },
      yearToDate: { expected: 28, recorded: 2 },
    });
    // The same reports seen on 7 October: the count set on 30 September is in, 3 October's too.
    const early = await digestOf(db, "2024-10-07", "03");
    expect(early.behindPace.items.map((p) => p.code)).not.toContain("3.3.2");
  });

  it("counts a period exactly as the progress service does, count set by hand included", async () => {
    const db = t.db;
    const facts: ReportFact[] = [];
    const plan: ["count_add" | "count_set", number, string][] = [
      ["count_add", 3, "2024-09-05"],
      ["count_add", 2, "2024-10-01"],
      ["count_set", 4, "2024-10-02"], // the running total was 5: October loses 1
      ["count_add", 1, "2024-10-03"],
      ["count_set", 10, "2024-10-04"], // +5 in October
      ["count_add", 2, "2024-10-05"],
    ];
    let i = 0;
    for (const [kind, value, day] of plan) {
      i += 1;
      const createdAt = `${day}T08:00:00.000Z`;
      await addReport(db, "3.4.3", kind, value, day, { createdAt });
      facts.push({
        id: i,
        kind,
        status: null,
        value,
        occurredOn: day,
        note: null,
        userId: "U",
        createdAt: new Date(createdAt),
      });
    }
    // 3.4.3 is "> 2 all'anno": paced per year, so give it a month pace for this check.
    await db.activity.updateMany({ where: { code: "3.4.3" }, data: { period: "month", threshold: 40 } });
    const derived = deriveProgress(facts, { targetKind: "count", period: "month" });
    const october = derived.periodCounts.find((p) => p.period === "2024-10")!.count;
    expect(derived.count).toBe(12);
    expect(october).toBe(9); // 2 - 1 + 1 + 5 + 2

    const d = await digestOf(db, "2024-10-21", "03");
    const p = d.behindPace.items.find((x) => x.code === "3.4.3")!;
    // Recounted apart (a count was set by hand), then ranked with the others: 12 of 385 expected.
    expect(d.behindPace.items.map((x) => x.code)).toEqual(["3.3.3", "3.3.7", "3.4.4", "3.4.3", "3.4.2"]);
    expect(d.behindPace.total).toBe(5);
    expect(p.yearToDate.recorded).toBe(derived.count);
    expect(p.currentPeriod).toMatchObject({ period: "month", recorded: october, expected: 25 }); // floor(40 * 20/31)
  });

  it("uses the deadline set by hand, and leaves completed activities out", async () => {
    const db = t.db;
    await db.manualDeadline.create({
      data: { planYear: 2024, activityCode: "3.1.1", deadline: "2024-10-15", setBy: "test", setAt: IMPORTED_AT },
    });
    await db.manualDeadline.create({
      data: { planYear: 2024, activityCode: "3.1.4", deadline: "2024-12-20", setBy: "test", setAt: IMPORTED_AT },
    });
    await addProgress(db, "3.4.1", "completata");
    await addProgress(db, "3.3.1", "bloccata");
    const d = await digestOf(db, "2024-10-07", "03");
    expect(codesAndDays(d.overdue.items)).toEqual([["3.3.1", 190]]);
    expect(d.overdue.items[0]!.status).toBe("bloccata");
    expect(codesAndDays(d.dueSoon.items)).toEqual([["3.1.1", -8]]);
    expect(renderDigestText(d)).toContain("(segnalata come bloccata)");
  });

  it("mentions the area's heads: users with the responsabile role for that area only", async () => {
    const db = t.db;
    const at = IMPORTED_AT;
    await db.user.create({
      data: {
        slackUserId: "U0HEAD03",
        role: "responsabile",
        name: "Claudia Nodari",
        createdAt: at,
        areas: { create: [{ areaCode: "03" }] },
      },
    });
    await db.user.create({
      data: { slackUserId: "U0STAFF03", role: "dipendente", createdAt: at, areas: { create: [{ areaCode: "03" }] } },
    });
    await db.user.create({
      data: { slackUserId: "U0HEAD04", role: "responsabile", createdAt: at, areas: { create: [{ areaCode: "04" }] } },
    });
    const d = await digestOf(db, "2024-10-07", "03");
    expect(d.heads).toEqual([{ slackUserId: "U0HEAD03", name: "Claudia Nodari" }]);
    expect(renderDigestText(d)).toContain("Responsabile: Claudia Nodari (U0HEAD03)");
  });

  it("gives the weighted completion /stato gives", async () => {
    const db = t.db;
    await addProgress(db, "2.1.1", "completata");
    await addProgress(db, "2.1.3", "completata");
    await addProgress(db, "2.4.1", "in_corso", { percent: 50 });
    const set = await buildDigests(db, { today: "2024-10-07" });
    const status = await allAreasStatus(db, { today: "2024-10-07" });
    for (const d of set.digests) {
      const s = status.areas.find((a) => a.area?.code === d.area.code)!;
      expect(d.completion).toBeCloseTo(s.completion, 12);
      expect([d.activities, d.completed]).toEqual([s.activities, s.completed]);
    }
    const area02 = set.digests.find((d) => d.area.code === "02")!;
    // Four objectives of weight 10: 2.1 at 2/5, 2.4 at 50%, the others at 0.
    expect(area02.completion).toBeCloseTo((0.4 + 0.5) / 4, 12);
    expect([area02.activities, area02.completed]).toEqual([14, 2]);
  });

  it("gives a quiet week one short positive line", async () => {
    // Area 02 once its two late activities are done (previous test): nothing late, due or behind.
    const d = await digestOf(t.db, "2024-10-07", "02");
    expect(d.quiet).toBe(true);
    expect(d.comuneWide.total).toBeGreaterThan(0); // open but not due: no reason to speak
    expect(renderDigestText(d)).toBe(
      "02. Area Economico Finanziaria: niente da segnalare questa settimana, nessuna attività in ritardo o in scadenza nei prossimi 14 giorni. Completamento ponderato: 22,5%.\n",
    );
  });

  it("ignores archived activities and archived areas", async () => {
    const db = t.db;
    await db.activity.updateMany({ where: { code: "3.3.1" }, data: { archivedAt: IMPORTED_AT } });
    const d = await digestOf(db, "2024-10-07", "03");
    expect(d.overdue.items.map((i) => i.code)).not.toContain("3.3.1");
    await db.area.updateMany({ where: { code: "05" }, data: { archivedAt: IMPORTED_AT } });
    const set = await buildDigests(db, { today: "2024-10-07" });
    expect(set.digests.map((x) => x.area.code)).toEqual(["01", "02", "03", "04"]);
  });
});
