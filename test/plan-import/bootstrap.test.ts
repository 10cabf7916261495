import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock.ts";
import { loadEnv } from "../../src/env.ts";
import { createLogger } from "../../src/logger.ts";
import { loadPlanJson } from "../../src/store/plan.ts";
import { ensurePlanLoaded } from "../../src/plan-import/bootstrap.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";

const log = createLogger("silent");

describe("first start on an empty database", () => {
  let t: Awaited<ReturnType<typeof testDatabase>>;
  beforeEach(async () => {
    t = await testDatabase();
  });
  afterEach(async () => t.dispose());

  it("loads the shipped demo plan, moved to the current year, once", async () => {
    const env = loadEnv({});
    await ensurePlanLoaded(t.db, { env, log, clock: fixedClock("2027-03-15") });
    const plan = await loadPlanJson(t.db);
    expect(plan.year).toBe(2027);
    expect(plan.entity).toBe("Comune di Valdicastello");
    const activities = plan.objectives.flatMap((o) => o.activities);
    const kinds = new Set(activities.map((a) => a.indicator.kind));
    for (const k of ["deadline", "percentage", "count", "boolean", "amount", "upper_bound", "text"])
      expect(kinds).toContain(k);
    expect(activities.filter((a) => a.indicator.deadline).every((a) => a.indicator.deadline!.startsWith("2027"))).toBe(
      true,
    );
    expect(plan.anomalies.every((a) => a.kind === "manual_deadline")).toBe(true);

    await ensurePlanLoaded(t.db, { env, log, clock: fixedClock("2028-01-10") });
    expect(await t.db.plan.count()).toBe(1);
  });

  it("loads DEMO_PLAN as it is when set", async () => {
    await ensurePlanLoaded(t.db, { env: loadEnv({ DEMO_PLAN: LEGGIUNO_PLAN }), log, clock: fixedClock("2027-03-15") });
    expect((await loadPlanJson(t.db)).entity).toBe("Comune di Leggiuno");
  });
});
