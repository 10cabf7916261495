import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Clock } from "../../src/clock.ts";
import { GENERIC_ERROR_MESSAGE } from "../../src/errors.ts";
import { createLogger } from "../../src/logger.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.ts";
import {
  slashCommandBody,
  startTestApp,
  TEST_BOT_TOKEN,
  TEST_SIGNING_SECRET,
  type TestApp,
} from "../helpers/slack-http.ts";

/**
 * 200 reports at the same instant through the real HTTP app: 100 increments of ONE count
 * activity by four colleagues (a lost update would show in the count), and 100 completions
 * of 100 different activities by the Segretario.
 */

const SAME = "3.3.2"; // count indicator of area 03
const AREA_USERS = ["U0CONC001", "U0CONC002", "U0CONC003", "U0CONC004"];
const SEG = "U0CONCSEG";
const clock: Clock = () => new Date("2024-10-07T08:00:00Z");

let fake: FakeSlack;
let t: TestApp;
let database: Awaited<ReturnType<typeof testDatabase>>;
const logLines: string[] = [];

beforeAll(async () => {
  fake = await startFakeSlack();
  database = await testDatabase();
  await importPlanFile(database.db, LEGGIUNO_PLAN, { actor: "test", now: new Date("2024-01-15T10:00:00Z") });
  const at = new Date("2024-01-15T10:00:00Z");
  for (const id of AREA_USERS) {
    await database.db.user.create({
      data: { slackUserId: id, role: "dipendente", createdAt: at, areas: { create: [{ areaCode: "03" }] } },
    });
  }
  await database.db.user.create({ data: { slackUserId: SEG, role: "segretario", createdAt: at } });
  const log = createLogger("warn", [TEST_BOT_TOKEN, TEST_SIGNING_SECRET], {
    write: (l: string) => void logLines.push(l),
  });
  t = await startTestApp({ db: database.db, clock, fake, log });
});

afterAll(async () => {
  await t?.close();
  await fake?.close();
  await database?.dispose();
});

describe("200 concurrent reports over HTTP", () => {
  it("stores all 200, loses no increment, and answers every user in Italian", async () => {
    // Codes that name one activity only (the plan prints some codes twice: those ask which one).
    const all = await database.db.activity.findMany({
      where: { archivedAt: null },
      orderBy: { position: "asc" },
      select: { code: true, printedCode: true },
    });
    const others = all
      .filter((a) => a.code !== SAME && all.every((b) => b === a || b.printedCode !== a.code))
      .map((a) => a.code)
      .slice(0, 100);
    expect(others).toHaveLength(100);

    const requests = [
      ...Array.from({ length: 100 }, (_, i) => ({
        id: `same-${i}`,
        userId: AREA_USERS[i % AREA_USERS.length]!,
        text: `${SAME} +1`,
      })),
      ...others.map((code, i) => ({ id: `diff-${i}`, userId: SEG, text: `${code} completato` })),
    ];
    // Interleaved, all in flight at once.
    requests.sort((a, b) => Number(a.id.split("-")[1]) - Number(b.id.split("-")[1]));
    const responses = await Promise.all(
      requests.map((r) =>
        t.send(slashCommandBody({ text: r.text, userId: r.userId, responseUrl: fake.responseUrl(r.id) })),
      ),
    );
    await t.idle();

    expect(responses.map((r) => r.status)).toEqual(requests.map(() => 200));
    for (const r of requests) {
      const replies = fake.responsesTo(r.id).map((x) => String((x.body as { text?: unknown }).text ?? ""));
      expect(replies, r.id).toHaveLength(1);
      expect(replies[0]).toContain("Registrato");
      expect(replies[0]).not.toContain(GENERIC_ERROR_MESSAGE);
    }

    expect(await database.db.report.count()).toBe(200);
    expect(await database.db.report.count({ where: { activityCode: SAME, kind: "count_add" } })).toBe(100);
    const same = await database.db.progress.findUnique({
      where: { planYear_activityCode: { planYear: 2024, activityCode: SAME } },
    });
    expect(same?.count).toBe(100);
    const completed = await database.db.progress.count({
      where: { planYear: 2024, activityCode: { in: others }, status: "completata" },
    });
    expect(completed).toBe(100);
    expect(await database.db.auditEntry.count({ where: { action: "report" } })).toBe(200);
    expect(logLines.filter((l) => JSON.parse(l).level >= 50)).toEqual([]);
  });
});
