import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "@slack/bolt";
import { fixedClock } from "../../src/clock.ts";
import { ChangeBus } from "../../src/app/events.ts";
import { loadEnv, slackMode } from "../../src/env.ts";
import { createLogger } from "../../src/logger.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { createApp, InFlight } from "../../src/slack/app.ts";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.ts";
import { startFakeSocketMode, type FakeSocketMode } from "../helpers/fake-socket-mode.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";
import { TEST_BOT_TOKEN } from "../helpers/slack-http.ts";

/** The default mode for a Comune: Socket Mode, against a fake Slack WebSocket on 127.0.0.1. */

const APP_TOKEN = "xapp-1-A0TEST001-1234-abcdef";
const USER = "U0SOCK001";

let fake: FakeSlack;
let socket: FakeSocketMode;
let database: Awaited<ReturnType<typeof testDatabase>>;
let app: App;
const inFlight = new InFlight();

function commandPayload(text: string, responseUrl: string, triggerId: string) {
  return {
    token: "unused",
    team_id: "T0FAKE001",
    team_domain: "comune-fake",
    channel_id: "C0TEST001",
    channel_name: "obiettivi",
    user_id: USER,
    user_name: "sock",
    command: "/obiettivo",
    text,
    api_app_id: "A0TEST001",
    is_enterprise_install: "false",
    response_url: responseUrl,
    trigger_id: triggerId,
  };
}

beforeAll(async () => {
  fake = await startFakeSlack();
  socket = await startFakeSocketMode(fake);
  database = await testDatabase();
  await importPlanFile(database.db, LEGGIUNO_PLAN, { actor: "test", now: new Date("2024-01-15T10:00:00Z") });
  await database.db.user.create({
    data: { slackUserId: USER, role: "dipendente", createdAt: new Date(), areas: { create: [{ areaCode: "03" }] } },
  });
  const env = loadEnv({
    LOG_LEVEL: "silent",
    SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
    SLACK_APP_TOKEN: APP_TOKEN,
    SLACK_API_URL: fake.url,
  });
  expect(slackMode(env)).toBe("socket");
  app = await createApp({
    env,
    deps: { db: database.db, clock: fixedClock("2024-10-07"), log: createLogger("silent"), env },
    changes: new ChangeBus(),
    inFlight,
  });
  await app.start();
  await socket.connected();
});

afterAll(async () => {
  await app.stop();
  await socket.close();
  await fake.close();
  await database.dispose();
});

describe("Socket Mode", () => {
  it("opens the connection with the app-level token through SLACK_API_URL", () => {
    expect(socket.openTokens()).toEqual([APP_TOKEN]);
    expect(fake.callsTo("auth.test")[0]!.token).toBe(TEST_BOT_TOKEN);
  });

  it("acks the envelope, records the report and answers privately", async () => {
    const ack = await socket.deliver(
      "slash_commands",
      commandPayload("3.1.2 completato", fake.responseUrl("s1"), "T-SOCK-1"),
    );
    expect(ack.envelope_id).toBeTruthy();
    const reply = await fake.waitForResponse("s1");
    expect(reply.body).toMatchObject({ response_type: "ephemeral" });
    expect(String(reply.body.text)).toContain("Registrato: 3.1.2");
    expect(await database.db.report.count({ where: { activityCode: "3.1.2" } })).toBe(1);
  });

  it("a redelivery with retry_attempt records nothing more", async () => {
    await socket.deliver("slash_commands", commandPayload("3.3.2 +1", fake.responseUrl("s2"), "T-SOCK-2"));
    await fake.waitForResponse("s2");
    await socket.deliver("slash_commands", commandPayload("3.3.2 +1", fake.responseUrl("s3"), "T-SOCK-2"), {
      retryAttempt: 1,
      retryReason: "timeout",
    });
    const second = await fake.waitForResponse("s3");
    expect(String(second.body.text)).toContain("Già registrato");
    await inFlight.idle();
    expect(await database.db.report.count({ where: { activityCode: "3.3.2" } })).toBe(1);
    const progress = await database.db.progress.findUnique({
      where: { planYear_activityCode: { planYear: 2024, activityCode: "3.3.2" } },
    });
    expect(progress?.count).toBe(1);
  });

  it("buttons arrive as interactive envelopes and are handled the same way", async () => {
    const payload = {
      type: "block_actions",
      user: { id: USER, username: "sock", name: "sock", team_id: "T0FAKE001" },
      api_app_id: "A0TEST001",
      token: "unused",
      trigger_id: "T-SOCK-3",
      team: { id: "T0FAKE001", domain: "comune-fake" },
      container: { type: "message", message_ts: "1700000000.000001", channel_id: "C0TEST001", is_ephemeral: true },
      channel: { id: "C0TEST001", name: "obiettivi" },
      response_url: fake.responseUrl("s4"),
      actions: [
        {
          action_id: "activity_complete",
          block_id: "b1",
          type: "button",
          value: JSON.stringify({ year: 2024, code: "3.1.3" }),
          action_ts: "1700000000.000200",
        },
      ],
    };
    await socket.deliver("interactive", payload);
    const reply = await fake.waitForResponse("s4");
    expect(String(reply.body.text)).toContain("Registrato: 3.1.3");
  });
});
