import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock.ts";
import { GENERIC_ERROR_MESSAGE, UserError } from "../../src/errors.ts";
import { createLogger } from "../../src/logger.ts";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.ts";
import { testDatabase } from "../helpers/db.ts";
import { slashCommandBody, startTestApp, TEST_BOT_TOKEN, type TestApp } from "../helpers/slack-http.ts";

// The harness other Slack tests stand on: the real app over HTTP, the fake Web API, signatures.
describe("test harness", () => {
  let fake: FakeSlack;
  let t: TestApp;
  let database: Awaited<ReturnType<typeof testDatabase>>;
  const logLines: string[] = [];

  beforeAll(async () => {
    fake = await startFakeSlack();
    database = await testDatabase();
    const log = createLogger("error", [], { write: (line: string) => void logLines.push(line) });
    t = await startTestApp({ db: database.db, clock: fixedClock("2024-10-07"), fake, log });
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
    await database.dispose();
  });

  it("checks the bot token once at start, with the token, against the fake", () => {
    const authTests = fake.callsTo("auth.test");
    expect(authTests).toHaveLength(1);
    expect(authTests[0]!.token).toBe(TEST_BOT_TOKEN);
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
  });

  it("answers GET /healthz with 200 {ok:true} while the database answers", async () => {
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("refuses unsigned, badly signed and stale requests with 401", async () => {
    const body = slashCommandBody({ text: "aiuto", userId: "U1", responseUrl: fake.responseUrl() });
    expect((await t.send(body, { unsigned: true })).status).toBe(401);
    expect((await t.send(body, { badSignature: true })).status).toBe(401);
    expect((await t.send(body, { timestamp: Math.floor(Date.now() / 1000) - 301 })).status).toBe(401);
  });

  it("lets a test override an answer and records response_url posts", async () => {
    fake.failNext("chat.postMessage", { status: 200, body: { ok: false, error: "channel_not_found" } });
    const first = await t.app.client.chat
      .postMessage({ channel: "C1", text: "x" })
      .catch((e: { data?: { error?: string } }) => e.data?.error);
    expect(first).toBe("channel_not_found");
    const second = await t.app.client.chat.postMessage({ channel: "C1", text: "y" });
    expect(second.ts).toMatch(/^\d+\.\d+$/);
    const url = fake.responseUrl("abc");
    await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "ciao" }),
    });
    expect((await fake.waitForResponse("abc")).body).toEqual({ text: "ciao" });
  });

  it("the global error handler: a UserError reaches the user as is, anything else as the generic Italian message, logged", async () => {
    t.app.command("/prova-errore-utente", async ({ ack }) => {
      await ack();
      throw new UserError({ code: "plan_inconsistent", detail: "Messaggio per l'utente." });
    });
    t.app.command("/prova-errore", async ({ ack }) => {
      await ack();
      throw new Error("dettaglio interno: tabella X");
    });
    await t.send(
      slashCommandBody({
        command: "/prova-errore-utente",
        text: "",
        userId: "U1",
        responseUrl: fake.responseUrl("e1"),
      }),
    );
    await t.send(
      slashCommandBody({ command: "/prova-errore", text: "", userId: "U1", responseUrl: fake.responseUrl("e2") }),
    );
    await t.idle();
    expect((await fake.waitForResponse("e1")).body).toMatchObject({
      response_type: "ephemeral",
      text: "Messaggio per l'utente.",
    });
    const generic = (await fake.waitForResponse("e2")).body;
    expect(generic).toMatchObject({ response_type: "ephemeral", text: GENERIC_ERROR_MESSAGE });
    expect(JSON.stringify(generic)).not.toContain("tabella X");
    expect(logLines.some((l) => l.includes("dettaglio interno: tabella X"))).toBe(true);
  });

  it("runs files.uploadV2 end to end against the fake", async () => {
    const res = await t.app.client.filesUploadV2({
      channel_id: "C1",
      filename: "r.csv",
      content: "a;b\n1;2\n",
      title: "Relazione",
    });
    expect(res.ok).toBe(true);
    expect(fake.callsTo("files.getUploadURLExternal")).toHaveLength(1);
    expect(fake.uploads).toHaveLength(1);
    expect(fake.callsTo("files.completeUploadExternal")).toHaveLength(1);
  });
});
