import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Clock } from "../../src/clock.ts";
import { GENERIC_ERROR_MESSAGE } from "../../src/errors.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
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
} from "../helpers/slack-http.ts";

/**
 * Slack redelivers what was not acked in 3 s, with the same body and X-Slack-Retry-Num,
 * and Bolt does not dedupe: the app must. 250 events (slash commands, "Segna completata"
 * buttons, report modal submissions), each delivered 4 times (the original and retries
 * 1, 2, 3): 1,000 deliveries, 750 of them repeats. Half of the events get their copies all
 * at once (a retry racing the original), half one after the other.
 */

const USERS = ["U0RETR001", "U0RETR002", "U0RETR003"]; // area 03
const SEG = "U0RETRSEG";
const COUNTS = ["3.3.2", "3.3.3", "3.3.4", "3.3.5", "3.3.7"]; // count indicators of area 03
const EVENTS = 250;
const COPIES = 4;
const clock: Clock = () => new Date("2024-10-07T08:00:00Z");

let fake: FakeSlack;
let t: TestApp;
let database: Awaited<ReturnType<typeof testDatabase>>;

beforeAll(async () => {
  fake = await startFakeSlack();
  database = await testDatabase();
  await importPlanFile(database.db, LEGGIUNO_PLAN, { actor: "test", now: new Date("2024-01-15T10:00:00Z") });
  const at = new Date("2024-01-15T10:00:00Z");
  for (const id of USERS)
    await database.db.user.create({
      data: { slackUserId: id, role: "dipendente", createdAt: at, areas: { create: [{ areaCode: "03" }] } },
    });
  await database.db.user.create({ data: { slackUserId: SEG, role: "segretario", createdAt: at } });
  t = await startTestApp({ db: database.db, clock, fake });
});

afterAll(async () => {
  await t?.close();
  await fake?.close();
  await database?.dispose();
});

interface Event {
  body: string;
  responseId?: string;
  /** What this event adds to a count activity, to check the totals afterwards. */
  increment?: string;
}

function events(uniqueCodes: string[]): Event[] {
  const out: Event[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const responseId = `ev${i}`;
    if (i % 10 === 8 && uniqueCodes.length) {
      // "Segna completata" on a message: the trigger_id is the key.
      const code = uniqueCodes.shift()!;
      out.push({
        responseId,
        body: blockActionBody({
          userId: SEG,
          actionId: ACTION.activityComplete,
          value: { year: 2024, code },
          responseUrl: fake.responseUrl(responseId),
          triggerId: newTriggerId(),
        }),
      });
    } else if (i % 10 === 9) {
      // A report modal submitted: the view id is the key.
      out.push({
        body: viewSubmissionBody({
          userId: USERS[i % USERS.length]!,
          viewId: `VRETRY${String(i).padStart(5, "0")}`,
          callbackId: VIEW.report,
          privateMetadata: JSON.stringify({ year: 2024, code: "3.2.1" }),
          values: {
            [REPORT_BLOCK.status]: {
              [REPORT_ELEMENT.status]: { type: "static_select", selected_option: { value: "in_corso" } },
            },
            [REPORT_BLOCK.value]: { [REPORT_ELEMENT.value]: { type: "plain_text_input", value: String(i % 100) } },
            [REPORT_BLOCK.date]: { [REPORT_ELEMENT.date]: { type: "datepicker", selected_date: null } },
            [REPORT_BLOCK.note]: { [REPORT_ELEMENT.note]: { type: "plain_text_input", value: `invio ${i}` } },
            [REPORT_BLOCK.evidence]: { [REPORT_ELEMENT.evidence]: { type: "plain_text_input", value: null } },
          },
        }),
      });
    } else {
      const code = COUNTS[i % COUNTS.length]!;
      out.push({
        responseId,
        increment: code,
        body: slashCommandBody({
          text: `${code} +1`,
          userId: USERS[i % USERS.length]!,
          responseUrl: fake.responseUrl(responseId),
          triggerId: newTriggerId(),
        }),
      });
    }
  }
  return out;
}

describe("Slack retries (X-Slack-Retry-Num)", () => {
  it(`${EVENTS * COPIES} deliveries of ${EVENTS} events: exactly ${EVENTS} reports, zero duplicates`, async () => {
    const all = await database.db.activity.findMany({
      where: { archivedAt: null },
      select: { code: true, printedCode: true },
    });
    const unique = all
      .filter((a) => !a.code.startsWith("3.") && all.every((b) => b === a || b.printedCode !== a.code))
      .map((a) => a.code);
    const list = events(unique);

    let deliveries = 0;
    const statuses: number[] = [];
    for (let i = 0; i < list.length; i += 10) {
      await Promise.all(
        list.slice(i, i + 10).map(async (ev, k) => {
          const copies = Array.from({ length: COPIES }, (_, n) => (n === 0 ? {} : { retryNum: n }));
          if ((i + k) % 2 === 0) {
            statuses.push(...(await Promise.all(copies.map((o) => t.send(ev.body, o)))).map((r) => r.status));
          } else {
            for (const o of copies) statuses.push((await t.send(ev.body, o)).status);
          }
          deliveries += COPIES;
        }),
      );
    }
    await t.idle();

    expect(deliveries).toBe(1_000);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(await database.db.report.count()).toBe(EVENTS);
    const dupes = await database.db.$queryRawUnsafe<{ n: bigint }[]>(
      "SELECT COUNT(*) AS n FROM (SELECT idempotencyKey FROM Report GROUP BY idempotencyKey HAVING COUNT(*) > 1)",
    );
    expect(Number(dupes[0]!.n)).toBe(0);
    expect(await database.db.report.count({ where: { idempotencyKey: null } })).toBe(0);
    expect(await database.db.auditEntry.count({ where: { action: "report" } })).toBe(EVENTS);
    for (const code of COUNTS) {
      const expected = list.filter((e) => e.increment === code).length;
      const p = await database.db.progress.findUnique({
        where: { planYear_activityCode: { planYear: 2024, activityCode: code } },
      });
      expect(p?.count, code).toBe(expected);
    }
    // Every copy got an answer that is not the generic error.
    for (const ev of list.filter((e) => e.responseId)) {
      const replies = fake.responsesTo(ev.responseId!).map((r) => String((r.body as { text?: unknown }).text ?? ""));
      expect(replies.length, ev.responseId).toBeGreaterThanOrEqual(1);
      for (const text of replies) expect(text).not.toContain(GENERIC_ERROR_MESSAGE);
    }
  }, 120_000);
});
