import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock.ts";
import { instantOfDay } from "../../src/domain/calendar/days.ts";
import { validationPack } from "../../src/app/validation.ts";
import { DELAY_FIELDS } from "../../src/slack/ui/delay-modal.ts";
import { ACTION, VIEW } from "../../src/slack/ui/ids.ts";
import { REPORT_BLOCK, REPORT_ELEMENT } from "../../src/slack/ui/report-modal.ts";
import {
  EVIDENCE_BLOCK,
  EVIDENCE_ELEMENT,
  FINDING_BLOCK,
  FINDING_ELEMENT,
  VALIDATION_TEXT,
} from "../../src/slack/ui/validation.ts";
import { startFakeSlack, type FakeSlack, type FakeSlackCall } from "../helpers/fake-slack.ts";
import { testDatabase } from "../helpers/db.ts";
import {
  blockActionBody,
  slashCommandBody,
  startTestApp,
  viewSubmissionBody,
  type TestApp,
} from "../helpers/slack-http.ts";
import { loadLeggiunoFixture, USERS } from "../report/leggiuno-fixture.ts";

/**
 * The Nucleo di Valutazione over signed Slack requests: its App Home lists the sample with
 * Conforme / Non conforme / Nota, findings are stored and audited, and every path that writes
 * progress (commands, forms, buttons, delay causes, evidence) is refused to it, leaving the
 * database as it was.
 */

const TODAY = "2025-01-15";
const NDV = USERS.nucleo.id;

let fake: FakeSlack;
let t: TestApp;
let database: Awaited<ReturnType<typeof testDatabase>>;
let seq = 0;

interface Block {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: { action_id?: string; value?: string }[];
}

function homeOpened(user: string): string {
  return JSON.stringify({
    token: "verification-token-unused",
    team_id: "T0FAKE001",
    api_app_id: "A0TEST001",
    type: "event_callback",
    event_id: `Ev${user}${++seq}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: "app_home_opened", user, channel: `D${user.slice(1)}`, tab: "home", event_ts: "1700000000.000100" },
  });
}

function blocksOf(call: FakeSlackCall): Block[] {
  return (call.body.view as { blocks: Block[] }).blocks;
}

async function openHome(user: string): Promise<Block[]> {
  const before = fake.callsTo("views.publish").length;
  expect((await t.send(homeOpened(user), { contentType: "application/json" })).status).toBe(200);
  return blocksOf(await fake.waitForCall("views.publish", before + 1));
}

const textOf = (blocks: Block[]) => blocks.map((b) => b.text?.text ?? "").join("\n");
const _buttonsOf = (blocks: Block[]) => blocks.flatMap((b) => b.elements ?? []);

async function pressOnHome(user: string, actionId: string, value: string) {
  const res = await t.send(blockActionBody({ userId: user, actionId, value, view: { id: "VHOME", type: "home" } }));
  expect(res.status).toBe(200);
  await t.idle();
}

/** Everything a progress write would touch. */
async function snapshot() {
  const db = database.db;
  return {
    reports: await db.report.findMany({ orderBy: { id: "asc" } }),
    progress: await db.progress.findMany({ orderBy: { activityCode: "asc" } }),
    delays: await db.delayExplanation.count(),
    audit: await db.auditEntry.count(),
  };
}

beforeAll(async () => {
  fake = await startFakeSlack();
  database = await testDatabase();
  await loadLeggiunoFixture(database.db);
  await validationPack(database.db, {
    year: 2024,
    asOf: TODAY,
    now: instantOfDay(TODAY),
    sampleSize: 3,
    seed: "nucleo",
    actor: "cli:test",
  });
  t = await startTestApp({ db: database.db, clock: fixedClock(TODAY), fake });
});

afterAll(async () => {
  await t?.close();
  await fake?.close();
  await database?.dispose();
});

describe("the Nucleo's sample in App Home", () => {
  let sample: string[];

  it("lists the sampled completed activities, each with Conforme, Non conforme and Nota", async () => {
    const blocks = await openHome(NDV);
    expect(textOf(blocks)).toContain(VALIDATION_TEXT.sampleHeader);
    const rows = blocks.filter((b) => b.type === "actions" && b.block_id?.startsWith("finding_"));
    sample = rows.map((b) => b.block_id!.slice("finding_".length));
    expect(sample).toHaveLength(3);
    for (const code of sample) expect(["3.1.2", "3.1.3", "3.4.1", "1.1.1", "1.2.7", "2.4.1"]).toContain(code);
    expect(rows[0]!.elements!.map((e) => e.action_id)).toEqual([
      ACTION.findingConforme,
      ACTION.findingNonConforme,
      ACTION.findingNote,
    ]);
    // Someone else's home has no sample.
    expect(textOf(await openHome(USERS.segretario.id))).not.toContain(VALIDATION_TEXT.sampleHeader);
  });

  it("Conforme records the finding, audited, and the home shows it; a non-Nucleo pressing it records nothing", async () => {
    const [first] = sample;
    const value = JSON.stringify({ year: 2024, code: first });
    await pressOnHome(USERS.segretario.id, ACTION.findingConforme, value);
    expect(await database.db.validationFinding.count()).toBe(0);

    const before = fake.callsTo("views.publish").length;
    await pressOnHome(NDV, ACTION.findingConforme, value);
    const f = await database.db.validationFinding.findMany();
    expect(f).toMatchObject([
      { planYear: 2024, activityCode: first, outcome: "conforme", recordedBy: NDV, origin: "slack_home" },
    ]);
    const audit = await database.db.auditEntry.findMany({ where: { action: "validation_finding" } });
    expect(audit).toMatchObject([{ actor: NDV, entityKey: `2024:${first}` }]);
    const republished = blocksOf(await fake.waitForCall("views.publish", before + 1));
    expect(textOf(republished)).toMatch(
      new RegExp(`\\*${first!.replace(/\./g, "\\.")}\\*[^\\n]*\\n[^\\n]*\\nesito: \\*Conforme\\*`),
    );
  });

  it("Nota opens a modal; «nota» needs its text; the note is stored with the outcome", async () => {
    const second = sample[1]!;
    const before = fake.callsTo("views.open").length;
    await pressOnHome(NDV, ACTION.findingNote, JSON.stringify({ year: 2024, code: second }));
    const modal = (await fake.waitForCall("views.open", before + 1)).body.view as {
      callback_id: string;
      private_metadata: string;
    };
    expect(modal.callback_id).toBe(VIEW.finding);
    const submit = (outcome: string, note: string | null) =>
      t.send(
        viewSubmissionBody({
          userId: NDV,
          callbackId: VIEW.finding,
          privateMetadata: modal.private_metadata,
          values: {
            [FINDING_BLOCK.outcome]: {
              [FINDING_ELEMENT.outcome]: { type: "static_select", selected_option: { value: outcome } },
            },
            [FINDING_BLOCK.note]: { [FINDING_ELEMENT.note]: { type: "plain_text_input", value: note } },
          },
        }),
      );
    const empty = await submit("nota", null);
    expect(empty.json).toMatchObject({
      response_action: "errors",
      errors: { [FINDING_BLOCK.note]: expect.any(String) },
    });
    const ok = await submit("non conforme", "La determina citata non riguarda l'attività");
    expect(ok.json).toBeUndefined();
    await t.idle();
    const row = await database.db.validationFinding.findFirstOrThrow({ where: { activityCode: second } });
    expect(row).toMatchObject({
      outcome: "non conforme",
      note: "La determina citata non riguarda l'attività",
      recordedBy: NDV,
    });
  });
});

describe("progress stays read-only for the Nucleo", () => {
  it("every path that writes progress is refused and changes nothing", async () => {
    const before = await snapshot();
    const someReport = before.reports.find((r) => r.undoneAt === null && r.activityCode === "3.1.2")!;
    const opensBefore = fake.callsTo("views.open").length;

    // Slash commands: report, modal, picker.
    for (const text of ["3.1.4 completato", "3.2.1 = 45/47 fonte: protocollo", "3.1.4 bloccato attesa", "3.1.4", ""]) {
      const id = `nucleo${++seq}`;
      expect((await t.send(slashCommandBody({ text, userId: NDV, responseUrl: fake.responseUrl(id) }))).status).toBe(
        200,
      );
      await t.idle();
      const replies = fake.responsesTo(id).map((r) => (r.body as { text: string }).text);
      expect(replies.join("\n")).toMatch(/sola lettura/);
    }
    // The report form submitted anyway (a forged view).
    const form = await t.send(
      viewSubmissionBody({
        userId: NDV,
        callbackId: VIEW.report,
        privateMetadata: JSON.stringify({ year: 2024, code: "3.1.4" }),
        values: {
          [REPORT_BLOCK.status]: {
            [REPORT_ELEMENT.status]: { type: "static_select", selected_option: { value: "completata" } },
          },
        },
      }),
    );
    expect(JSON.stringify(form.json)).toMatch(/sola lettura/);
    // Buttons: Segna completata, Aggiorna, Scegli, Annulla, Spiega il ritardo, Aggiungi evidenza.
    const activity = JSON.stringify({ year: 2024, code: "3.1.4" });
    for (const [actionId, value] of [
      [ACTION.activityComplete, activity],
      [ACTION.activityUpdate, activity],
      [ACTION.chooseActivity, JSON.stringify({ year: 2024, code: "3.1.4", rest: "completato" })],
      [ACTION.reportUndo, JSON.stringify({ reportId: someReport.id })],
      [ACTION.delayExplain, activity],
      [ACTION.addEvidence, JSON.stringify({ reportId: someReport.id })],
    ] as const) {
      const id = `nbtn${++seq}`;
      expect(
        (await t.send(blockActionBody({ userId: NDV, actionId, value, responseUrl: fake.responseUrl(id) }))).status,
      ).toBe(200);
      await t.idle();
    }
    // Forged submissions of the delay-cause and evidence modals.
    const delay = await t.send(
      viewSubmissionBody({
        userId: NDV,
        callbackId: VIEW.delayExplanation,
        privateMetadata: JSON.stringify({ year: 2024, code: "3.1.4" }),
        values: {
          [DELAY_FIELDS.cause.block]: {
            [DELAY_FIELDS.cause.action]: { type: "static_select", selected_option: { value: "altro" } },
          },
          [DELAY_FIELDS.explanation.block]: {
            [DELAY_FIELDS.explanation.action]: { type: "plain_text_input", value: "prova" },
          },
        },
      }),
    );
    expect(delay.status).toBe(200);
    const evidence = await t.send(
      viewSubmissionBody({
        userId: NDV,
        callbackId: VIEW.evidence,
        privateMetadata: JSON.stringify({ reportId: someReport.id }),
        values: {
          [EVIDENCE_BLOCK.text]: { [EVIDENCE_ELEMENT.text]: { type: "plain_text_input", value: "Det. n. 1/2025" } },
        },
      }),
    );
    expect(JSON.stringify(evidence.json)).toMatch(/sola lettura/);
    await t.idle();

    // No form was opened for the Nucleo, and nothing that progress is made of changed.
    expect(fake.callsTo("views.open").length).toBe(opensBefore);
    expect(await snapshot()).toEqual(before);
  });
});
