import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluatePlan } from "../../src/app/evaluation.ts";
import { completionTrend, monthEnds } from "../../src/app/relazione-trend.ts";
import { testDatabase } from "../helpers/db.ts";
import { loadLeggiunoFixture } from "../report/leggiuno-fixture.ts";

type TestDb = Awaited<ReturnType<typeof testDatabase>>;

describe("monitored completion at month ends", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await testDatabase();
    await loadLeggiunoFixture(t.db);
  });
  afterAll(async () => t.dispose());

  it("month ends of the year up to the date, the date itself when mid-month", () => {
    expect(monthEnds(2024, "2024-03-10")).toEqual(["2024-01-31", "2024-02-29", "2024-03-10"]);
    expect(monthEnds(2024, "2024-12-31")).toHaveLength(12);
    expect(monthEnds(2024, "2024-12-31")[11]).toBe("2024-12-31");
  });

  it("each point is exactly what the Relazione computes at that date (same rules, same as-of rebuild)", async () => {
    const trend = await completionTrend(t.db, { year: 2024, asOf: "2025-01-31" });
    const days = [...new Set(trend.map((p) => p.asOf))];
    expect(days).toHaveLength(12);
    for (const day of days) {
      const ev = await evaluatePlan(t.db, { year: 2024, asOf: day });
      const at = trend.filter((p) => p.asOf === day);
      expect(at[0]!.percent, day).toBe(ev.overall.percent);
      expect(at.slice(1).map((p) => [p.series, p.percent])).toEqual(ev.areas.map((a) => [a.name, a.score.percent]));
    }
    // Something was achieved during the year: the trend is not flat zero.
    expect(trend.some((p) => (p.percent ?? 0) > 0)).toBe(true);
  });
});
