import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { instantOfDay } from "../../src/domain/calendar/days.ts";
import { effectiveDeadline } from "../../src/domain/plan/deadline.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { currentPlan } from "../../src/store/plan.ts";
import { effectiveDeadlineSql } from "../../src/store/sql.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";

type TestDb = Awaited<ReturnType<typeof testDatabase>>;

/** The deadline in force has a TS rule and an SQL twin (docs/decisions/0002-sql-twins.md): they must agree. */
describe("effective deadline: TS rule and SQL twin", () => {
  let t: TestDb;

  beforeAll(async () => {
    t = await testDatabase();
    await importPlanFile(t.db, LEGGIUNO_PLAN, { actor: "test", now: instantOfDay("2024-01-15") });
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("agree on activities with and without a deadline, with and without one set by hand", async () => {
    const plan = await currentPlan(t.db);
    const activities = await t.db.activity.findMany({
      where: { planId: plan.id },
      select: { code: true, deadline: true },
      orderBy: { position: "asc" },
    });
    const dated = activities.filter((a) => a.deadline !== null);
    const undated = activities.filter((a) => a.deadline === null);
    expect(dated.length).toBeGreaterThan(2);
    expect(undated.length).toBeGreaterThan(2);
    // Every other activity of each kind gets a deadline by hand: all four combinations occur.
    const manual = [...dated, ...undated].filter((_, i) => i % 2 === 0);
    for (const [i, a] of manual.entries()) {
      await t.db.manualDeadline.create({
        data: {
          planYear: plan.year,
          activityCode: a.code,
          deadline: `2024-12-${String((i % 28) + 1).padStart(2, "0")}`,
          setBy: "test",
          setAt: new Date(),
        },
      });
    }
    const rows = await t.db.$queryRaw<
      { code: string; planDeadline: string | null; manualDeadline: string | null; sql: string | null }[]
    >`
      SELECT a.code AS code, a.deadline AS planDeadline, m.deadline AS manualDeadline, ${effectiveDeadlineSql("m", "a")} AS sql
      FROM Activity a LEFT JOIN ManualDeadline m ON m.planYear = ${plan.year} AND m.activityCode = a.code
      WHERE a.planId = ${plan.id}`;
    expect(rows.length).toBe(activities.length);
    const kinds = new Set(rows.map((r) => `${r.planDeadline !== null}-${r.manualDeadline !== null}`));
    expect(kinds.size).toBe(4);
    const disagree = rows.filter(
      (r) =>
        r.sql !==
        effectiveDeadline(
          { deadline: r.planDeadline },
          r.manualDeadline === null ? null : { deadline: r.manualDeadline },
        ),
    );
    expect(disagree).toEqual([]);
  });
});
