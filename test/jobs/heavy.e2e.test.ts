import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { generatePiaoText } from "../../bench/generate-plan.ts";
import { fixedClock } from "../../src/clock.ts";
import { HeavyRunner } from "../../src/jobs/heavy.ts";
import { importPlanText } from "../../src/plan-import/import-plan.ts";
import { HOME_TEXT } from "../../src/slack/ui/home.ts";
import { ACTION } from "../../src/slack/ui/ids.ts";
import { testDatabase } from "../helpers/db.ts";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.ts";
import { blockActionBody, slashCommandBody, startTestApp, type TestApp } from "../helpers/slack-http.ts";

/**
 * Exports run in the heavy-work thread: over signed HTTP, a Relazione export of a large
 * plan is asked, /obiettivo commands keep being answered while it is made, a second export
 * asked meanwhile gets "in preparazione" at once and its file afterwards, both through the
 * fake Slack API's files.uploadV2 steps.
 */

const TODAY = "2024-10-07";
const NUCLEO = "UHEAVYNUC";
const SEGRETARIO = "UHEAVYSEG";
const STAFF = "UHEAVY01";

let fake: FakeSlack;
let t: TestApp;
let heavy: HeavyRunner;
let database: Awaited<ReturnType<typeof testDatabase>>;

function multipartFile(raw: Buffer): Buffer {
  const boundary = raw.subarray(0, raw.indexOf("\r\n")).toString("latin1");
  if (!boundary.startsWith("--")) return raw;
  const start = raw.indexOf("\r\n\r\n") + 4;
  return raw.subarray(start, raw.indexOf(`\r\n${boundary}`, start));
}

beforeAll(async () => {
  fake = await startFakeSlack();
  database = await testDatabase();
  const now = new Date("2024-01-10T10:00:00Z");
  // Large enough that the export takes far longer than a command.
  await importPlanText(database.db, generatePiaoText(12_000, 2024), "grande.txt", { actor: "test", now });
  await database.db.$transaction(async (tx) => {
    await tx.user.create({ data: { slackUserId: NUCLEO, role: "nucleo", createdAt: now } });
    await tx.user.create({ data: { slackUserId: SEGRETARIO, role: "segretario", createdAt: now } });
    await tx.user.create({
      data: { slackUserId: STAFF, role: "dipendente", createdAt: now, areas: { create: [{ areaCode: "01" }] } },
    });
  });
  heavy = new HeavyRunner({ databaseUrl: database.url });
  t = await startTestApp({ db: database.db, clock: fixedClock(TODAY), fake, heavy });
}, 120_000);

afterAll(async () => {
  await t?.close();
  await heavy?.close();
  await fake?.close();
  await database?.dispose();
});

const exportBody = (userId: string) =>
  blockActionBody({
    userId,
    actionId: ACTION.exportRelazione,
    value: { year: 2024 },
    view: { id: `V${userId}`, type: "home" },
  });

describe("heavy work off the bot's thread", () => {
  it("answers /obiettivo while an export runs; a second export gets «in preparazione», then its file", async () => {
    expect(heavy.threadAlive).toBe(false); // nothing started before it was needed
    expect((await t.send(exportBody(NUCLEO))).status).toBe(200);
    await vi.waitFor(() => expect(heavy.busy).toBe(true), { timeout: 10_000, interval: 5 });

    // A second export while the first runs: told at once, in Italian, in a DM.
    expect((await t.send(exportBody(SEGRETARIO))).status).toBe(200);
    const queued = await fake.waitForCall("chat.postMessage", 1, 10_000);
    expect(queued.body.text).toBe(HOME_TEXT.exportQueued);
    expect(queued.body.channel).toBe(`D${SEGRETARIO.slice(1)}`);

    // Commands are answered meanwhile: every reply comes before the first file is complete.
    const replies: number[] = [];
    for (let i = 1; i <= 5; i++) {
      const id = `cmd${i}`;
      expect(
        (await t.send(slashCommandBody({ text: `1.${i}.1 +1`, userId: STAFF, responseUrl: fake.responseUrl(id) })))
          .status,
      ).toBe(200);
      replies.push((await fake.waitForResponse(id, 1, 10_000)).at);
    }
    expect(heavy.busy).toBe(true);

    const first = await fake.waitForCall("files.completeUploadExternal", 1, 120_000);
    expect(Math.max(...replies)).toBeLessThan(first.at);
    const second = await fake.waitForCall("files.completeUploadExternal", 2, 120_000);
    expect([first.body.channel_id, second.body.channel_id]).toEqual([`D${NUCLEO.slice(1)}`, `D${SEGRETARIO.slice(1)}`]);
    expect(second.body.initial_comment).toBe(HOME_TEXT.exportDone(2024, TODAY));
    expect(fake.callsTo("chat.postMessage")).toHaveLength(1); // the nucleo was not told to wait

    // The files are whole workbooks of the plan.
    expect(fake.uploads).toHaveLength(2);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(multipartFile(fake.uploads[1]!.raw) as unknown as ExcelJS.Buffer);
    expect(wb.worksheets[0]!.name).toBe("Riepilogo");
    const rows = wb.worksheets.slice(1).reduce((n, ws) => n + ws.rowCount, 0);
    expect(rows).toBeGreaterThan(12_000);
  });

  it("the same export asked twice while it is made is made once", async () => {
    fake.reset();
    await t.send(exportBody(NUCLEO));
    await vi.waitFor(() => expect(heavy.busy).toBe(true), { timeout: 10_000, interval: 5 });
    await t.send(exportBody(NUCLEO));
    expect((await fake.waitForCall("chat.postMessage", 1, 10_000)).body.text).toBe(HOME_TEXT.exportQueued);
    await fake.waitForCall("files.completeUploadExternal", 1, 120_000);
    await t.idle();
    expect(fake.callsTo("files.completeUploadExternal")).toHaveLength(1);
  });
});
