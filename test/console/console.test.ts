import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock.ts";
import { instantOfDay } from "../../src/domain/calendar/days.ts";
import { DEMO_USER_ID, startConsole } from "../../src/console/console.ts";
import { mrkdwnToText, renderMessage, viewToText } from "../../src/console/render.ts";
import { ChangeBus } from "../../src/app/events.ts";
import { addUser } from "../../src/app/users.ts";
import { loadEnv } from "../../src/env.ts";
import { createLogger } from "../../src/logger.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";

type Db = Awaited<ReturnType<typeof testDatabase>>;

/** Runs the console on piped lines (not a TTY) and returns everything it printed. */
async function session(t: Db, lines: string[], at = "2024-10-07"): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = "";
  output.on("data", (chunk: Buffer) => {
    printed += chunk.toString("utf8");
  });
  const env = loadEnv({ LOG_LEVEL: "silent" });
  const done = startConsole({
    db: t.db,
    clock: fixedClock(at),
    log: createLogger("silent"),
    env,
    changes: new ChangeBus(),
    input,
    output,
  });
  input.end(lines.map((l) => `${l}\n`).join(""));
  await done;
  return printed;
}

/** The reply printed after the echoed command "> cmd", up to the next command. */
function replyTo(printed: string, command: string): string {
  const start = printed.indexOf(`\n> ${command}\n`);
  expect(start, `"${command}" non trovato`).toBeGreaterThanOrEqual(0);
  const body = printed.slice(start + command.length + 4);
  const next = body.indexOf("\n> ");
  return next < 0 ? body : body.slice(0, next);
}

describe("local console", () => {
  let t: Db;
  beforeEach(async () => {
    t = await testDatabase();
    await importPlanFile(t.db, LEGGIUNO_PLAN, { actor: "test", now: instantOfDay("2024-01-15") });
  });
  afterEach(async () => {
    await t.dispose();
  });

  it("welcomes with the plan, a demo Segretario and examples taken from the plan", async () => {
    const out = await session(t, []);
    expect(out).toContain("Piano 2024 · Comune di Leggiuno: 5 aree, 28 obiettivi, 121 attività.");
    expect(out).toContain(`Sei ${DEMO_USER_ID} (segretario: vede e aggiorna tutte le aree).`);
    expect(out).toContain("  /stato affari\n  /obiettivo 1.1.1 completato\n  utente U0123ABCD");
    const demo = await t.db.user.findUnique({ where: { slackUserId: DEMO_USER_ID } });
    expect(demo?.role).toBe("segretario");
    const audit = await t.db.auditEntry.findMany({ where: { entityKey: DEMO_USER_ID } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: "console", action: "user_add", entityType: "user" });
    // A second console on the same database finds the demo user and writes nothing.
    await session(t, ["esci"]);
    expect(await t.db.auditEntry.count({ where: { entityKey: DEMO_USER_ID } })).toBe(1);
  });

  it("«Aggiungi evidenza» asks for the act, refuses what is not one, attaches it to that report", async () => {
    const out = await session(t, [
      "/obiettivo 3.1.5 completato",
      "premi 1",
      "evidenza fatto",
      "evidenza Det. n. 5/2024",
      "evidenza Det. n. 6/2024",
    ]);
    expect(replyTo(out, "premi 1")).toContain(
      "Scrivi «evidenza <numero dell'atto o link>» per aggiungerla alla segnalazione di 3.1.5",
    );
    expect(replyTo(out, "evidenza fatto")).toContain("non è un atto riconosciuto");
    expect(replyTo(out, "evidenza Det. n. 5/2024")).toContain("Evidenza aggiunta a 3.1.5: Det. n. 5/2024.");
    expect(replyTo(out, "evidenza Det. n. 6/2024")).toContain("Nessuna segnalazione a cui aggiungere l'evidenza");
    const report = await t.db.report.findFirst({ where: { activityCode: "3.1.5" } });
    expect(report?.evidence).toBe("Det. n. 5/2024");
  });

  it("reports with /obiettivo and reads /stato through the same handlers as Slack", async () => {
    const out = await session(t, ["/obiettivo 3.1.4 completato", "/stato tecnica", "premi 1", "esci", "/stato"]);
    const reported = replyTo(out, "/obiettivo 3.1.4 completato");
    expect(reported).toContain("3.1.4");
    // A deadline completed without an act: the reply says so and offers to add it first.
    expect(reported).toContain("Manca l'evidenza");
    expect(reported).toMatch(/\[1: Aggiungi evidenza\] \[2: Annulla\]/);
    const stato = replyTo(out, "/stato tecnica");
    expect(stato).toContain("Stato · 03 Area Tecnico Manutentiva\n═");
    expect(stato).toContain("1 attività completata su 23 · Responsabile: Claudia Nodari");
    expect(stato).toContain("3.1 REALIZZAZIONE OPERE PUBBLICHE · peso 10%\n▓░░░░░░░░░ 14% · 1/7 completate");
    expect(stato).toContain("In ritardo: 2 attività ⚠️ (le più indietro)");
    expect(stato).toContain(
      "• 07/10/2024 @UDEMO 3.1.4 Interventi di efficientamento energetico immobili comunali: completata",
    );
    expect(stato).toContain("[1: Condividi nel canale]");
    expect(stato).not.toMatch(/[*`]|&lt;|<@/);
    const shared = replyTo(out, "premi 1");
    expect(shared).toContain("In Slack questo messaggio verrebbe pubblicato nel canale");
    expect(shared).toContain("condiviso da @UDEMO");
    expect(out).toContain("Arrivederci.");
    // Nothing after «esci» is run.
    expect(out).not.toContain("\n> /stato\n");
    const progress = await t.db.progress.findUnique({
      where: { planYear_activityCode: { planYear: 2024, activityCode: "3.1.4" } },
    });
    expect(progress?.status).toBe("completata");
    const report = await t.db.report.findFirst({ where: { activityCode: "3.1.4" } });
    expect(report?.source).toBe("console");
  });

  it("pressing «Annulla» undoes the report", async () => {
    const out = await session(t, ["/obiettivo 3.1.2 60%", "1", "/stato 3"]);
    expect(replyTo(out, "1").toLowerCase()).toContain("annullat");
    const report = await t.db.report.findFirst({ where: { activityCode: "3.1.2" } });
    expect(report?.undoneAt).not.toBeNull();
    expect(replyTo(out, "/stato 3")).toContain("Ultimi aggiornamenti: nessuno finora");
  });

  it("switches user: roles are enforced, an unknown id sees the refusal", async () => {
    await addUser(
      t.db,
      { slackUserId: "U0POLIZIA", role: "dipendente", areas: ["04"] },
      { actor: "test", now: new Date() },
    );
    const out = await session(t, [
      "utente u0polizia",
      "/obiettivo 3.1.4 completato",
      "/stato",
      "utente U999",
      "/stato tecnica",
      "utente",
      "utente 42",
    ]);
    expect(replyTo(out, "utente u0polizia")).toContain(
      "Ora sei U0POLIZIA (dipendente, area 04: aggiorna le attività della sua area e quelle dell'ente).",
    );
    expect(replyTo(out, "/obiettivo 3.1.4 completato")).toContain("Non puoi aggiornare l'attività 3.1.4");
    expect(replyTo(out, "/stato")).toContain("Stato del piano 2024 · Comune di Leggiuno");
    expect(replyTo(out, "utente U999")).toContain("U999 (non registrato");
    expect(replyTo(out, "/stato tecnica")).toContain("Non sei ancora abilitato a usare Obiettivi (utente U999)");
    expect(replyTo(out, "utente")).toContain("Sei U999");
    expect(replyTo(out, "utente 42")).toContain("non sembra un ID utente Slack");
    expect(await t.db.report.count()).toBe(0);
  });

  it("a modal is shown as text and said to open in Slack; unknown input gets help", async () => {
    const out = await session(t, ["/obiettivo 3.1.2", "bla bla", "premi 3", "aiuto", "", "/stato urbanistica"]);
    const modal = replyTo(out, "/obiettivo 3.1.2");
    expect(modal).toContain("In Slack si aprirebbe questa finestra");
    expect(modal).toMatch(/┌─ .+\n│ /);
    expect(modal).toContain("3.1.2");
    expect(replyTo(out, "bla bla")).toContain("Comando non riconosciuto: «bla bla». Scrivi «aiuto»");
    expect(replyTo(out, "premi 3")).toContain("L'ultima risposta non ha pulsanti da premere.");
    expect(replyTo(out, "aiuto")).toContain("/stato [area | ente]");
    expect(replyTo(out, "/stato urbanistica")).toContain("Nessuna area del piano 2024 corrisponde a «urbanistica»");
  });
  it("/assenza works as in Slack: registers, lists, refuses in Italian", async () => {
    const out = await session(t, [
      "/assenza dal 10/10/2024 al 18/10/2024 ferie",
      "/assenza elenco",
      "/assenza dal 18/10/2024 al 10/10/2024",
    ]);
    expect(replyTo(out, "/assenza dal 10/10/2024 al 18/10/2024 ferie")).toContain(
      "Assenza n. 1 registrata dal 10/10/2024 al 18/10/2024.",
    );
    expect(replyTo(out, "/assenza elenco")).toContain("n. 1 — dal 10/10/2024 al 18/10/2024 · ferie");
    expect(replyTo(out, "/assenza dal 18/10/2024 al 10/10/2024")).toContain("viene prima di quella di inizio");
    expect(await t.db.absence.count()).toBe(1);
  });
});

describe("Block Kit as text", () => {
  it("mrkdwn: marks removed, mentions and links readable, entities decoded, emoji shown", () => {
    expect(mrkdwnToText("*Stato:* _in corso_ `3.1.2` da <@U123> in <#C1|generale> :warning: &lt;b&gt; &amp;")).toBe(
      "Stato: in corso 3.1.2 da @U123 in #generale ⚠️ <b> &",
    );
    expect(mrkdwnToText("vedi <https://esempio.it/atto|l'atto> e <https://x.it>")).toBe(
      "vedi l'atto (https://esempio.it/atto) e https://x.it",
    );
    expect(mrkdwnToText("2*3*4 resta")).toBe("2*3*4 resta");
  });

  it("numbers the buttons it shows so the console can press them", () => {
    const r = renderMessage({
      text: "x",
      blocks: [
        {
          type: "section",
          text: { type: "mrkdwn", text: "*Ciao*" },
          accessory: { type: "button", action_id: "a", text: { type: "plain_text", text: "Apri" }, value: "1" },
        },
        { type: "divider" },
        {
          type: "actions",
          elements: [
            { type: "button", action_id: "b", text: { type: "plain_text", text: "Annulla" }, value: '{"reportId":3}' },
          ],
        },
        {
          type: "context",
          elements: [
            { type: "mrkdwn", text: "nota" },
            { type: "plain_text", text: "fine" },
          ],
        },
      ],
    });
    expect(r.text).toBe(`Ciao\n[1: Apri]\n${"─".repeat(40)}\n[2: Annulla]\nnota · fine`);
    expect(r.buttons).toEqual([
      { number: 1, label: "Apri", actionId: "a", value: "1" },
      { number: 2, label: "Annulla", actionId: "b", value: '{"reportId":3}' },
    ]);
    expect(renderMessage({ text: "solo *testo*" }).text).toBe("solo testo");
  });

  it("a modal in a frame, with its fields and buttons", () => {
    const text = viewToText({
      title: { type: "plain_text", text: "Aggiorna" },
      submit: { type: "plain_text", text: "Registra" },
      close: { type: "plain_text", text: "Chiudi" },
      blocks: [
        {
          type: "input",
          label: { type: "plain_text", text: "Nota" },
          optional: true,
          element: { type: "plain_text_input", placeholder: { type: "plain_text", text: "scrivi" } },
        },
        {
          type: "input",
          label: { type: "plain_text", text: "Stato" },
          element: {
            type: "static_select",
            initial_option: { text: { type: "plain_text", text: "in corso" }, value: "in_corso" },
            options: [
              { text: { type: "plain_text", text: "in corso" }, value: "in_corso" },
              { text: { type: "plain_text", text: "completata" }, value: "completata" },
            ],
          },
        },
      ],
    });
    expect(text).toContain("┌─ Aggiorna ");
    expect(text).toContain("│ Nota (facoltativo): [scrivi]");
    expect(text).toContain("│ Stato: [scelta = in corso: in corso | completata]");
    expect(text).toContain("│ [Chiudi] [Registra]");
  });
});
