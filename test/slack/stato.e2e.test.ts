import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock.ts";
import { instantOfDay } from "../../src/domain/calendar/days.ts";
import { recordReport } from "../../src/store/reports.ts";
import { addUser } from "../../src/app/users.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { ACTION } from "../../src/slack/ui/ids.ts";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";
import { blockActionBody, slashCommandBody, startTestApp, TEST_CHANNEL, type TestApp } from "../helpers/slack-http.ts";

/** /stato and "Condividi nel canale" through the real app over signed HTTP, against the fake Slack Web API. */

const SEG = "U0SEG0001"; // segretario
const NDV = "U0NDV0001"; // nucleo: reads everything
const NOBODY = "U0NOBODY1";

interface Reply {
  text: string;
  blocks: { type: string; text?: { text: string }; elements?: { action_id?: string; value?: string }[] }[];
  response_type?: string;
  replace_original?: boolean;
}

let fake: FakeSlack;
let t: TestApp;
let database: Awaited<ReturnType<typeof testDatabase>>;
let seq = 0;

beforeAll(async () => {
  fake = await startFakeSlack();
  database = await testDatabase();
  await importPlanFile(database.db, LEGGIUNO_PLAN, { actor: "test", now: instantOfDay("2024-01-15") });
  const ctx = { actor: "test", now: instantOfDay("2024-01-15") };
  await addUser(database.db, { slackUserId: SEG, role: "segretario" }, ctx);
  await addUser(database.db, { slackUserId: NDV, role: "nucleo" }, ctx);
  await recordReport(
    database.db,
    { planYear: 2024, activityCode: "3.1.4", userId: SEG, kind: "status", status: "completata", source: "cli" },
    instantOfDay("2024-09-10"),
  );
  t = await startTestApp({ db: database.db, clock: fixedClock("2024-10-07"), fake });
});

afterAll(async () => {
  await t?.close();
  await fake?.close();
  await database?.dispose();
});

beforeEach(() => {
  fake.reset();
});

/** Sends /stato; returns the HTTP answer (the ack) and the reply posted to the response_url. */
async function stato(userId: string, text: string) {
  const id = `stato-${++seq}`;
  const res = await t.send(slashCommandBody({ command: "/stato", text, userId, responseUrl: fake.responseUrl(id) }));
  const reply = (await fake.waitForResponse(id)).body as unknown as Reply;
  await t.idle();
  return { res, reply };
}

async function press(userId: string, value: string | undefined, channelId = TEST_CHANNEL.id) {
  const id = `share-${++seq}`;
  const res = await t.send(
    blockActionBody({ userId, actionId: ACTION.shareStatus, value, responseUrl: fake.responseUrl(id), channelId }),
  );
  const reply = (await fake.waitForResponse(id)).body as unknown as Reply;
  await t.idle();
  return { res, reply };
}

function shareValue(reply: Reply): string | undefined {
  return reply.blocks.find((b) => b.type === "actions")?.elements?.find((e) => e.action_id === ACTION.shareStatus)
    ?.value;
}

describe("/stato over HTTP", () => {
  it("acks at once with an empty 200, then posts the area's status privately", async () => {
    const { res, reply } = await stato(NDV, "tecnica");
    expect(res.status).toBe(200);
    expect(res.text).toBe("");
    expect(reply.response_type).toBe("ephemeral");
    expect(reply.text).toBe(
      "Stato 03 Area Tecnico Manutentiva (piano 2024): 3% completato, 2 attività in ritardo, 1 in scadenza nei prossimi 30 giorni.",
    );
    expect(reply.blocks[0]).toMatchObject({ type: "header", text: { text: "Stato · 03 Area Tecnico Manutentiva" } });
    const all = JSON.stringify(reply.blocks);
    expect(all).toContain("▓░░░░░░░░░ 14% · 1/7 completate");
    expect(all).toContain("3.3.1");
    expect(shareValue(reply)).toBe(JSON.stringify({ scope: "area:03", year: 2024 }));
  });

  it("every area, and the Comune-wide objectives", async () => {
    const all = await stato(SEG, "");
    expect(all.reply.text).toMatch(
      /^Stato del piano 2024, Comune di Leggiuno: 01 0% \(16 in ritardo\), 02 0% \(2 in ritardo\), 03 3% \(2 in ritardo\)/,
    );
    expect(all.reply.blocks.filter((b) => b.type === "section")).toHaveLength(6);
    const ente = await stato(SEG, "ente");
    expect(ente.reply.text).toMatch(/^Stato Obiettivi dell'ente \(performance organizzativa\) \(piano 2024\)/);
  });

  it("unknown areas get the list of areas; unknown people are told who can add them", async () => {
    const unknown = await stato(SEG, "urbanistica");
    expect(unknown.reply.text).toContain("Nessuna area del piano 2024 corrisponde a «urbanistica»");
    expect(unknown.reply.text).toContain("• 05 Area Servizi Sociali");
    const stranger = await stato(NOBODY, "tecnica");
    expect(stranger.reply.text).toContain(`Non sei ancora abilitato a usare Obiettivi (utente ${NOBODY})`);
    expect(stranger.reply.text).toContain("npx obiettivi utenti aggiungi");
    expect(shareValue(stranger.reply)).toBeUndefined();
  });

  it("«Condividi nel canale» posts the same status in the channel, says who shared it, and confirms privately", async () => {
    const { reply } = await stato(NDV, "3");
    const { res, reply: confirm } = await press(NDV, shareValue(reply));
    expect(res.status).toBe(200);
    const posts = fake.callsTo("chat.postMessage");
    expect(posts).toHaveLength(1);
    const post = posts[0]!.body as unknown as { channel: string } & Reply;
    expect(post.channel).toBe(TEST_CHANNEL.id);
    expect(post.text).toBe(reply.text);
    expect(post.blocks.some((b) => b.type === "actions")).toBe(false);
    expect(JSON.stringify(post.blocks)).toContain(`condiviso da <@${NDV}>`);
    // Apart from the button and who shared it, the channel sees what the private reply showed.
    const strip = (blocks: Reply["blocks"]) => blocks.filter((b) => b.type !== "actions" && b.type !== "context");
    expect(strip(post.blocks)).toEqual(strip(reply.blocks));
    expect(confirm.text).toBe("Stato condiviso nel canale.");
    expect(JSON.stringify(confirm.blocks)).toContain(`<#${TEST_CHANNEL.id}>`);
    expect(confirm.replace_original).toBe(false);
  });

  it("only registered people can share; a forged or stale value is refused; nothing is posted", async () => {
    const { reply } = await stato(SEG, "tecnica");
    const stranger = await press(NOBODY, shareValue(reply));
    expect(stranger.reply.text).toContain("Non sei ancora abilitato a usare Obiettivi");
    const forged = await press(SEG, '{"scope":"<!channel>","year":2024}');
    expect(forged.reply.text).toContain("Questo pulsante non è più valido");
    const oldYear = await press(SEG, JSON.stringify({ scope: "area:03", year: 2019 }));
    expect(oldYear.reply.text).toContain("Nessun piano caricato per l'anno 2019");
    expect(fake.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("a channel the bot cannot write in gets a clear private answer", async () => {
    const { reply } = await stato(SEG, "tecnica");
    fake.failNext("chat.postMessage", { body: { ok: false, error: "not_in_channel" } });
    const r = await press(SEG, shareValue(reply), "G0PRIVATE1");
    expect(r.reply.text).toContain("Non posso scrivere in questo canale");
    expect(r.reply.text).toContain("/invite @Obiettivi");
  });
});
