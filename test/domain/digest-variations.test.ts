import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDigests } from "../../src/app/digest.ts";
import { applyVariation, prepareTargetedVariation } from "../../src/app/variations.ts";
import type { AreaDigest } from "../../src/domain/digest/digest.ts";
import { renderDigestText } from "../../src/domain/digest/text.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";
import { countReport, variedPacePlan } from "../helpers/pace-variations.ts";

type TestDb = Awaited<ReturnType<typeof testDatabase>>;

/** The weekly digest reads the definitions in force on its day: variations merge into its set-based rows. */
describe("digest with variations", () => {
  let t: TestDb;
  let fresh: TestDb;
  beforeAll(async () => {
    t = await testDatabase();
    fresh = await testDatabase();
    for (const db of [t, fresh])
      await importPlanFile(db.db, LEGGIUNO_PLAN, { actor: "test", now: new Date("2024-01-10T09:00:00Z") });
    const meta = { act: "Delibera G.C. n. 80 del 12/09/2024", validFrom: "2024-09-12", reason: "test" };
    await applyVariation(t.db, await prepareTargetedVariation(t.db, { code: "3.1.4", deadline: "31/12/2024" }, meta), {
      actor: "test",
      now: new Date(),
    });
    await applyVariation(t.db, await prepareTargetedVariation(t.db, { remove: "3.3.1" }, meta), {
      actor: "test",
      now: new Date(),
    });
  });
  afterAll(async () => {
    await t.dispose();
    await fresh.dispose();
  });
  const area03 = async (db: TestDb, today: string) =>
    (await buildDigests(db.db, { today, shown: 50, wideShown: 50 })).digests.find((d) => d.area.code === "03")!;

  it("before the variation the digest is the adopted plan's; after it the moved and removed activities are no longer late", async () => {
    const before = await area03(t, "2024-09-09");
    expect(before).toEqual(await area03(fresh, "2024-09-09"));
    const was = await area03(fresh, "2024-10-07");
    const now = await area03(t, "2024-10-07");
    expect(was.overdue.items.map((i) => i.code)).toEqual(expect.arrayContaining(["3.1.4", "3.3.1"]));
    expect(now.overdue.items.map((i) => i.code)).not.toContain("3.1.4");
    expect(now.overdue.items.map((i) => i.code)).not.toContain("3.3.1");
    expect(now.overdue.total).toBe(was.overdue.total - 2);
    expect(now.activities).toBe(was.activities - 1);
    // Other areas are untouched.
    const other = async (db: TestDb) =>
      (await buildDigests(db.db, { today: "2024-10-07", shown: 50, wideShown: 50 })).digests.find(
        (d) => d.area.code === "04",
      );
    expect(await other(t)).toEqual(await other(fresh));
  });
});

describe("digest behind pace with variations", () => {
  let t: TestDb;
  let fresh: TestDb;
  beforeAll(async () => {
    t = await testDatabase();
    fresh = await testDatabase();
    for (const db of [t, fresh]) {
      await importPlanFile(db.db, LEGGIUNO_PLAN, { actor: "test", now: new Date("2024-01-10T09:00:00Z") });
      // 3.3.2: 10 controls by the end of August, behind "> 2 al mese" (18 by 7 October), on pace for "> 1 al mese".
      await countReport(db.db, "3.3.2", "count_add", 10, "2024-08-30");
    }
    await variedPacePlan(t);
    await countReport(t.db, "3.4.5", "count_add", 1, "2024-09-20");
    await countReport(t.db, "3.4.5", "count_set", 2, "2024-10-01");
  });
  afterAll(async () => {
    await t.dispose();
    await fresh.dispose();
  });
  const area03 = async (db: TestDb, today: string) =>
    (await buildDigests(db.db, { today, shown: 50, wideShown: 50 })).digests.find((d) => d.area.code === "03")!;
  const paceOf = (d: AreaDigest) => Object.fromEntries(d.behindPace.items.map((p) => [p.code, p]));

  it("before the variation: the adopted targets, as a plan never varied", async () => {
    const before = await area03(t, "2024-09-09");
    expect(before).toEqual(await area03(fresh, "2024-09-09"));
    const pace = paceOf(before);
    expect(Object.keys(pace).sort()).toEqual(["3.3.2", "3.3.3", "3.3.7", "3.4.2", "3.4.3", "3.4.4"]);
    expect(pace["3.3.2"]).toMatchObject({ threshold: 2, targetText: "> 2 al mese", yearToDate: { expected: 16 } });
  });

  it("after it: the targets in force, varied, turned into a deadline, added and removed", async () => {
    const was = paceOf(await area03(fresh, "2024-10-07"));
    expect(Object.keys(was).sort()).toEqual(["3.3.2", "3.3.3", "3.3.7", "3.4.2", "3.4.3", "3.4.4"]);
    expect(was["3.3.2"]).toMatchObject({ yearToDate: { expected: 18, recorded: 10 } });

    const d = await area03(t, "2024-10-07");
    const pace = paceOf(d);
    // 3.3.2 "> 1 al mese": 10 of floor(9 + 6/31) = 9 this year, 0 of 0 in October: on pace.
    // 3.4.2 is now a deadline, 3.3.7 is stralciata; 3.4.5 "> 1 al mese" has 2 of 9 (a count set by hand).
    expect(Object.keys(pace).sort()).toEqual(["3.3.3", "3.4.3", "3.4.4", "3.4.5"]);
    expect(d.behindPace.total).toBe(4);
    expect(pace["3.4.5"]).toMatchObject({
      threshold: 1,
      period: "month",
      targetText: "> 1 al mese",
      objectiveCode: "3.4",
      currentPeriod: { period: "month", start: "2024-10-01", expected: 0, recorded: 1 },
      yearToDate: { expected: 9, recorded: 2 },
    });
    expect(renderDigestText(d)).toContain("valore atteso «> 1 al mese», registrati da inizio anno 2 (attesi finora 9)");
    // Ranked with the SQL's rows, furthest behind first.
    expect(d.behindPace.items.map((p) => p.code)).toEqual(["3.3.3", "3.4.3", "3.4.4", "3.4.5"]);
    // Cut to the first `shown` across both paths, the total still counting them all.
    const cut = (await buildDigests(t.db, { today: "2024-10-07", shown: 2 })).digests.find(
      (x) => x.area.code === "03",
    )!;
    expect(cut.behindPace.items.map((p) => p.code)).toEqual(["3.3.3", "3.4.3"]);
    expect(cut.behindPace.total).toBe(4);
  });

  it("a count varied up is behind by the target in force", async () => {
    const stricter = await testDatabase();
    try {
      await importPlanFile(stricter.db, LEGGIUNO_PLAN, { actor: "test", now: new Date("2024-01-10T09:00:00Z") });
      await countReport(stricter.db, "3.3.7", "count_add", 2, "2024-03-01");
      const meta = { act: "Delibera G.C. n. 91", validFrom: "2024-09-12", reason: "test" };
      const p = await prepareTargetedVariation(stricter.db, { code: "3.3.7", target: "> 1 al mese" }, meta);
      await applyVariation(stricter.db, p, { actor: "test", now: new Date("2024-09-12T10:00:00Z") });
      expect(paceOf(await area03(stricter, "2024-09-09"))["3.3.7"]).toBeUndefined(); // 2 of 1 for the year
      expect(paceOf(await area03(stricter, "2024-10-07"))["3.3.7"]).toMatchObject({
        threshold: 1,
        period: "month",
        yearToDate: { expected: 9, recorded: 2 },
      });
    } finally {
      await stricter.dispose();
    }
  });
});
