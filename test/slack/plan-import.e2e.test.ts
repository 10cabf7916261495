import { readFileSync } from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock.ts";
import { loadStoredPlan } from "../../src/store/stored-plan.ts";
import { writePlanTemplate } from "../../src/plan-import/xlsx/write-template.ts";
import { errorText } from "../../src/messages/errors.ts";
import { ACTION } from "../../src/slack/ui/ids.ts";
import { PLAN_IMPORT_TEXT } from "../../src/slack/ui/plan-import.ts";
import { startFakeSlack, type FakeSlack, type FakeSlackCall } from "../helpers/fake-slack.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";
import { blockActionBody, startTestApp, TEST_BOT_TOKEN, type TestApp } from "../helpers/slack-http.ts";

/**
 * The plan sent to the bot in a DM, through the real app over signed HTTP requests and the
 * fake Slack Web API: files.info, the download with the bot token, the preview with
 * "Importa" / "Annulla", the import on confirmation, and the refusals.
 */

const SEGRETARIO = "U0SEGRET";
const ADMIN = "U0ADMIN";
const DIPENDENTE = "U0BIANCHI";
const IMPORT_REFUSED = errorText({ code: "plan_import_refused" }, "slack");
const DEMO_PLAN = path.resolve(import.meta.dirname, "../../plans/demo-piao.txt");

interface Block {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: { type: string; action_id?: string; value?: string; text?: { text: string } }[];
}

let fake: FakeSlack;
let t: TestApp;
let database: Awaited<ReturnType<typeof testDatabase>>;
let seq = 0;

function eventBody(event: Record<string, unknown>): string {
  seq += 1;
  return JSON.stringify({
    token: "verification-token-unused",
    team_id: "T0FAKE001",
    api_app_id: "A0TEST001",
    type: "event_callback",
    event_id: `Ev${seq}${Date.now()}`,
    event_time: Math.floor(Date.now() / 1000),
    event,
  });
}

const dmOf = (user: string) => `D${user.slice(1)}`;

/** A user drops a file in the bot's DM: Slack sends a message with files (and, often, file_shared too). */
async function sendFile(
  user: string,
  name: string,
  content: Buffer,
  opts: { alsoFileShared?: boolean } = {},
): Promise<string> {
  seq += 1;
  const id = `F0PLAN${String(seq).padStart(4, "0")}`;
  fake.addFile({ id, name, content, user });
  const message = {
    type: "message",
    subtype: "file_share",
    channel: dmOf(user),
    channel_type: "im",
    user,
    text: "",
    ts: `1700000100.${String(seq).padStart(6, "0")}`,
    files: [{ id, name, mode: "hosted" }],
  };
  expect((await t.send(eventBody(message), { contentType: "application/json" })).status).toBe(200);
  if (opts.alsoFileShared) {
    const shared = {
      type: "file_shared",
      file_id: id,
      user_id: user,
      file: { id },
      channel_id: dmOf(user),
      event_ts: "1700000100.000200",
    };
    expect((await t.send(eventBody(shared), { contentType: "application/json" })).status).toBe(200);
  }
  await t.idle();
  return id;
}

function lastPost(): FakeSlackCall {
  const posts = fake.callsTo("chat.postMessage");
  expect(posts.length).toBeGreaterThan(0);
  return posts[posts.length - 1]!;
}

function textOf(call: FakeSlackCall): string {
  const blocks = (call.body.blocks ?? []) as Block[];
  return [String(call.body.text ?? ""), ...blocks.map((b) => b.text?.text ?? "")].join("\n");
}

function buttonsOf(call: FakeSlackCall) {
  return ((call.body.blocks ?? []) as Block[]).flatMap((b) => (b.type === "actions" ? (b.elements ?? []) : []));
}

async function click(user: string, actionId: string, value: unknown): Promise<void> {
  const res = await t.send(
    blockActionBody({
      userId: user,
      actionId,
      value,
      channelId: dmOf(user),
      responseUrl: fake.responseUrl(`click${++seq}`),
    }),
  );
  expect(res.status).toBe(200);
  await t.idle();
}

const auditCount = () => database.db.auditEntry.count({ where: { action: "plan_import" } });

beforeAll(async () => {
  fake = await startFakeSlack();
  database = await testDatabase();
  const now = new Date("2025-01-15T09:00:00Z");
  for (const [id, role] of [
    [SEGRETARIO, "segretario"],
    [ADMIN, "admin"],
    [DIPENDENTE, "dipendente"],
  ] as const) {
    await database.db.user.create({
      data: {
        slackUserId: id,
        role,
        name: id,
        createdAt: now,
        areas: role === "dipendente" ? { create: [{ areaCode: "03" }] } : undefined,
      },
    });
  }
  t = await startTestApp({ db: database.db, clock: fixedClock("2025-01-15"), fake });
});

afterAll(async () => {
  await t.close();
  await fake.close();
  await database.dispose();
});

beforeEach(() => {
  fake.reset();
});

describe("importing the plan from Slack", () => {
  it("segretario, no plan yet: preview in the DM, nothing written; Importa imports once, a second click does nothing", async () => {
    const fileId = await sendFile(SEGRETARIO, "leggiuno-piao-2024.txt", readFileSync(LEGGIUNO_PLAN));
    expect(fake.callsTo("files.info").map((c) => c.body.file)).toEqual([fileId]);
    expect(fake.downloads).toEqual([{ fileId, token: TEST_BOT_TOKEN, status: 200 }]);
    const preview = lastPost();
    expect(preview.body.channel).toBe(dmOf(SEGRETARIO));
    const text = textOf(preview);
    expect(text).toContain("Anteprima del piano 2024 — Comune di Leggiuno");
    expect(text).toContain("5 aree, 28 obiettivi (8 di ente), 121 attività");
    expect(text).toContain("03. Area Tecnico Manutentiva — Claudia Nodari: 4 obiettivi, 23 attività");
    expect(text).toContain("*Anomalie*");
    expect(text).toContain("*Valori attesi senza una data* (10)");
    expect(text).toContain("Nessun piano 2024 è caricato");
    const [confirm, cancel] = buttonsOf(preview);
    expect([confirm!.action_id, confirm!.text?.text, cancel!.action_id, cancel!.text?.text]).toEqual([
      ACTION.planImportConfirm,
      "Importa",
      ACTION.planImportCancel,
      "Annulla",
    ]);
    expect(await database.db.plan.count()).toBe(0);

    const value = JSON.parse(confirm!.value!);
    await click(SEGRETARIO, ACTION.planImportConfirm, value);
    const update = fake.callsTo("chat.update");
    expect(update).toHaveLength(1);
    expect(update[0]!.body.channel).toBe(dmOf(SEGRETARIO));
    expect(String(update[0]!.body.text)).toContain(
      "Piano 2024 — Comune di Leggiuno importato da «leggiuno-piao-2024.txt»: 5 aree, 28 obiettivi, 121 attività",
    );
    expect(await database.db.activity.count({ where: { archivedAt: null } })).toBe(121);
    expect(await auditCount()).toBe(1);
    expect((await database.db.auditEntry.findFirst({ where: { action: "plan_import" } }))!.actor).toBe(SEGRETARIO);

    await click(SEGRETARIO, ACTION.planImportConfirm, value);
    await click(ADMIN, ACTION.planImportCancel, value);
    expect(fake.callsTo("chat.update")).toHaveLength(1);
    expect(await auditCount()).toBe(1);
    const decided = await database.db.planImportRequest.findUniqueOrThrow({ where: { id: value.requestId } });
    expect(decided).toMatchObject({ decision: "imported", decidedBy: SEGRETARIO, fileName: "leggiuno-piao-2024.txt" });
    expect(decided.content.length).toBe(0);
    const answers = fake
      .callsTo("chat.postMessage")
      .slice(-2)
      .map((c) => String(c.body.text));
    for (const a of answers) expect(a).toContain("è già stato deciso");
  });

  it("admin, a plan loaded: one preview for the two events of one upload, with the differences; Annulla changes nothing", async () => {
    const stored = await loadStoredPlan(database.db, 2024);
    const changed = {
      ...stored.plan,
      activities: stored.plan.activities
        .filter((a) => a.code !== "4.1.1")
        .map((a) => (a.code === "3.1.2" ? { ...a, title: "Titolo nuovo", weight: 25 } : a)),
    };
    const xlsx = await writePlanTemplate(changed);
    const before = await database.db.activity.findFirstOrThrow({ where: { code: "3.1.2" } });
    await sendFile(ADMIN, "piano-rivisto.xlsx", xlsx, { alsoFileShared: true });
    const previews = fake.callsTo("chat.postMessage");
    expect(previews).toHaveLength(1);
    const text = textOf(previews[0]!);
    expect(text).toContain("*Differenze con il piano 2024 caricato*");
    expect(text).toContain("*Attività:* 0 nuove, 1 modificate, 1 tolte");
    expect(text).toContain("tolte (archiviate, l'avanzamento resta): 4.1.1");
    expect(text).toMatch(/3\.1\.2: titolo «[^»]+» → «Titolo nuovo»; peso «» → «25»/);
    const [confirm] = buttonsOf(previews[0]!);
    await click(ADMIN, ACTION.planImportCancel, JSON.parse(confirm!.value!));
    expect(String(fake.callsTo("chat.update")[0]!.body.text)).toBe(PLAN_IMPORT_TEXT.cancelled("piano-rivisto.xlsx"));
    await click(ADMIN, ACTION.planImportConfirm, JSON.parse(confirm!.value!));
    expect(await database.db.activity.findFirstOrThrow({ where: { code: "3.1.2" } })).toEqual(before);
    expect(await auditCount()).toBe(1);
  });

  it("another role is refused in Italian, before any download; a forged click is refused on the server", async () => {
    await sendFile(DIPENDENTE, "piano.txt", readFileSync(DEMO_PLAN), { alsoFileShared: true });
    expect(fake.callsTo("chat.postMessage").map((c) => String(c.body.text))).toEqual([IMPORT_REFUSED]);
    expect(fake.callsTo("files.info")).toEqual([]);
    expect(fake.downloads).toEqual([]);

    await sendFile(SEGRETARIO, "demo-piao.txt", readFileSync(DEMO_PLAN));
    const value = JSON.parse(buttonsOf(lastPost())[0]!.value!);
    await click(DIPENDENTE, ACTION.planImportConfirm, value);
    expect(String(lastPost().body.text)).toBe(IMPORT_REFUSED);
    expect(await database.db.plan.findMany({ select: { entity: true } })).toEqual([{ entity: "Comune di Leggiuno" }]);
    // The segretario still can: the forged click decided nothing.
    await click(SEGRETARIO, ACTION.planImportConfirm, value);
    expect(String(fake.callsTo("chat.update").at(-1)!.body.text)).toContain("importato da «demo-piao.txt»");
  });

  it("a document that is not a plan, and a damaged Excel file: an Italian message, nothing stored", async () => {
    const requests = await database.db.planImportRequest.count();
    await sendFile(SEGRETARIO, "appunti.txt", Buffer.from("Lista della spesa\npane\nlatte\n"), {
      alsoFileShared: true,
    });
    expect(fake.callsTo("chat.postMessage")).toHaveLength(1);
    expect(String(lastPost().body.text)).toMatch(/^Non ho importato «appunti\.txt»: .*Piano della Performance/);
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("Foglio1").addRow(["x"]);
    const good = Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
    await sendFile(SEGRETARIO, "rotto.xlsx", good.subarray(0, 200));
    expect(String(lastPost().body.text)).toContain("Non ho importato «rotto.xlsx»");
    // Only that the two uploads were answered is kept: no bytes, nothing to import.
    const kept = await database.db.planImportRequest.findMany({ skip: requests });
    expect(kept.map((r) => [r.fileName, r.decision, r.content.length])).toEqual([
      ["appunti.txt", "unreadable", 0],
      ["rotto.xlsx", "unreadable", 0],
    ]);
  });

  it("a file shared in a channel, or by the bot itself, is ignored", async () => {
    fake.addFile({ id: "F0CHAN0001", name: "piano.txt", content: readFileSync(DEMO_PLAN) });
    await t.send(
      eventBody({
        type: "file_shared",
        file_id: "F0CHAN0001",
        user_id: SEGRETARIO,
        channel_id: "C0TEST001",
        event_ts: "1.2",
      }),
      { contentType: "application/json" },
    );
    await t.send(
      eventBody({
        type: "message",
        subtype: "file_share",
        channel: "C0TEST001",
        channel_type: "channel",
        user: SEGRETARIO,
        ts: "1.3",
        files: [{ id: "F0CHAN0001" }],
      }),
      { contentType: "application/json" },
    );
    await t.idle();
    expect(fake.callsTo("files.info")).toEqual([]);
    expect(fake.callsTo("chat.postMessage")).toEqual([]);
  });

  it("App Home: the segretario's button sends the instructions and the empty Excel template to the DM; refused for others", async () => {
    const home = JSON.stringify({
      type: "event_callback",
      team_id: "T0FAKE001",
      api_app_id: "A0TEST001",
      event_id: `EvH${Date.now()}`,
      event_time: 1,
      event: { type: "app_home_opened", user: SEGRETARIO, channel: dmOf(SEGRETARIO), tab: "home", event_ts: "1.1" },
    });
    await t.send(home, { contentType: "application/json" });
    const view = (await fake.waitForCall("views.publish")).body.view as { blocks: Block[] };
    const texts = view.blocks.map((b) => b.text?.text ?? "").join("\n");
    expect(texts).toContain(PLAN_IMPORT_TEXT.homeHint);
    expect(view.blocks.flatMap((b) => b.elements ?? []).some((e) => e.action_id === ACTION.planImportHelp)).toBe(true);

    await t.send(
      blockActionBody({
        userId: SEGRETARIO,
        actionId: ACTION.planImportHelp,
        value: {},
        view: { id: "VHOME0009", type: "home" },
      }),
    );
    const complete = await fake.waitForCall("files.completeUploadExternal", 1, 15_000);
    expect(complete.body.channel_id).toBe(dmOf(SEGRETARIO));
    expect(complete.body.initial_comment).toBe(PLAN_IMPORT_TEXT.howTo);
    expect(fake.callsTo("files.getUploadURLExternal")[0]!.body.filename).toBe(PLAN_IMPORT_TEXT.templateFilename);

    fake.reset();
    await t.send(
      blockActionBody({
        userId: DIPENDENTE,
        actionId: ACTION.planImportHelp,
        value: {},
        view: { id: "VHOME0010", type: "home" },
      }),
    );
    await t.idle();
    expect(String((await fake.waitForCall("chat.postMessage")).body.text)).toBe(IMPORT_REFUSED);
    expect(fake.callsTo("files.getUploadURLExternal")).toEqual([]);
  });
});
