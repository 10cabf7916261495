import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDigests } from "../../src/app/digest.ts";
import { applyVariation, prepareTargetedVariation } from "../../src/app/variations.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";

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
