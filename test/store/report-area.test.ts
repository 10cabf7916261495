import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser } from "../../src/app/users.ts";
import { instantOfDay } from "../../src/domain/calendar/days.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { recordReport } from "../../src/store/reports.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";

type TestDb = Awaited<ReturnType<typeof testDatabase>>;

describe("the area a report is measured for", () => {
  let t: TestDb;
  let wide: string;
  const ctx = { actor: "test", now: instantOfDay("2024-01-15") };
  beforeAll(async () => {
    t = await testDatabase();
    await importPlanFile(t.db, LEGGIUNO_PLAN, ctx);
    await addUser(t.db, { slackUserId: "U0ONE0001", role: "responsabile", areas: ["03"] }, ctx);
    await addUser(t.db, { slackUserId: "U0TWO0001", role: "responsabile", areas: ["01", "02"] }, ctx);
    await addUser(t.db, { slackUserId: "U0SEG0001", role: "segretario" }, ctx);
    wide = (await t.db.activity.findFirstOrThrow({ where: { indicatorIndex: { contains: "per Settore" } } })).code;
  });
  afterAll(async () => t.dispose());

  const report = (userId: string, code: string, areaCode?: string) =>
    recordReport(
      t.db,
      { planYear: 2024, activityCode: code, userId, kind: "count_set", value: 1, source: "cli", areaCode },
      instantOfDay("2024-10-01"),
    );

  it("a Comune-wide activity: the reporter's only area, the one given, or none when he has several", async () => {
    expect((await report("U0ONE0001", wide)).report.areaCode).toBe("03");
    expect((await report("U0TWO0001", wide)).report.areaCode).toBeNull();
    expect((await report("U0TWO0001", wide, "2")).report.areaCode).toBe("02");
    expect((await report("U0SEG0001", wide, "05")).report.areaCode).toBe("05");
  });

  it("refuses an area that is not in the plan, and an area on an activity that already has one; nothing is stored", async () => {
    const before = await t.db.report.count();
    await expect(report("U0SEG0001", wide, "99")).rejects.toThrow(/Area «99» non presente/);
    await expect(report("U0ONE0001", "3.3.2", "03")).rejects.toThrow(/appartiene già a un'area/);
    expect(await t.db.report.count()).toBe(before);
    expect((await report("U0ONE0001", "3.3.2")).report.areaCode).toBeNull();
  });
});
