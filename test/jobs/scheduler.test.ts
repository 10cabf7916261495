import { WebClient } from "@slack/web-api";
import cron from "node-cron";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "../../src/env.ts";
import { lastFireBetween, startOfRomeWeek } from "../../src/jobs/cron-window.ts";
import { startScheduler } from "../../src/jobs/scheduler.ts";
import { createLogger } from "../../src/logger.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.ts";
import { TEST_BOT_TOKEN } from "../helpers/slack-http.ts";

let fake: FakeSlack;
let t: Awaited<ReturnType<typeof testDatabase>>;
beforeAll(async () => {
  fake = await startFakeSlack();
  t = await testDatabase();
  const at = new Date("2024-01-10T09:00:00Z");
  await importPlanFile(t.db, LEGGIUNO_PLAN, { actor: "test", now: at });
  await t.db.areaChannel.create({ data: { areaCode: "03", channelId: "C0AREA03", updatedAt: at } });
  await t.db.user.create({
    data: { slackUserId: "U0HEAD03", role: "responsabile", createdAt: at, areas: { create: [{ areaCode: "03" }] } },
  });
});
afterAll(async () => {
  await fake.close();
  await t.dispose();
});

describe("cron window", () => {
  it("finds the last scheduled instant of the week in Rome time", () => {
    const wed = new Date("2024-10-09T08:00:00Z");
    expect(startOfRomeWeek(wed).toISOString()).toBe("2024-10-06T22:00:00.000Z"); // Monday 00:00 CEST
    expect(lastFireBetween("30 8 * * 1", startOfRomeWeek(wed), wed)?.toISOString()).toBe("2024-10-07T06:30:00.000Z");
    expect(lastFireBetween("30 8 * * 1", startOfRomeWeek(wed), new Date("2024-10-07T06:29:59Z"))).toBeNull();
    expect(lastFireBetween("0 8 * * *", startOfRomeWeek(wed), wed)?.toISOString()).toBe("2024-10-09T06:00:00.000Z");
    // Winter time: Monday 4 November 2024 08:30 in Rome is 07:30 UTC.
    const nov = new Date("2024-11-06T12:00:00Z");
    expect(lastFireBetween("30 8 * * 1", startOfRomeWeek(nov), nov)?.toISOString()).toBe("2024-11-04T07:30:00.000Z");
  });
});

describe("scheduler", () => {
  it("schedules nothing that posts in the local console (no client)", async () => {
    const before = cron.getTasks().size;
    const s = startScheduler({
      env: loadEnv({}),
      db: t.db,
      log: createLogger("silent"),
      clock: () => new Date("2024-10-09T08:00:00Z"),
    });
    expect(cron.getTasks().size).toBe(before);
    await s.stop();
  });

  it("catches up this week's digest and today's messages at start, and stop() waits for them", async () => {
    const before = cron.getTasks().size;
    const client = new WebClient(TEST_BOT_TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
    // Wednesday 9 October 2024, 10:00 in Rome: Monday's digest and today's 08:00 run were missed.
    const s = startScheduler({
      env: loadEnv({}),
      db: t.db,
      client,
      log: createLogger("silent"),
      clock: () => new Date("2024-10-09T08:00:00Z"),
    });
    expect(cron.getTasks().size).toBe(before + 4); // digest, its retry, the daily messages, variation notices
    await s.stop();
    expect(cron.getTasks().size).toBe(before);
    // Everything the start-up run began was finished before stop() returned.
    const rows = await t.db.delivery.findMany({ orderBy: { key: "asc" }, select: { key: true, status: true } });
    expect(rows).toContainEqual({ key: "digest:2024:03:2024-W41", status: "sent" });
    expect(rows.every((r) => r.status === "sent")).toBe(true);
    expect(fake.callsTo("chat.postMessage").map((c) => c.body.channel)).toContain("C0AREA03");
    // 3.1.4 became overdue on 16 September: more than two weeks ago, so no question; the digest lists it.
    expect(rows.some((r) => r.key.startsWith("overdue:2024:3.1.4"))).toBe(false);
  });
});
