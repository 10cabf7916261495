import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock.ts";
import { instantOfDay } from "../../src/domain/calendar/days.ts";
import { recordReport } from "../../src/store/reports.ts";
import { addUser } from "../../src/app/users.ts";
import { loadEnv } from "../../src/env.ts";
import { runDigest } from "../../src/jobs/digest.ts";
import { createLogger } from "../../src/logger.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.ts";
import { slashCommandBody, startTestApp, TEST_BOT_TOKEN, type TestApp } from "../helpers/slack-http.ts";

/** The area's chart travels with files.uploadV2 (get URL, upload the bytes, complete): no public URL, so Socket Mode works too. */

const NDV = "U0NDV0001";
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let fake: FakeSlack;
let t: TestApp;
let database: Awaited<ReturnType<typeof testDatabase>>;

beforeAll(async () => {
  fake = await startFakeSlack();
  database = await testDatabase();
  await importPlanFile(database.db, LEGGIUNO_PLAN, { actor: "test", now: instantOfDay("2024-01-15") });
  await addUser(database.db, { slackUserId: NDV, role: "nucleo" }, { actor: "test", now: instantOfDay("2024-01-15") });
  await recordReport(
    database.db,
    { planYear: 2024, activityCode: "3.1.4", userId: NDV, kind: "status", status: "completata", source: "cli" },
    instantOfDay("2024-09-10"),
  );
  t = await startTestApp({ db: database.db, clock: fixedClock("2024-10-07"), fake });
});

afterAll(async () => {
  await t?.close();
  await fake?.close();
  await database?.dispose();
});

describe("area chart", () => {
  it("/stato <area>: the reply first, then the chart as a PNG in the user's conversation with the bot", async () => {
    fake.reset();
    const res = await t.send(
      slashCommandBody({ command: "/stato", text: "03", userId: NDV, responseUrl: fake.responseUrl("stato-chart") }),
    );
    expect(res.status).toBe(200);
    const reply = await fake.waitForResponse("stato-chart");
    const complete = await fake.waitForCall("files.completeUploadExternal", 1, 20_000);
    await t.idle();
    expect(reply.at).toBeLessThanOrEqual(fake.callsTo("files.getUploadURLExternal")[0]!.at);
    expect(complete.body.channel_id).toBe(`D${NDV.replace(/^U/, "")}`);
    expect(String(complete.body.initial_comment)).toContain("/stato 03");
    expect(fake.uploads).toHaveLength(1);
    expect(fake.uploads[0]!.raw.includes(PNG)).toBe(true);
  });

  it("/stato for the whole Comune carries no area chart", async () => {
    fake.reset();
    await t.send(
      slashCommandBody({ command: "/stato", text: "", userId: NDV, responseUrl: fake.responseUrl("stato-all") }),
    );
    await fake.waitForResponse("stato-all");
    await t.idle();
    expect(fake.callsTo("files.getUploadURLExternal")).toEqual([]);
  });

  it("the weekly digest: the area's chart in the digest's thread", async () => {
    fake.reset();
    await database.db.areaChannel.create({
      data: { areaCode: "03", channelId: "C0AREA03", updatedAt: instantOfDay("2024-01-15") },
    });
    const client = new WebClient(TEST_BOT_TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
    const r = await runDigest({
      db: database.db,
      client,
      now: new Date("2024-10-07T06:30:00Z"),
      log: createLogger("silent"),
      env: loadEnv({ LOG_LEVEL: "silent" }),
    });
    expect(r.posted).toEqual(["03"]);
    const post = fake.callsTo("chat.postMessage")[0]!;
    const complete = fake.callsTo("files.completeUploadExternal");
    expect(complete).toHaveLength(1);
    expect(complete[0]!.body.channel_id).toBe("C0AREA03");
    expect(complete[0]!.body.thread_ts).toMatch(/^1700000000\./);
    expect(post.at).toBeLessThanOrEqual(complete[0]!.at);
    expect(fake.uploads.some((u) => u.raw.includes(PNG))).toBe(true);
  });
});
