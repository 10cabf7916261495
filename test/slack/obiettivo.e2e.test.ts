import { rmSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Clock } from "../../src/clock.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { ACTION, VIEW } from "../../src/slack/ui/ids.ts";
import { REPORT_BLOCK, REPORT_ELEMENT } from "../../src/slack/ui/report-modal.ts";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";
import {
  blockActionBody,
  blockSuggestionBody,
  newTriggerId,
  slashCommandBody,
  startTestApp,
  viewSubmissionBody,
  type TestApp,
  type ViewStateValues,
} from "../helpers/slack-http.ts";

/**
 * The real app over HTTP (signed form posts to /slack/events) against the fake Slack Web
 * API: what people type, what they get back, what is stored.
 */

const TEC = "U0TEC0001"; // dipendente, area 03 (Tecnico Manutentiva)
const TEC2 = "U0TEC0002"; // dipendente, area 03
const POL = "U0POL0001"; // responsabile, area 04 (Polizia Locale)
const SEG = "U0SEG0001"; // segretario
const NDV = "U0NDV0001"; // nucleo
const NOBODY = "U0NOBODY1";

const START = new Date("2024-10-07T08:00:00Z");
let now = START;
const clock: Clock = () => new Date(now.getTime());

let fake: FakeSlack;
let t: TestApp;
let database: Awaited<ReturnType<typeof testDatabase>>;

interface Reply {
  text: string;
  blocks: unknown[];
  response_type?: string;
  replace_original?: boolean;
}

beforeAll(async () => {
  fake = await startFakeSlack();
  database = await testDatabase();
  await importPlanFile(database.db, LEGGIUNO_PLAN, { actor: "test", now: new Date("2024-01-15T10:00:00Z") });
  const at = new Date("2024-01-15T10:00:00Z");
  await database.db.user.create({
    data: { slackUserId: TEC, role: "dipendente", createdAt: at, areas: { create: [{ areaCode: "03" }] } },
  });
  await database.db.user.create({
    data: { slackUserId: TEC2, role: "dipendente", createdAt: at, areas: { create: [{ areaCode: "03" }] } },
  });
  await database.db.user.create({
    data: { slackUserId: POL, role: "responsabile", createdAt: at, areas: { create: [{ areaCode: "04" }] } },
  });
  await database.db.user.create({ data: { slackUserId: SEG, role: "segretario", createdAt: at } });
  await database.db.user.create({ data: { slackUserId: NDV, role: "nucleo", createdAt: at } });
  t = await startTestApp({ db: database.db, clock, fake });
});

afterAll(async () => {
  await t.close();
  await fake.close();
  await database.dispose();
});

beforeEach(() => {
  now = START;
});

let seq = 0;

/** A signed /obiettivo; waits for the work after ack; returns the private replies it produced. */
async function slash(text: string, userId: string, opts: { triggerId?: string; retryNum?: number } = {}) {
  const id = `cmd${++seq}`;
  const body = slashCommandBody({ text, userId, responseUrl: fake.responseUrl(id), triggerId: opts.triggerId });
  const res = await t.send(body, { retryNum: opts.retryNum });
  expect(res.status).toBe(200);
  expect(res.text).toBe(""); // acked at once, empty: the answer follows on response_url
  await t.idle();
  return { id, body, replies: fake.responsesTo(id).map((r) => r.body as unknown as Reply) };
}

/** The single private reply to a command, checked to be ephemeral with a plain-text fallback. */
async function reply(
  text: string,
  userId: string,
  opts: { triggerId?: string; retryNum?: number } = {},
): Promise<Reply> {
  const r = await slash(text, userId, opts);
  expect(r.replies).toHaveLength(1);
  return checked(r.replies[0]!);
}

function checked(r: Reply): Reply {
  expect(r.response_type).toBe("ephemeral");
  expect(typeof r.text).toBe("string");
  expect(r.text.trim().length).toBeGreaterThan(0);
  expect(Array.isArray(r.blocks)).toBe(true);
  return r;
}

/** Every interactive element in some blocks (buttons in actions blocks and section accessories). */
function buttons(blocks: unknown[]): { action_id: string; value: string; text: { text: string } }[] {
  const out: { action_id: string; value: string; text: { text: string } }[] = [];
  for (const b of blocks as { elements?: unknown[]; accessory?: unknown }[]) {
    for (const e of [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])] as {
      type?: string;
      action_id?: string;
      value?: string;
      text?: { text: string };
    }[]) {
      if (e.type === "button" && e.action_id)
        out.push({ action_id: e.action_id, value: e.value ?? "", text: e.text ?? { text: "" } });
    }
  }
  return out;
}

async function progressOf(code: string) {
  return database.db.progress.findUnique({ where: { planYear_activityCode: { planYear: 2024, activityCode: code } } });
}

async function reportsOf(code: string) {
  return database.db.report.findMany({ where: { planYear: 2024, activityCode: code }, orderBy: { id: "asc" } });
}

/** Presses a button on a message (a reply with a response_url of its own). */
async function press(
  userId: string,
  button: { action_id: string; value: string },
  opts: { triggerId?: string; retryNum?: number } = {},
) {
  const id = `btn${++seq}`;
  const res = await t.send(
    blockActionBody({
      userId,
      actionId: button.action_id,
      value: button.value,
      responseUrl: fake.responseUrl(id),
      triggerId: opts.triggerId,
    }),
    {
      retryNum: opts.retryNum,
    },
  );
  expect(res.status).toBe(200);
  await t.idle();
  return fake.responsesTo(id).map((r) => checked(r.body as unknown as Reply));
}

describe("/obiettivo over HTTP: every command form", () => {
  it("aiuto: the grammar with examples", async () => {
    const r = await reply("aiuto", TEC);
    expect(r.text).toContain("/obiettivo 3.1.2 completato");
    expect(r.text).toContain("/obiettivo 3.3.2 +1");
    expect(r.text).toContain("storia");
  });

  it("<code> completato: done today, says what was recorded, shows the state, has Annulla", async () => {
    const r = await reply("3.1.2 completato", TEC);
    expect(r.text).toContain("Registrato");
    expect(r.text).toContain("3.1.2");
    expect(r.text).toContain("completata il 07/10/2024");
    const b = buttons(r.blocks);
    // 3.1.2 is a deadline: completed without an act, the reply offers to add it (SMVP evidence rule).
    expect(r.text).toContain("Manca l'evidenza");
    expect(b.map((x) => x.action_id)).toEqual([ACTION.addEvidence, ACTION.reportUndo, ACTION.activityUpdate]);
    expect(b[1]!.text.text).toBe("Annulla");
    expect(await progressOf("3.1.2")).toMatchObject({
      status: "completata",
      completedOn: "2024-10-07",
      lastReporterId: TEC,
    });
    const [report] = await reportsOf("3.1.2");
    expect(report).toMatchObject({ source: "slack_command", userId: TEC, kind: "status", status: "completata" });
    expect(report!.idempotencyKey).toMatch(/^cmd:/);
  });

  it("announces the change on the bus once the answer is out (App Home refreshes after, not before)", async () => {
    const seen: { kind: string; code?: string; repliesSoFar: number }[] = [];
    const stop = t.changes.on((e) =>
      seen.push({
        kind: e.kind,
        code: e.activityCode,
        repliesSoFar: fake.responses.filter((r) => r.id === `cmd${seq}`).length,
      }),
    );
    try {
      await reply("3.2.5 40%", TEC);
    } finally {
      stop();
    }
    expect(seen).toEqual([{ kind: "report", code: "3.2.5", repliesSoFar: 1 }]);
  });

  it("accepts fatto / concluso / completata and a date", async () => {
    await reply("3.1.4 CONCLUSO il 12/03/2024", TEC);
    expect(await progressOf("3.1.4")).toMatchObject({ status: "completata", completedOn: "2024-03-12" });
    await reply("3.1.5 fatto", TEC);
    expect((await progressOf("3.1.5"))?.status).toBe("completata");
  });

  it("refuses a completion date in the future, writing nothing", async () => {
    const r = await reply("3.1.7 completato il 08/10/2024", TEC);
    expect(r.text).toContain("nel futuro");
    expect(await reportsOf("3.1.7")).toHaveLength(0);
  });

  it("<code> 60%: progress in percent", async () => {
    const r = await reply("3.1.3 60%", TEC);
    expect(r.text).toContain("avanzamento 60%");
    expect(await progressOf("3.1.3")).toMatchObject({ status: "in_corso", percent: 60 });
  });

  it("+1 with a note, then = 5, on a count indicator", async () => {
    const a = await reply("3.3.2 +1 sopralluogo in via Roma", TEC);
    expect(a.text).toContain("+1 al conteggio");
    expect(a.text).toContain("sopralluogo in via Roma");
    const b = await reply("3.3.2 = 5", TEC);
    expect(b.text).toContain("conteggio portato a 5");
    expect(await progressOf("3.3.2")).toMatchObject({ count: 5, status: "in_corso" });
    expect((await reportsOf("3.3.2")).map((x) => x.note)).toEqual(["sopralluogo in via Roma", null]);
  });

  it("counts only on count indicators: a clear error otherwise", async () => {
    const r = await reply("3.1.6 +1", TEC);
    expect(r.text).toContain("non ha un indicatore numerico");
    expect(await reportsOf("3.1.6")).toHaveLength(0);
  });

  it("in corso, bloccato <motivo>, nota <testo>", async () => {
    await reply("3.2.4 in corso", TEC);
    expect((await progressOf("3.2.4"))?.status).toBe("in_corso");
    const blocked = await reply("3.2.4 bloccato manca il parere della Soprintendenza", TEC);
    expect(blocked.text).toContain("manca il parere della Soprintendenza");
    expect(await progressOf("3.2.4")).toMatchObject({
      status: "bloccata",
      blockedReason: "manca il parere della Soprintendenza",
    });
    const note = await reply("3.2.4 nota sollecitata la Soprintendenza", TEC);
    expect(note.text).toContain("nota: sollecitata la Soprintendenza");
    expect((await progressOf("3.2.4"))?.status).toBe("bloccata");
  });

  it("<code> storia: the history, undone reports marked", async () => {
    await reply("3.4.1 40%", TEC);
    const r = await reply("3.4.1 storia", TEC);
    expect(r.text).toContain("Cronologia di 3.4.1");
    expect(r.text).toContain("avanzamento 40%");
  });

  it("<code> alone opens the report modal, prefilled, for the trigger of the command", async () => {
    await reply("3.2.5 70%", TEC);
    const triggerId = newTriggerId();
    const r = await slash("3.2.5", TEC, { triggerId });
    expect(r.replies).toHaveLength(0);
    const open = fake.callsTo("views.open").at(-1)!;
    expect(open.body.trigger_id).toBe(triggerId);
    const view = open.body.view as {
      callback_id: string;
      private_metadata: string;
      blocks: { block_id?: string; element?: { initial_value?: string; initial_option?: { value: string } } }[];
    };
    expect(view.callback_id).toBe(VIEW.report);
    expect(JSON.parse(view.private_metadata)).toMatchObject({ year: 2024, code: "3.2.5" });
    const blockIds = view.blocks.map((b) => b.block_id).filter(Boolean);
    // 3.2.5 is a percentage indicator: the form also asks for numerator, denominator and source.
    expect(blockIds).toEqual([
      REPORT_BLOCK.status,
      REPORT_BLOCK.value,
      REPORT_BLOCK.numerator,
      REPORT_BLOCK.denominator,
      REPORT_BLOCK.source,
      REPORT_BLOCK.date,
      REPORT_BLOCK.note,
      REPORT_BLOCK.evidence,
    ]);
    expect(view.blocks.find((b) => b.block_id === REPORT_BLOCK.value)?.element?.initial_value).toBe("70");
    expect(view.blocks.find((b) => b.block_id === REPORT_BLOCK.status)?.element?.initial_option?.value).toBe(
      "in_corso",
    );
  });

  it("/obiettivo alone: a picker with the user's own area first, then the Comune-wide activities", async () => {
    await slash("", TEC);
    const view = fake.callsTo("views.open").at(-1)!.body.view as {
      blocks: {
        block_id?: string;
        element?: { type: string; option_groups?: { label: { text: string }; options: { value: string }[] }[] };
      }[];
    };
    const picker = view.blocks.find((b) => b.block_id === REPORT_BLOCK.activity)!;
    expect(picker.element!.type).toBe("static_select");
    const groups = picker.element!.option_groups!;
    expect(groups[0]!.label.text).toContain("03");
    expect(groups[1]!.label.text).toContain("ente");
    const codes = groups.flatMap((g) => g.options.map((o) => o.value));
    expect(codes).toContain("3.1.2");
    expect(codes).toContain("E1.1");
    expect(codes).not.toContain("1.1.1");
  });

  it("the Segretario, who may report on the whole plan, gets a searchable picker", async () => {
    await slash("", SEG);
    const view = fake.callsTo("views.open").at(-1)!.body.view as {
      blocks: { block_id?: string; element?: { type: string } }[];
    };
    expect(view.blocks.find((b) => b.block_id === REPORT_BLOCK.activity)!.element!.type).toBe("external_select");
    const res = await t.send(
      blockSuggestionBody({
        userId: SEG,
        actionId: REPORT_ELEMENT.activity,
        query: "4.4",
        view: { id: "V0PICK", callbackId: VIEW.report, privateMetadata: JSON.stringify({ year: 2024 }) },
      }),
    );
    expect(res.status).toBe(200);
    const groups = (res.json as { option_groups: { options: { value: string }[] }[] }).option_groups;
    const codes = groups.flatMap((g) => g.options.map((o) => o.value));
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.every((c) => c.startsWith("4.4"))).toBe(true);
  });

  it("choosing an activity in the picker turns the modal into its form", async () => {
    const res = await t.send(
      blockActionBody({
        userId: TEC,
        actionId: REPORT_ELEMENT.activity,
        blockId: REPORT_BLOCK.activity,
        selectedValue: "3.3.3",
        view: {
          id: "V0PICK0001",
          hash: "h1",
          callbackId: VIEW.report,
          privateMetadata: JSON.stringify({ year: 2024 }),
        },
      }),
    );
    expect(res.status).toBe(200);
    await t.idle();
    const update = fake.callsTo("views.update").at(-1)!;
    expect(update.body).toMatchObject({ view_id: "V0PICK0001", hash: "h1" });
    const view = update.body.view as {
      private_metadata: string;
      blocks: { block_id?: string; label?: { text: string } }[];
    };
    expect(JSON.parse(view.private_metadata)).toMatchObject({ code: "3.3.3" });
    expect(view.blocks.find((b) => b.block_id === REPORT_BLOCK.value)?.label?.text).toBe("Totale raggiunto");
  });
});

describe("the report modal", () => {
  const meta = (code: string, responseUrl?: string) =>
    JSON.stringify({ year: 2024, code, ...(responseUrl ? { responseUrl } : {}) });
  const values = (v: {
    status?: string;
    value?: string;
    date?: string;
    note?: string;
    evidence?: string;
  }): ViewStateValues => ({
    [REPORT_BLOCK.status]: {
      [REPORT_ELEMENT.status]: { type: "static_select", selected_option: v.status ? { value: v.status } : null },
    },
    [REPORT_BLOCK.value]: { [REPORT_ELEMENT.value]: { type: "plain_text_input", value: v.value ?? null } },
    [REPORT_BLOCK.date]: { [REPORT_ELEMENT.date]: { type: "datepicker", selected_date: v.date ?? null } },
    [REPORT_BLOCK.note]: { [REPORT_ELEMENT.note]: { type: "plain_text_input", value: v.note ?? null } },
    [REPORT_BLOCK.evidence]: { [REPORT_ELEMENT.evidence]: { type: "plain_text_input", value: v.evidence ?? null } },
  });

  it("shows errors on the fields and records nothing", async () => {
    const res = await t.send(
      viewSubmissionBody({
        userId: TEC,
        callbackId: VIEW.report,
        privateMetadata: meta("3.2.1"),
        values: values({ status: "in_corso", value: "centoventi", evidence: "http//sbagliato" }),
      }),
    );
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      response_action: "errors",
      errors: {
        [REPORT_BLOCK.value]: expect.stringContaining("tra 0 e 100"),
        [REPORT_BLOCK.evidence]: expect.stringContaining("link"),
      },
    });
    const blocked = await t.send(
      viewSubmissionBody({
        userId: TEC,
        callbackId: VIEW.report,
        privateMetadata: meta("3.2.1"),
        values: values({ status: "bloccata" }),
      }),
    );
    expect(blocked.json).toMatchObject({
      response_action: "errors",
      errors: { [REPORT_BLOCK.note]: "Scrivi il motivo del blocco." },
    });
    const future = await t.send(
      viewSubmissionBody({
        userId: TEC,
        callbackId: VIEW.report,
        privateMetadata: meta("3.2.1"),
        values: values({ status: "completata", date: "2024-12-01" }),
      }),
    );
    expect(future.json).toMatchObject({
      response_action: "errors",
      errors: { [REPORT_BLOCK.date]: expect.stringContaining("futuro") },
    });
    const nothing = await t.send(
      viewSubmissionBody({
        userId: TEC,
        callbackId: VIEW.report,
        privateMetadata: meta("3.2.1"),
        values: values({ status: "non_iniziata" }),
      }),
    );
    expect(nothing.json).toMatchObject({
      response_action: "errors",
      errors: { [REPORT_BLOCK.status]: expect.stringContaining("Non hai cambiato niente") },
    });
    expect(await reportsOf("3.2.1")).toHaveLength(0);
  });

  it("records a valid submission with value, date, note and evidence, then answers where the command was typed", async () => {
    const viewId = "V0MODAL001";
    const res = await t.send(
      viewSubmissionBody({
        userId: TEC,
        viewId,
        callbackId: VIEW.report,
        privateMetadata: meta("3.2.2", fake.responseUrl("modal1")),
        values: values({
          status: "completata",
          value: "100",
          date: "2024-09-30",
          note: "collaudo eseguito",
          evidence: "Determina n. 123 del 30/09/2024",
        }),
      }),
    );
    expect(res.status).toBe(200);
    expect(res.text).toBe("");
    await t.idle();
    const [report] = await reportsOf("3.2.2");
    expect(report).toMatchObject({
      source: "slack_modal",
      kind: "percent",
      value: 100,
      status: "completata",
      occurredOn: "2024-09-30",
      note: "collaudo eseguito",
      evidence: "Determina n. 123 del 30/09/2024",
      idempotencyKey: `view:${viewId}`,
    });
    expect(await progressOf("3.2.2")).toMatchObject({ status: "completata", completedOn: "2024-09-30", percent: 100 });
    const answer = checked(fake.responsesTo("modal1")[0]!.body as unknown as Reply);
    expect(answer.text).toContain("Registrato");
    expect(buttons(answer.blocks).map((b) => b.action_id)).toContain(ACTION.reportUndo);

    // A retried submission of the same view records nothing more.
    await t.send(
      viewSubmissionBody({
        userId: TEC,
        viewId,
        callbackId: VIEW.report,
        privateMetadata: meta("3.2.2"),
        values: values({ status: "completata", value: "100", note: "collaudo eseguito" }),
      }),
      { retryNum: 1 },
    );
    await t.idle();
    expect(await reportsOf("3.2.2")).toHaveLength(1);
  });

  it("without a response_url, the confirmation goes to the user's DM with the app", async () => {
    const before = fake.callsTo("chat.postMessage").length;
    await t.send(
      viewSubmissionBody({
        userId: TEC,
        callbackId: VIEW.report,
        privateMetadata: meta("3.3.3"),
        values: values({ value: "4" }),
      }),
    );
    await t.idle();
    const dm = fake.callsTo("chat.postMessage").slice(before);
    expect(dm).toHaveLength(1);
    expect(dm[0]!.body.channel).toBe(TEC);
    expect(String(dm[0]!.body.text)).toContain("conteggio portato a 4");
  });

  it("refuses a submission on another area's activity, on the form", async () => {
    const res = await t.send(
      viewSubmissionBody({
        userId: TEC,
        callbackId: VIEW.report,
        privateMetadata: meta("1.1.1"),
        values: values({ status: "in_corso" }),
      }),
    );
    expect(res.json).toMatchObject({
      response_action: "errors",
      errors: { [REPORT_BLOCK.status]: expect.stringContaining("Non puoi aggiornare l'attività 1.1.1") },
    });
    expect(await reportsOf("1.1.1")).toHaveLength(0);
  });
});

describe("undo", () => {
  it("the author undoes within 15 minutes: the reply is replaced and the state recomputed", async () => {
    await reply("4.1.1 30%", POL);
    const r = await reply("4.1.1 completato", POL);
    const undo = buttons(r.blocks).find((b) => b.action_id === ACTION.reportUndo)!;
    now = new Date(START.getTime() + 14 * 60_000);
    const [answer] = await press(POL, undo);
    expect(answer!.replace_original).toBe(true);
    expect(answer!.text).toContain("Annullato");
    expect(await progressOf("4.1.1")).toMatchObject({ status: "in_corso", percent: 30 });
    const reports = await reportsOf("4.1.1");
    expect(reports[1]!.undoneBy).toBe(POL);
    const history = await reply("4.1.1 storia", POL);
    expect(history.text).toContain("annullato");
  });

  it("someone else cannot undo, and the original reply stays", async () => {
    const r = await reply("3.3.5 +1", TEC);
    const undo = buttons(r.blocks).find((b) => b.action_id === ACTION.reportUndo)!;
    const [answer] = await press(TEC2, undo);
    expect(answer!.replace_original).toBe(false);
    expect(answer!.text).toContain("Solo chi ha registrato");
    expect((await reportsOf("3.3.5"))[0]!.undoneAt).toBeNull();
  });

  it("after 15 minutes the author is told to record a new update instead", async () => {
    const r = await reply("3.3.6 in corso", TEC);
    const undo = buttons(r.blocks).find((b) => b.action_id === ACTION.reportUndo)!;
    now = new Date(START.getTime() + 16 * 60_000);
    const [answer] = await press(TEC, undo);
    expect(answer!.text).toContain("più di 15 minuti");
    expect((await reportsOf("3.3.6"))[0]!.undoneAt).toBeNull();
  });
});

describe("ambiguous and unknown codes", () => {
  it("a printed code naming two activities offers a button for each; choosing records on that one", async () => {
    const r = await reply("1.2.1 completato", SEG);
    expect(r.text).toContain("1.2.1");
    const choices = buttons(r.blocks).filter((b) => b.action_id === ACTION.chooseActivity);
    expect(choices.map((c) => JSON.parse(c.value))).toEqual([
      { year: 2024, code: "1.2.1", rest: "completato" },
      { year: 2024, code: "1.3.1", rest: "completato" },
    ]);
    expect(await reportsOf("1.2.1")).toHaveLength(0);
    const [answer] = await press(SEG, choices[1]!);
    expect(answer!.replace_original).toBe(true);
    expect(answer!.text).toContain("1.3.1");
    expect((await progressOf("1.3.1"))?.status).toBe("completata");
    expect(await progressOf("1.2.1")).toBeNull();
  });

  it("an unknown code gets the closest codes", async () => {
    const r = await reply("3.1.8 fatto", TEC);
    expect(r.text).toContain("Non trovo l'attività 3.1.8");
    expect(r.text).toContain("3.1.7");
    const far = await reply("9.9.9 fatto", TEC);
    expect(far.text).toContain("né codici simili");
  });

  it("an objective code lists its activities", async () => {
    const r = await reply("3.4 fatto", TEC);
    expect(r.text).toContain("3.4 è un obiettivo");
    expect(r.text).toContain("3.4.1");
  });

  it("codes are case-insensitive and may be printed codes", async () => {
    await reply("e5.1 in corso", TEC);
    expect((await progressOf("E5.1"))?.status).toBe("in_corso");
    await reply("5.4.5 50%", SEG);
    expect((await progressOf("5.3.5"))?.percent).toBe(50);
  });
});

describe("roles, on the server", () => {
  it("an unknown user is told who can add them; nothing is written", async () => {
    const r = await reply("3.1.1 completato", NOBODY);
    expect(r.text).toContain("Non sei ancora abilitato");
    expect(r.text).toContain("npx obiettivi utenti aggiungi");
    expect(await reportsOf("3.1.1")).toHaveLength(0);
  });

  it("area staff cannot report on another area's activity", async () => {
    const r = await reply("4.3.1 50%", TEC);
    expect(r.text).toContain("Non puoi aggiornare l'attività 4.3.1");
    expect(await reportsOf("4.3.1")).toHaveLength(0);
  });

  it("area staff report on Comune-wide activities; the Segretario on everything", async () => {
    await reply("E6.1 +1", POL);
    expect((await progressOf("E6.1"))?.count).toBe(1);
    await reply("2.1.1 completato", SEG);
    expect((await progressOf("2.1.1"))?.status).toBe("completata");
  });

  it("the Nucleo reads but writes nothing, by command, by modal or by button", async () => {
    const r = await reply("3.1.1 completato", NDV);
    expect(r.text).toContain("sola lettura");
    const h = await reply("3.1.1 storia", NDV);
    expect(h.text).toContain("Cronologia di 3.1.1");
    const opened = fake.callsTo("views.open").length;
    const m = await reply("3.1.1", NDV);
    expect(m.text).toContain("sola lettura");
    expect(fake.callsTo("views.open")).toHaveLength(opened);
    const [b] = await press(NDV, {
      action_id: ACTION.activityComplete,
      value: JSON.stringify({ year: 2024, code: "3.1.1" }),
    });
    expect(b!.text).toContain("sola lettura");
    expect(await reportsOf("3.1.1")).toHaveLength(0);
  });
});

describe("Slack retries and request authenticity", () => {
  it("a slash command redelivered with X-Slack-Retry-Num records once", async () => {
    const triggerId = newTriggerId();
    await reply("3.4.2 +1", TEC, { triggerId });
    const second = await reply("3.4.2 +1", TEC, { triggerId, retryNum: 1 });
    expect(second.text).toContain("Già registrato");
    await reply("3.4.2 +1", TEC, { triggerId, retryNum: 2 });
    expect(await reportsOf("3.4.2")).toHaveLength(1);
    expect((await progressOf("3.4.2"))?.count).toBe(1);
  });

  it("a button redelivered records once", async () => {
    const triggerId = newTriggerId();
    const button = { action_id: ACTION.activityComplete, value: JSON.stringify({ year: 2024, code: "3.4.3" }) };
    await press(TEC, button, { triggerId });
    await press(TEC, button, { triggerId, retryNum: 1 });
    expect(await reportsOf("3.4.3")).toHaveLength(1);
  });

  it("bad, missing or stale signatures get 401 and record nothing", async () => {
    const body = slashCommandBody({ text: "3.4.4 completato", userId: TEC, responseUrl: fake.responseUrl("sig") });
    expect((await t.send(body, { badSignature: true })).status).toBe(401);
    expect((await t.send(body, { unsigned: true })).status).toBe(401);
    expect((await t.send(body, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })).status).toBe(401);
    await t.idle();
    expect(await reportsOf("3.4.4")).toHaveLength(0);
    expect(fake.responsesTo("sig")).toHaveLength(0);
  });

  it("GET /healthz answers 200 {ok:true}", async () => {
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("GET /healthz answers 503 when the database no longer answers", async () => {
    const broken = await testDatabase();
    const other = await startTestApp({ db: broken.db, clock, fake });
    try {
      expect((await fetch(`${other.url}/healthz`)).status).toBe(200);
      // Overwrite the file in place: the open connection now reads garbage.
      writeFileSync(broken.file, Buffer.alloc(8192, 7));
      rmSync(`${broken.file}-wal`, { force: true });
      const res = await fetch(`${other.url}/healthz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ ok: false });
    } finally {
      await other.close();
      await broken.dispose().catch(() => undefined);
    }
  });
});

describe("buttons built by other surfaces (digest, App Home)", () => {
  it("'Segna completata' on App Home records and answers by DM", async () => {
    const before = fake.callsTo("chat.postMessage").length;
    const res = await t.send(
      blockActionBody({
        userId: TEC,
        actionId: ACTION.activityComplete,
        value: { year: 2024, code: "3.2.3" },
        view: { id: "V0HOME01", type: "home" },
      }),
    );
    expect(res.status).toBe(200);
    await t.idle();
    expect((await progressOf("3.2.3"))?.status).toBe("completata");
    const dm = fake.callsTo("chat.postMessage").slice(before);
    expect(dm).toHaveLength(1);
    expect(dm[0]!.body.channel).toBe(TEC);
    expect(String(dm[0]!.body.text)).toContain("Registrato");
  });

  it("'Aggiorna' opens the modal for that activity", async () => {
    const triggerId = newTriggerId();
    await press(
      TEC,
      { action_id: ACTION.activityUpdate, value: JSON.stringify({ year: 2024, code: "3.3.7" }) },
      { triggerId },
    );
    const open = fake.callsTo("views.open").at(-1)!;
    expect(open.body.trigger_id).toBe(triggerId);
    expect(JSON.parse((open.body.view as { private_metadata: string }).private_metadata)).toMatchObject({
      code: "3.3.7",
    });
  });

  it("a button with a broken value gets a clear answer", async () => {
    const [answer] = await press(TEC, { action_id: ACTION.activityComplete, value: "{not json" });
    expect(answer!.text).toContain("non è più valido");
  });
});
