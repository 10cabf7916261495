import ExcelJS from "exceljs";
import JSZip from "jszip";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock.ts";
import { HOW_TO_BE_ADDED } from "../../src/messages/errors.ts";
import { ACTION } from "../../src/slack/ui/ids.ts";
import { DOCUMENT_TEXT, HOME_TEXT } from "../../src/slack/ui/home.ts";
import { errorText } from "../../src/messages/errors.ts";
import { HOME_REFRESH_QUIET_MS } from "../../src/slack/listeners/home.ts";
import { startFakeSlack, type FakeSlack, type FakeSlackCall } from "../helpers/fake-slack.ts";
import { testDatabase } from "../helpers/db.ts";
import { blockActionBody, slashCommandBody, startTestApp, type TestApp } from "../helpers/slack-http.ts";
import { loadLeggiunoFixture, USERS } from "../report/leggiuno-fixture.ts";

/**
 * The App Home per role, through the real app over HTTP and the fake Slack Web API:
 * what views.publish receives, and what "Esporta Relazione" uploads.
 */

// After the fixture's year of work, while the Relazione is being prepared.
const TODAY = "2025-01-15";

interface Block {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: { type: string; action_id?: string; value?: string; text?: { text: string } }[];
}

let fake: FakeSlack;
let t: TestApp;
let database: Awaited<ReturnType<typeof testDatabase>>;

function homeOpened(user: string): string {
  return JSON.stringify({
    token: "verification-token-unused",
    team_id: "T0FAKE001",
    api_app_id: "A0TEST001",
    type: "event_callback",
    event_id: `Ev${user}${Date.now()}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: "app_home_opened", user, channel: `D${user.slice(1)}`, tab: "home", event_ts: "1700000000.000100" },
  });
}

async function openHome(user: string): Promise<{ call: FakeSlackCall; blocks: Block[]; text: string }> {
  const before = fake.callsTo("views.publish").length;
  const res = await t.send(homeOpened(user), { contentType: "application/json" });
  expect(res.status).toBe(200);
  const call = await fake.waitForCall("views.publish", before + 1);
  return viewOf(call);
}

function viewOf(call: FakeSlackCall) {
  const view = call.body.view as { type: string; blocks: Block[] };
  expect(view.type).toBe("home");
  const text = view.blocks
    .flatMap((b) => [
      b.text?.text ?? "",
      ...(b.elements ?? [])
        .map((e) => (e as { text?: string | { text: string } }).text)
        .map((x) => (typeof x === "string" ? x : (x?.text ?? ""))),
    ])
    .join("\n");
  return { call, blocks: view.blocks, text };
}

/** The web client posts the file as one multipart field: take its bytes out. */
function multipartFile(raw: Buffer): Buffer {
  const boundary = raw.subarray(0, raw.indexOf("\r\n")).toString("latin1");
  if (!boundary.startsWith("--")) return raw;
  const start = raw.indexOf("\r\n\r\n") + 4;
  const end = raw.indexOf(`\r\n${boundary}`, start);
  return raw.subarray(start, end);
}

const buttons = (blocks: Block[]) => blocks.flatMap((b) => (b.type === "actions" ? (b.elements ?? []) : []));

beforeAll(async () => {
  fake = await startFakeSlack();
  database = await testDatabase();
  await loadLeggiunoFixture(database.db);
  t = await startTestApp({ db: database.db, clock: fixedClock(TODAY), fake });
});

afterAll(async () => {
  await t.close();
  await fake.close();
  await database.dispose();
});

beforeEach(() => {
  fake.reset();
});

describe("App Home", () => {
  it("dipendente: own open activities (area and Comune-wide) by deadline, with Segna completata / Aggiorna", async () => {
    const { call, blocks, text } = await openHome(USERS.bianchi.id);
    expect(call.body.user_id).toBe(USERS.bianchi.id);
    expect(call.token).toMatch(/^xoxb-/);
    // 20 open in area 03 (3 completed of 23) + 13 Comune-wide involving every area or nobody named
    expect(text).toContain("*Le tue attività aperte* (33)");
    expect(text).toContain(HOME_TEXT.ownMore(20, 33));
    expect(text).toContain("Dipendente dell'area 03.");
    const acts = blocks
      .filter((b) => b.type === "actions" && b.block_id?.startsWith("home_activity_"))
      .map((b) => b.block_id!.slice("home_activity_".length));
    expect(acts).toHaveLength(20);
    // by deadline; E2.1 (30/09) involves area 04 only; then the 31/12 ones in plan order
    expect(acts.slice(0, 4)).toEqual(["3.3.1", "3.1.4", "3.1.5", "E3.3"]);
    expect(acts).not.toContain("3.1.2"); // completed
    expect(acts).not.toContain("E3.1"); // Comune-wide for areas 01 and 02
    const first = buttons(blocks).slice(0, 2);
    expect(first.map((b) => [b.action_id, b.text?.text, JSON.parse(b.value!)])).toEqual([
      [ACTION.activityComplete, "Segna completata", { year: 2024, code: "3.3.1" }],
      [ACTION.activityUpdate, "Aggiorna", { year: 2024, code: "3.3.1" }],
    ]);
    expect(text).toContain("🔴 *3.3.1* Gestione del servizio di raccolta");
    expect(text).toContain("scaduta il 31/03/2024 (290 giorni fa) · non iniziata");
    expect(text).toContain("*3.1.4*");
    expect(text).toContain("scaduta il 15/09/2024 (122 giorni fa) · in corso");
    expect(buttons(blocks).some((b) => b.action_id === ACTION.exportRelazione)).toBe(false);
    expect(text).not.toContain(HOME_TEXT.overviewHeader);
  });

  it("responsabile: the same list plus the score of their own area", async () => {
    const { text } = await openHome(USERS.nodari.id);
    expect(text).toContain(`*${HOME_TEXT.yourAreasHeader}*`);
    expect(text).toContain(
      "*03. Area Tecnico Manutentiva* — Claudia Nodari\n26,5% · 10,59 punti su 40 · 5 scadute · 3/23 completate",
    );
    expect(text).not.toContain("01. Area Affari Generali");
  });

  it("segretario: every area's score and overdue count, and the export button", async () => {
    const { blocks, text } = await openHome(USERS.segretario.id);
    expect(text).toContain(`*${HOME_TEXT.overviewHeader}*`);
    for (const a of [
      "01. Area Affari Generali",
      "02. Area Economico Finanziaria",
      "03. Area Tecnico Manutentiva",
      "04. Area Polizia Locale",
      "05. Area Servizi Sociali",
    ]) {
      expect(text).toContain(`*${a}*`);
    }
    expect(text).toContain(
      "*03. Area Tecnico Manutentiva* — Claudia Nodari\n26,5% · 10,59 punti su 40 · 5 scadute · 3/23 completate",
    );
    expect(text).toContain(
      "*02. Area Economico Finanziaria* — Clarissa Sartori\n38,7% · 15,47 punti su 40 · 4 scadute · 1/14 completate",
    );
    expect(text).toContain(
      "*Obiettivi di performance organizzativa (dell'ente)*\n15,6% · 1,56 punti su 10 · 8 scadute · 0/16 completate",
    );
    expect(text).toContain("*Comune (media delle aree):* 14,3%");
    expect(text).toContain("*Comune (media delle aree):*");
    expect(text).toContain(HOME_TEXT.overviewNote(TODAY));
    const exportButtons = buttons(blocks).filter((b) => b.action_id === ACTION.exportRelazione);
    expect(exportButtons).toHaveLength(1);
    expect(JSON.parse(exportButtons[0]!.value!)).toEqual({ year: 2024 });
  });

  it("nucleo: the same overview, read-only on activities, with Esporta Relazione and the behaviour scores (SMVP)", async () => {
    const { blocks, text } = await openHome(USERS.nucleo.id);
    expect(text).toContain(`*${HOME_TEXT.overviewHeader}*`);
    expect(text).toContain("*05. Area Servizi Sociali*");
    expect(text).toContain(HOME_TEXT.readOnly);
    const ids = buttons(blocks).map((b) => b.action_id);
    expect(ids).toEqual([
      ACTION.exportRelazione,
      ACTION.exportRelazioneDocx,
      ACTION.exportSchedeDocx,
      ACTION.exportSchedeXlsx,
      ACTION.exportValidazioneDocx,
      ACTION.exportValidazioneXlsx,
      ACTION.behaviourScores,
    ]);
  });

  it("an unknown user is told who can add them", async () => {
    const { text } = await openHome("U0NESSUNO");
    expect(text).toContain("Non sei ancora abilitato a usare Obiettivi (utente U0NESSUNO).");
    expect(text).toContain(HOW_TO_BE_ADDED.replace(/</g, "&lt;").replace(/>/g, "&gt;"));
    expect(buttons((await openHome("U0NESSUNO")).blocks)).toEqual([]);
  });

  it("Esporta Relazione (nucleo): the XLSX goes to a DM through files.uploadV2", async () => {
    const res = await t.send(
      blockActionBody({
        userId: USERS.nucleo.id,
        actionId: ACTION.exportRelazione,
        value: { year: 2024 },
        view: { id: "VHOME0001", type: "home" },
      }),
    );
    expect(res.status).toBe(200);
    const complete = await fake.waitForCall("files.completeUploadExternal", 1, 15_000);
    expect(fake.callsTo("conversations.open")[0]!.body.users).toBe(USERS.nucleo.id);
    const getUrl = fake.callsTo("files.getUploadURLExternal")[0]!;
    expect(getUrl.body.filename).toBe(`relazione-performance-2024-al-${TODAY}.xlsx`);
    const xlsx = multipartFile(fake.uploads[0]!.raw);
    expect(Number(getUrl.body.length)).toBe(xlsx.length);
    expect(complete.body.channel_id).toBe("D0NUCLEO");
    expect(complete.body.initial_comment).toBe(HOME_TEXT.exportDone(2024, TODAY));
    expect((complete.body.files as { title: string }[])[0]!.title).toBe(HOME_TEXT.exportTitle(2024, TODAY));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)[0]).toBe("Riepilogo");
    expect(wb.worksheets).toHaveLength(7);
    expect(String(wb.getWorksheet("Riepilogo")!.getCell(2, 1).value)).toContain(`Dati al 15/01/2025`);
  });

  it("Esporta in Word (nucleo): the Word Relazione, made in the heavy-work thread, goes to a DM", async () => {
    const res = await t.send(
      blockActionBody({
        userId: USERS.nucleo.id,
        actionId: ACTION.exportRelazioneDocx,
        value: { year: 2024 },
        view: { id: "VHOME0003", type: "home" },
      }),
    );
    expect(res.status).toBe(200);
    const complete = await fake.waitForCall("files.completeUploadExternal", 1, 30_000);
    const getUrl = fake.callsTo("files.getUploadURLExternal")[0]!;
    expect(getUrl.body.filename).toBe(`relazione-performance-2024-al-${TODAY}.docx`);
    expect(complete.body.initial_comment).toBe(HOME_TEXT.exportDone(2024, TODAY, "docx"));
    const zip = await JSZip.loadAsync(multipartFile(fake.uploads[0]!.raw));
    const xml = await zip.file("word/document.xml")!.async("string");
    for (const chapter of [
      "Sintesi dei risultati",
      "Performance individuale",
      "Variazioni intervenute",
      "Bilancio di genere",
    ])
      expect(xml).toContain(chapter);
    expect(Object.keys(zip.files).some((f) => f.startsWith("word/media/"))).toBe(true);
  });

  it("Esporta Relazione refused for a dipendente, checked on the server", async () => {
    const res = await t.send(
      blockActionBody({
        userId: USERS.bianchi.id,
        actionId: ACTION.exportRelazione,
        value: { year: 2024 },
        view: { id: "VHOME0002", type: "home" },
      }),
    );
    expect(res.status).toBe(200);
    const dm = await fake.waitForCall("chat.postMessage");
    expect(dm.body.channel).toBe(USERS.bianchi.id);
    expect(String(dm.body.text)).toBe(HOME_TEXT.exportRefused);
    await t.idle();
    expect(fake.callsTo("files.getUploadURLExternal")).toEqual([]);
    expect(fake.uploads).toEqual([]);
    expect(fake.callsTo("files.completeUploadExternal")).toEqual([]);
  });

  it("Schede di valutazione (segretario): the scorecards in Word, made in the heavy-work thread, go to a DM", async () => {
    const res = await t.send(
      blockActionBody({
        userId: USERS.segretario.id,
        actionId: ACTION.exportSchedeDocx,
        value: { year: 2024 },
        view: { id: "VHOME0004", type: "home" },
      }),
    );
    expect(res.status).toBe(200);
    const complete = await fake.waitForCall("files.completeUploadExternal", 1, 30_000);
    expect(fake.callsTo("files.getUploadURLExternal")[0]!.body.filename).toBe(
      `schede-valutazione-2024-al-${TODAY}.docx`,
    );
    expect(complete.body.initial_comment).toBe(DOCUMENT_TEXT.schedeDone(2024, TODAY));
    const xml = await (await JSZip.loadAsync(multipartFile(fake.uploads[0]!.raw)))
      .file("word/document.xml")!
      .async("string");
    expect(xml).toContain("Claudia Nodari");
    expect(xml).toContain("Clarissa Sartori");
  });

  it("Fascicolo di validazione (nucleo): the first export draws the sample, the next one keeps the sample being checked", async () => {
    const press = (id: string) =>
      t.send(
        blockActionBody({
          userId: USERS.nucleo.id,
          actionId: ACTION.exportValidazioneXlsx,
          value: { year: 2024 },
          view: { id, type: "home" },
        }),
      );
    expect((await press("VHOME0005")).status).toBe(200);
    const first = await fake.waitForCall("files.completeUploadExternal", 1, 30_000);
    expect(fake.callsTo("files.getUploadURLExternal")[0]!.body.filename).toBe(`validazione-2024-al-${TODAY}.xlsx`);
    const seed = /seme «([0-9a-f]+)»/.exec(String(first.body.initial_comment))?.[1];
    expect(first.body.initial_comment).toBe(DOCUMENT_TEXT.validazioneDone(2024, TODAY, { seed: seed!, drawn: true }));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(multipartFile(fake.uploads[0]!.raw) as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.length).toBeGreaterThan(1);

    expect((await press("VHOME0006")).status).toBe(200);
    const second = await fake.waitForCall("files.completeUploadExternal", 2, 30_000);
    expect(second.body.initial_comment).toBe(DOCUMENT_TEXT.validazioneDone(2024, TODAY, { seed: seed!, drawn: false }));
  });

  it("the validation pack refused for a dipendente, with what only others may do", async () => {
    const res = await t.send(
      blockActionBody({
        userId: USERS.bianchi.id,
        actionId: ACTION.exportValidazioneDocx,
        value: { year: 2024 },
        view: { id: "VHOME0007", type: "home" },
      }),
    );
    expect(res.status).toBe(200);
    const dm = await fake.waitForCall("chat.postMessage");
    expect(String(dm.body.text)).toBe(errorText({ code: "export_refused", document: "validazione" }, "slack"));
    expect(String(dm.body.text)).toContain("il fascicolo di validazione del Nucleo");
    await t.idle();
    expect(fake.uploads).toEqual([]);
  });

  it("is published again after a change the user makes", async () => {
    const before = await openHome(USERS.bianchi.id);
    expect(before.blocks.some((b) => b.block_id === "home_activity_3.3.1")).toBe(true);
    const publishes = fake.callsTo("views.publish").length;
    const res = await t.send(
      slashCommandBody({ text: "3.3.1 completato", userId: USERS.bianchi.id, responseUrl: fake.responseUrl("done") }),
    );
    expect(res.status).toBe(200);
    const again = viewOf(await fake.waitForCall("views.publish", publishes + 1, 10_000));
    expect(again.call.body.user_id).toBe(USERS.bianchi.id);
    expect(again.blocks.some((b) => b.block_id === "home_activity_3.3.1")).toBe(false);
    expect(again.text).toContain("*Le tue attività aperte* (32)");
    // the segretario's overview sees the change too (the cached scores were dropped)
    const seg = await openHome(USERS.segretario.id);
    expect(seg.text).toContain(
      "*03. Area Tecnico Manutentiva* — Claudia Nodari\n26,5% · 10,59 punti su 40 · 4 scadute · 4/23 completate",
    );
  });

  it("a burst of reports publishes the home once, when the person pauses, with the last state", async () => {
    await openHome(USERS.bianchi.id);
    const publishes = fake.callsTo("views.publish").length;
    // Sent together, as a quick succession of reports arrives: both changes land within the pause.
    const sent = await Promise.all(
      ["3.1.4", "3.1.5"].map((code) =>
        t.send(
          slashCommandBody({
            text: `${code} completato`,
            userId: USERS.bianchi.id,
            responseUrl: fake.responseUrl(code),
          }),
        ),
      ),
    );
    expect(sent.map((r) => r.status)).toEqual([200, 200]);
    await Promise.all(["3.1.4", "3.1.5"].map((code) => fake.waitForResponse(code)));
    const again = viewOf(await fake.waitForCall("views.publish", publishes + 1, 10_000));
    expect(again.text).toContain("*Le tue attività aperte* (30)");
    await new Promise((r) => setTimeout(r, HOME_REFRESH_QUIET_MS + 300));
    expect(fake.callsTo("views.publish")).toHaveLength(publishes + 1);
  });
});
