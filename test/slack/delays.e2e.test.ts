import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Clock } from "../../src/clock.ts";
import { loadEnv } from "../../src/env.ts";
import { runOverdueQuestions } from "../../src/jobs/overdue.ts";
import { createLogger } from "../../src/logger.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { DELAY_FIELDS } from "../../src/slack/ui/delay-modal.ts";
import { ACTION, VIEW } from "../../src/slack/ui/ids.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.ts";
import {
  blockActionBody,
  startTestApp,
  TEST_BOT_TOKEN,
  viewSubmissionBody,
  type TestApp,
  type ViewStateValues,
} from "../helpers/slack-http.ts";

/**
 * The cause of a delay, end to end: the daily job asks the head in a DM, the head presses
 * "Spiega il ritardo" (a signed request to the real app over HTTP), the app opens the
 * modal through the fake Slack API, a submission with a bad field is refused on the form,
 * a valid one is stored with its author and time and audited. (The change-bus event is
 * checked in test/domain/delays.test.ts: createApp does not hand the bus to this listener yet.)
 */

const HEAD03 = "U0HEAD003"; // responsabile, area 03
const HEAD04 = "U0HEAD004"; // responsabile, area 04
const DM = "D0HEAD003";
const NOW = new Date("2024-09-16T10:00:00Z"); // 3.1.4 was due on 15 September
const clock: Clock = () => new Date(NOW.getTime());

let fake: FakeSlack;
let t: TestApp;
let database: Awaited<ReturnType<typeof testDatabase>>;

beforeAll(async () => {
  fake = await startFakeSlack();
  database = await testDatabase();
  await importPlanFile(database.db, LEGGIUNO_PLAN, { actor: "test", now: new Date("2024-01-15T10:00:00Z") });
  const at = new Date("2024-01-15T10:00:00Z");
  await database.db.user.create({
    data: { slackUserId: HEAD03, role: "responsabile", createdAt: at, areas: { create: [{ areaCode: "03" }] } },
  });
  await database.db.user.create({
    data: { slackUserId: HEAD04, role: "responsabile", createdAt: at, areas: { create: [{ areaCode: "04" }] } },
  });
  t = await startTestApp({ db: database.db, clock, fake });
});

afterAll(async () => {
  await t?.close();
  await fake?.close();
  await database?.dispose();
});

/** A button pressed on a message in the head's DM with the bot (not ephemeral: it can be updated). */
function pressOnMessage(userId: string, value: string, messageTs: string, responseUrl: string): string {
  const body = blockActionBody({ userId, actionId: ACTION.delayExplain, value, channelId: DM, responseUrl });
  const payload = JSON.parse(new URLSearchParams(body).get("payload")!) as Record<string, unknown>;
  payload.container = { type: "message", message_ts: messageTs, channel_id: DM, is_ephemeral: false };
  payload.message = { ts: messageTs, type: "message" };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

function values(v: { cause?: string; explanation?: string; corrective?: string; date?: string }): ViewStateValues {
  return {
    [DELAY_FIELDS.cause.block]: {
      [DELAY_FIELDS.cause.action]: {
        type: "static_select",
        selected_option: v.cause ? { value: v.cause, text: { type: "plain_text", text: v.cause } } : null,
      },
    },
    [DELAY_FIELDS.explanation.block]: {
      [DELAY_FIELDS.explanation.action]: { type: "plain_text_input", value: v.explanation ?? null },
    },
    [DELAY_FIELDS.correctiveAction.block]: {
      [DELAY_FIELDS.correctiveAction.action]: { type: "plain_text_input", value: v.corrective ?? null },
    },
    [DELAY_FIELDS.newExpectedDate.block]: {
      [DELAY_FIELDS.newExpectedDate.action]: { type: "datepicker", selected_date: v.date ?? null },
    },
  };
}

describe("cause of a delay, from the question to the stored answer", () => {
  let question: { ts: string; value: string };
  let modal: { privateMetadata: string };

  it("the daily job asks the head in a DM, with a Spiega il ritardo button", async () => {
    const client = new WebClient(TEST_BOT_TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
    const r = await runOverdueQuestions({
      db: database.db,
      client,
      now: new Date("2024-09-16T06:00:00Z"),
      log: createLogger("silent"),
      env: loadEnv({}),
    });
    expect(r.sent).toEqual(["overdue:2024:3.1.4:2024-09-15:U0HEAD003"]);
    const call = fake.callsTo("chat.postMessage").find((c) => c.body.channel === HEAD03)!;
    const button = (call.body.blocks as { type: string; elements?: { action_id: string; value: string }[] }[])
      .find((b) => b.type === "actions")!
      .elements!.find((e) => e.action_id === ACTION.delayExplain)!;
    const row = await database.db.delivery.findUniqueOrThrow({ where: { key: r.sent[0]! } });
    question = { ts: row.messageTs!, value: button.value };
    expect(JSON.parse(button.value)).toEqual({ year: 2024, code: "3.1.4" });
  });

  it("pressing the button opens the modal with the fixed causes", async () => {
    const res = await t.send(pressOnMessage(HEAD03, question.value, question.ts, fake.responseUrl("press")));
    expect(res.status).toBe(200);
    const open = await fake.waitForCall("views.open");
    const view = open.body.view as {
      callback_id: string;
      private_metadata: string;
      blocks: { block_id?: string; element?: { options?: { value: string }[] } }[];
    };
    expect(view.callback_id).toBe(VIEW.delayExplanation);
    expect(JSON.parse(view.private_metadata)).toEqual({ year: 2024, code: "3.1.4", channel: DM, ts: question.ts });
    const causes = view.blocks
      .find((b) => b.block_id === DELAY_FIELDS.cause.block)!
      .element!.options!.map((o) => o.value);
    expect(causes).toEqual([
      "carenza_personale",
      "modifica_normativa",
      "ritardo_altri_enti",
      "mancanza_risorse",
      "priorita_cambiate",
      "altro",
    ]);
    expect(JSON.stringify(view.blocks)).toContain("*1 giorno di ritardo*");
    modal = { privateMetadata: view.private_metadata };
  });

  it("a date in the past and an empty explanation are refused on their fields, and nothing is stored", async () => {
    const res = await t.send(
      viewSubmissionBody({
        userId: HEAD03,
        callbackId: VIEW.delayExplanation,
        privateMetadata: modal.privateMetadata,
        values: values({ cause: "ritardo_altri_enti", explanation: "   ", date: "2024-09-10" }),
      }),
    );
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      response_action: "errors",
      errors: {
        [DELAY_FIELDS.explanation.block]: expect.stringContaining("la spiegazione è obbligatoria"),
        [DELAY_FIELDS.newExpectedDate.block]:
          "La nuova data prevista non può essere nel passato: scegli oggi (16/09/2024) o un giorno successivo.",
      },
    });
    expect(await database.db.delayExplanation.count()).toBe(0);
  });

  it("a valid submission is stored with author and time, audited, and the question marked answered", async () => {
    const res = await t.send(
      viewSubmissionBody({
        userId: HEAD03,
        callbackId: VIEW.delayExplanation,
        privateMetadata: modal.privateMetadata,
        values: values({
          cause: "ritardo_altri_enti",
          explanation: "Il GSE non ha ancora approvato la pratica del contributo.",
          corrective: "Sollecito scritto al GSE; lavori affidati in attesa del via libera.",
          date: "2024-11-30",
        }),
      }),
    );
    expect(res.status).toBe(200);
    expect(res.text).toBe("");
    await t.idle();

    const rows = await database.db.delayExplanation.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      planYear: 2024,
      activityCode: "3.1.4",
      cause: "ritardo_altri_enti",
      explanation: "Il GSE non ha ancora approvato la pratica del contributo.",
      correctiveAction: "Sollecito scritto al GSE; lavori affidati in attesa del via libera.",
      newExpectedDate: "2024-11-30",
      userId: HEAD03,
      createdAt: NOW,
    });
    const audit = await database.db.auditEntry.findMany({ where: { action: "delay_cause" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: HEAD03, entityType: "activity", entityKey: "2024:3.1.4", at: NOW });
    expect(JSON.parse(audit[0]!.after!)).toMatchObject({
      cause: "ritardo_altri_enti",
      newExpectedDate: "2024-11-30",
      deadline: "2024-09-15",
    });

    const update = await fake.waitForCall("chat.update");
    expect(update.body).toMatchObject({ channel: DM, ts: question.ts });
    expect(String(update.body.text)).toBe(
      `Causa del ritardo di 3.1.4 registrata da <@${HEAD03}> il 16/09/2024: ritardo di altri enti o uffici.`,
    );
  });

  it("the next morning nobody is asked again", async () => {
    const client = new WebClient(TEST_BOT_TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
    const before = fake.callsTo("chat.postMessage").length;
    await runOverdueQuestions({
      db: database.db,
      client,
      now: new Date("2024-09-17T06:00:00Z"),
      log: createLogger("silent"),
      env: loadEnv({}),
    });
    expect(fake.callsTo("chat.postMessage")).toHaveLength(before);
  });

  it("someone who may not write the activity cannot open the form, nor submit it", async () => {
    const opens = fake.callsTo("views.open").length;
    const res = await t.send(pressOnMessage(HEAD04, question.value, question.ts, fake.responseUrl("forbidden")));
    expect(res.status).toBe(200);
    const reply = await fake.waitForResponse("forbidden");
    expect(String(reply.body.text)).toContain("Non puoi aggiornare l'attività 3.1.4: appartiene all'area 03");
    await t.idle();
    expect(fake.callsTo("views.open")).toHaveLength(opens);

    const forged = await t.send(
      viewSubmissionBody({
        userId: HEAD04,
        callbackId: VIEW.delayExplanation,
        privateMetadata: JSON.stringify({ year: 2024, code: "3.1.4" }),
        values: values({ cause: "altro", explanation: "Non è mia" }),
      }),
    );
    expect(forged.json).toMatchObject({
      response_action: "errors",
      errors: { [DELAY_FIELDS.cause.block]: expect.stringContaining("Non puoi aggiornare l'attività 3.1.4") },
    });
    expect(await database.db.delayExplanation.count()).toBe(1);
  });
});
