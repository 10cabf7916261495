import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { instantOfDay } from "../../src/domain/calendar/days.ts";
import { applyVariation, prepareTargetedVariation } from "../../src/app/variations.ts";
import { recordReport } from "../../src/store/reports.ts";
import { allAreasStatus, areaStatus } from "../../src/app/stato.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";

type Db = Awaited<ReturnType<typeof testDatabase>>;
const TODAY = "2024-10-07";

async function vary(t: Db, input: Parameters<typeof prepareTargetedVariation>[1], validFrom: string) {
  const p = await prepareTargetedVariation(t.db, input, { act: "Delibera G.C. n. 80", validFrom, reason: "test" });
  await applyVariation(t.db, p, { actor: "test", now: instantOfDay(validFrom) });
}

/** /stato: objectives a variation touches are computed apart by the rule, the rest in SQL; the sums must agree. */
describe("/stato with variations", () => {
  let t: Db;
  beforeAll(async () => {
    t = await testDatabase();
    await importPlanFile(t.db, LEGGIUNO_PLAN, { actor: "test", now: instantOfDay("2024-01-15") });
    await recordReport(
      t.db,
      { planYear: 2024, userId: "U0X", source: "cli", activityCode: "3.1.6", kind: "amount", value: 150_000 },
      instantOfDay("2024-09-20"),
    );
    await recordReport(
      t.db,
      { planYear: 2024, userId: "U0X", source: "cli", activityCode: "2.1.4", kind: "percent", value: 60 },
      instantOfDay("2024-09-20"),
    );
  });
  afterAll(async () => t.dispose());

  const round = (x: unknown): unknown =>
    JSON.parse(JSON.stringify(x, (_k, v) => (typeof v === "number" ? Math.round(v * 1e9) / 1e9 : v)));

  it("a variation not yet in force leaves every figure as it was (the rule on the varied objectives = the SQL on the others)", async () => {
    const before = await allAreasStatus(t.db, { today: TODAY });
    const area03 = await areaStatus(t.db, { today: TODAY, areaQuery: "03" });
    await vary(t, { code: "3.1.4", deadline: "31/12/2024" }, "2024-10-01");
    await vary(t, { code: "2.1.4", target: "% > 60" }, "2024-10-01");
    await vary(t, { remove: "1.3.3" }, "2024-10-01");
    expect(before.areas.length).toBeGreaterThan(0);
    const adoptedDay = await allAreasStatus(t.db, { today: "2024-09-30" });
    // Same figures as a database without the variations, on a day before they apply.
    const fresh = await testDatabase();
    try {
      await importPlanFile(fresh.db, LEGGIUNO_PLAN, { actor: "test", now: instantOfDay("2024-01-15") });
      await recordReport(
        fresh.db,
        { planYear: 2024, userId: "U0X", source: "cli", activityCode: "3.1.6", kind: "amount", value: 150_000 },
        instantOfDay("2024-09-20"),
      );
      await recordReport(
        fresh.db,
        { planYear: 2024, userId: "U0X", source: "cli", activityCode: "2.1.4", kind: "percent", value: 60 },
        instantOfDay("2024-09-20"),
      );
      expect(round(adoptedDay)).toEqual(round(await allAreasStatus(fresh.db, { today: "2024-09-30" })));
      const a03 = round(await areaStatus(fresh.db, { today: "2024-09-30", areaQuery: "03" }));
      expect(round(await areaStatus(t.db, { today: "2024-09-30", areaQuery: "03" }))).toEqual(a03);
    } finally {
      await fresh.dispose();
    }
    expect(area03.overdue.worst.map((w) => w.code)).toContain("3.1.4");
  });

  it("in force: the new deadline, target and removal change the figures as the rule says", async () => {
    const adopted = await testDatabase();
    try {
      await importPlanFile(adopted.db, LEGGIUNO_PLAN, { actor: "test", now: instantOfDay("2024-01-15") });
      await recordReport(
        adopted.db,
        { planYear: 2024, userId: "U0X", source: "cli", activityCode: "3.1.6", kind: "amount", value: 150_000 },
        instantOfDay("2024-09-20"),
      );
      await recordReport(
        adopted.db,
        { planYear: 2024, userId: "U0X", source: "cli", activityCode: "2.1.4", kind: "percent", value: 60 },
        instantOfDay("2024-09-20"),
      );
      const was = await allAreasStatus(adopted.db, { today: TODAY });
      const now = await allAreasStatus(t.db, { today: TODAY });
      const area = (s: typeof was, code: string) => s.areas.find((a) => a.area?.code === code)!;
      expect(area(now, "01").activities).toBe(area(was, "01").activities - 1);
      expect(area(now, "02").completion).toBeGreaterThan(area(was, "02").completion);
      expect(area(now, "03").overdue).toBe(area(was, "03").overdue - 1);
      expect(round(area(now, "04"))).toEqual(round(area(was, "04")));
      const s03 = await areaStatus(t.db, { today: TODAY, areaQuery: "03" });
      expect(s03.overdue.worst.map((w) => w.code)).not.toContain("3.1.4");
      const s01 = await areaStatus(t.db, { today: TODAY, areaQuery: "01" });
      expect(s01.activities).toBe(area(was, "01").activities - 1);
    } finally {
      await adopted.dispose();
    }
  });
});
