import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Clock } from "../../src/clock.ts";
import { openDatabase } from "../../src/db/client.ts";
import { GENERIC_ERROR_MESSAGE } from "../../src/errors.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { DELAY_FIELDS } from "../../src/slack/ui/delay-modal.ts";
import { ACTION, VIEW } from "../../src/slack/ui/ids.ts";
import { REPORT_BLOCK, REPORT_ELEMENT } from "../../src/slack/ui/report-modal.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.ts";
import {
  blockActionBody,
  newTriggerId,
  slashCommandBody,
  startTestApp,
  viewSubmissionBody,
  type TestApp,
  type ViewStateValues,
} from "../helpers/slack-http.ts";
import { CHILD_BOT_TOKEN, CHILD_SIGNING_SECRET, startBotProcess, type BotProcess } from "./helpers/bot-process.ts";

/**
 * Who may write, checked on the server for every way in; requests that Slack did not sign
 * never reach a listener; secrets never reach a log line.
 */

const TEC = "U0SECTEC1"; // dipendente, area 03: the owner of the activities attacked below
const OUTSIDER = "U0SECPOL1"; // responsabile of area 04
const NDV = "U0SECNDV1"; // Nucleo di Valutazione: read-only
const NOBODY = "U0SECNONE"; // not registered
const ATTACKERS = [OUTSIDER, NDV, NOBODY];

const NOW = new Date("2024-10-07T08:00:00Z");
const clock: Clock = () => new Date(NOW.getTime());

let fake: FakeSlack;
let t: TestApp;
let database: Awaited<ReturnType<typeof testDatabase>>;

async function seed(db: Awaited<ReturnType<typeof testDatabase>>["db"]) {
  await importPlanFile(db, LEGGIUNO_PLAN, { actor: "test", now: new Date("2024-01-15T10:00:00Z") });
  const at = new Date("2024-01-15T10:00:00Z");
  await db.user.create({
    data: { slackUserId: TEC, role: "dipendente", createdAt: at, areas: { create: [{ areaCode: "03" }] } },
  });
  await db.user.create({
    data: { slackUserId: OUTSIDER, role: "responsabile", createdAt: at, areas: { create: [{ areaCode: "04" }] } },
  });
  await db.user.create({ data: { slackUserId: NDV, role: "nucleo", createdAt: at } });
}

beforeAll(async () => {
  fake = await startFakeSlack();
  database = await testDatabase();
  await seed(database.db);
  t = await startTestApp({ db: database.db, clock, fake });
});

afterAll(async () => {
  await t?.close();
  await fake?.close();
  await database?.dispose();
});

/** Everything a write could change, in a comparable form. */
async function writableState() {
  const db = database.db;
  return JSON.stringify({
    reports: await db.report.findMany({ orderBy: { id: "asc" } }),
    progress: await db.progress.findMany({ orderBy: [{ planYear: "asc" }, { activityCode: "asc" }] }),
    delays: await db.delayExplanation.findMany({ orderBy: { id: "asc" } }),
    deadlines: await db.manualDeadline.findMany(),
    audit: await db.auditEntry.count(),
  });
}

const reportValues = (status: string, value?: string): ViewStateValues => ({
  [REPORT_BLOCK.status]: { [REPORT_ELEMENT.status]: { type: "static_select", selected_option: { value: status } } },
  [REPORT_BLOCK.value]: { [REPORT_ELEMENT.value]: { type: "plain_text_input", value: value ?? null } },
  [REPORT_BLOCK.date]: { [REPORT_ELEMENT.date]: { type: "datepicker", selected_date: null } },
  [REPORT_BLOCK.note]: { [REPORT_ELEMENT.note]: { type: "plain_text_input", value: "tentativo" } },
  [REPORT_BLOCK.evidence]: { [REPORT_ELEMENT.evidence]: { type: "plain_text_input", value: null } },
});

const delayValues: ViewStateValues = {
  [DELAY_FIELDS.cause.block]: {
    [DELAY_FIELDS.cause.action]: { type: "static_select", selected_option: { value: "carenza_personale" } },
  },
  [DELAY_FIELDS.explanation.block]: {
    [DELAY_FIELDS.explanation.action]: { type: "plain_text_input", value: "Spiegazione di chi non può scriverla" },
  },
  [DELAY_FIELDS.correctiveAction.block]: {
    [DELAY_FIELDS.correctiveAction.action]: { type: "plain_text_input", value: null },
  },
  [DELAY_FIELDS.newExpectedDate.block]: {
    [DELAY_FIELDS.newExpectedDate.action]: { type: "datepicker", selected_date: null },
  },
};

describe("requests not signed by Slack", () => {
  it("a bad signature, a missing one or a stale timestamp is always 401, and nothing is recorded", async () => {
    const before = await writableState();
    const bodies = [
      slashCommandBody({ text: "3.1.2 completato", userId: TEC, responseUrl: fake.responseUrl("unsigned") }),
      blockActionBody({
        userId: TEC,
        actionId: ACTION.activityComplete,
        value: { year: 2024, code: "3.1.3" },
        responseUrl: fake.responseUrl("unsigned"),
      }),
      viewSubmissionBody({
        userId: TEC,
        callbackId: VIEW.report,
        privateMetadata: JSON.stringify({ year: 2024, code: "3.2.1" }),
        values: reportValues("completata", "100"),
      }),
    ];
    const nowSec = Math.floor(Date.now() / 1000);
    const variants = [
      { badSignature: true },
      { unsigned: true },
      { timestamp: nowSec - 301 },
      { timestamp: nowSec - 3_600 },
      { timestamp: nowSec - 86_400 * 30 },
      { badSignature: true, timestamp: nowSec - 400 },
    ];
    let sent = 0;
    for (const body of bodies) {
      for (const v of variants) {
        const res = await t.send(body, v);
        expect(res.status, JSON.stringify(v)).toBe(401);
        sent++;
      }
    }
    await t.idle();
    expect(sent).toBe(18);
    expect(fake.responsesTo("unsigned")).toHaveLength(0);
    expect(await writableState()).toBe(before);
  });
});

describe("writes by people who may not write", () => {
  it("another area's head, the Nucleo and an unknown user never change anything, by any way in", async () => {
    // The owner's own report, so that there is something to undo.
    await t.send(slashCommandBody({ text: "3.3.5 +1", userId: TEC, responseUrl: fake.responseUrl("own") }));
    await t.idle();
    const own = await database.db.report.findFirstOrThrow({ where: { userId: TEC, activityCode: "3.3.5" } });
    const before = await writableState();
    const opensBefore = fake.callsTo("views.open").length;

    const commands = [
      "3.1.2 completato",
      "3.1.2 completato il 01/10/2024",
      "3.3.2 +1",
      "3.3.2 +3 sopralluoghi",
      "3.3.2 = 5",
      "3.2.1 60%",
      "3.2.4 in corso",
      "3.2.4 bloccato manca il parere",
      "3.2.4 nota una nota",
      "3.1.6 completato",
      "E5.2 +1", // Comune-wide: the Nucleo and strangers still may not
      "1.2.1 completato", // ambiguous: a choice, never a write
      "3.1.2", // the form itself must not open
    ];
    let attempts = 0;
    const replies: string[] = [];
    for (const user of ATTACKERS) {
      for (const text of commands) {
        if (user === OUTSIDER && text.startsWith("E5.2")) continue; // every area's staff may report on Comune-wide activities
        const id = `atk${attempts++}`;
        expect((await t.send(slashCommandBody({ text, userId: user, responseUrl: fake.responseUrl(id) }))).status).toBe(
          200,
        );
        await t.idle();
        replies.push(...fake.responsesTo(id).map((r) => String((r.body as { text?: unknown }).text)));
      }
      // Buttons, as found on digests, App Home and replies.
      const buttons: [string, unknown][] = [
        [ACTION.activityComplete, { year: 2024, code: "3.1.3" }],
        [ACTION.activityUpdate, { year: 2024, code: "3.1.3" }],
        [ACTION.reportUndo, { reportId: own.id }],
        [ACTION.chooseActivity, { year: 2024, code: "3.1.4", rest: "completato" }],
        [ACTION.delayExplain, { year: 2024, code: "3.1.4" }], // overdue since 15/09/2024
      ];
      for (const [actionId, value] of buttons) {
        const id = `atk${attempts++}`;
        const res = await t.send(
          blockActionBody({
            userId: user,
            actionId,
            value,
            responseUrl: fake.responseUrl(id),
            triggerId: newTriggerId(),
          }),
        );
        expect(res.status).toBe(200);
        await t.idle();
        replies.push(...fake.responsesTo(id).map((r) => String((r.body as { text?: unknown }).text)));
      }
      // Modal submissions, as if the form had been opened some other way.
      const report = await t.send(
        viewSubmissionBody({
          userId: user,
          callbackId: VIEW.report,
          privateMetadata: JSON.stringify({ year: 2024, code: "3.2.1" }),
          values: reportValues("completata", "100"),
        }),
      );
      const delay = await t.send(
        viewSubmissionBody({
          userId: user,
          callbackId: VIEW.delayExplanation,
          privateMetadata: JSON.stringify({ year: 2024, code: "3.1.4" }),
          values: delayValues,
        }),
      );
      attempts += 2;
      await t.idle();
      for (const res of [report, delay]) {
        expect(res.status).toBe(200);
        // Refused inside the modal (field errors or a replacing view), never accepted with an empty ack.
        expect((res.json as { response_action?: string } | undefined)?.response_action).toMatch(/^(errors|update)$/);
      }
    }

    expect(attempts).toBe(3 * (commands.length + 5 + 2) - 1);
    expect(await writableState()).toBe(before);
    // No form was opened for an activity they may not write.
    expect(fake.callsTo("views.open").length).toBe(opensBefore);
    // Every refusal says why, specifically.
    expect(replies.length).toBeGreaterThan(40);
    for (const r of replies) expect(r).not.toContain(GENERIC_ERROR_MESSAGE);
    expect(replies.some((r) => r.includes("Non puoi aggiornare l'attività"))).toBe(true);
    expect(replies.some((r) => /Nucleo/.test(r))).toBe(true);
    expect(replies.some((r) => r.includes("Non sei ancora abilitato"))).toBe(true);
    expect(replies.some((r) => r.includes("Solo chi ha registrato"))).toBe(true);
  });
});

describe("secrets in logs", () => {
  let dir: string;
  let bot: BotProcess | undefined;
  let childFake: FakeSlack;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "obiettivi-secrets-"));
    const opened = await openDatabase(`file:${dir}/bot.db`);
    await seed(opened.db);
    await opened.close();
    childFake = await startFakeSlack();
  });

  afterAll(async () => {
    await bot?.stop();
    await childFake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the bot at LOG_LEVEL=trace never writes the bot token or the signing secret, whatever happens", {
    timeout: 90_000,
  }, async () => {
    bot = await startBotProcess({
      databaseUrl: `file:${dir}/bot.db`,
      fake: childFake,
      env: { LOG_LEVEL: "trace" },
      timeoutMs: 60_000,
    });
    const nowSec = Math.floor(Date.now() / 1000);
    const cmd = (text: string, userId: string, responseUrl = childFake.responseUrl()) =>
      slashCommandBody({ text, userId, responseUrl, triggerId: newTriggerId() });

    // Normal work, refusals, malformed input.
    for (const [text, user] of [
      ["3.1.2 completato", TEC],
      ["3.3.2 +1", OUTSIDER],
      ["aiuto", NDV],
      ["%%%", NOBODY],
      ["3.1.2 storia", TEC],
    ] as const) {
      expect((await bot.send(cmd(text, user))).status).toBe(200);
    }
    // Requests Slack did not sign.
    expect((await bot.send(cmd("3.1.2 completato", TEC), { signature: "bad" })).status).toBe(401);
    expect((await bot.send(cmd("3.1.2 completato", TEC), { signature: "none" })).status).toBe(401);
    expect((await bot.send(cmd("3.1.2 completato", TEC), { timestamp: nowSec - 600 })).status).toBe(401);
    // Slack failing: a form that cannot open, a reply URL that answers 404, a revoked token.
    childFake.failNext("views.open", { body: { ok: false, error: "expired_trigger_id" } });
    expect((await bot.send(cmd("3.2.1", TEC))).status).toBe(200);
    expect((await bot.send(cmd("3.2.2 completato", TEC, `${childFake.origin}/nessuna-risposta`))).status).toBe(200);
    childFake.override("chat.postMessage", () => ({ body: { ok: false, error: "invalid_auth" } }));
    expect(
      (
        await bot.send(
          viewSubmissionBody({
            userId: TEC,
            callbackId: VIEW.report,
            privateMetadata: JSON.stringify({ year: 2024, code: "3.3.3" }),
            values: reportValues("in_corso", "4"),
          }),
        )
      ).status,
    ).toBe(200);
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_500)); // replies after ack, and their failures, get logged
    const lines = bot.lines;
    expect(await bot.stop()).toBe(0);
    bot = undefined;

    // Not vacuous: trace/debug lines and the failures were logged.
    const levels = lines.map((l) => {
      try {
        return (JSON.parse(l) as { level?: number }).level ?? 0;
      } catch {
        return -1;
      }
    });
    expect(levels.filter((l) => l > 0 && l <= 20).length).toBeGreaterThan(0);
    expect(levels.filter((l) => l >= 40).length).toBeGreaterThan(0);
    const all = lines.join("\n");
    for (const secret of [
      CHILD_BOT_TOKEN,
      CHILD_SIGNING_SECRET,
      CHILD_BOT_TOKEN.slice(5),
      CHILD_SIGNING_SECRET.slice(0, 16),
    ]) {
      expect(all.split(secret).length - 1, `«${secret}» in the logs`).toBe(0);
    }
  });
});
