import { WebClient } from "@slack/web-api";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.ts";
import { loadEnv } from "../../src/env.ts";
import type { JobDeps } from "../../src/jobs/digest.ts";
import { runOverdueQuestions } from "../../src/jobs/overdue.ts";
import { reminderThreshold, runReminders } from "../../src/jobs/reminders.ts";
import { createLogger } from "../../src/logger.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { ACTION } from "../../src/slack/ui/ids.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.ts";
import { TEST_BOT_TOKEN } from "../helpers/slack-http.ts";

type TestDb = Awaited<ReturnType<typeof testDatabase>>;
const AT = new Date("2024-01-10T09:00:00Z");

/** 08:00 in Rome on that day (the daily job's time; CEST until 27 October, CET after). */
function morning(day: string): Date {
  const offset = day < "2024-10-27" ? 2 : 1;
  return new Date(`${day}T${String(8 - offset).padStart(2, "0")}:00:00Z`);
}

let fake: FakeSlack;
let t: TestDb;
beforeAll(async () => {
  fake = await startFakeSlack();
});
afterAll(async () => fake.close());
beforeEach(async () => {
  fake.reset();
  t = await testDatabase();
  await importPlanFile(t.db, LEGGIUNO_PLAN, { actor: "test", now: AT });
  const users: [string, string, string[]][] = [
    ["U0HEAD03", "responsabile", ["03"]],
    ["U0HEAD04", "responsabile", ["04"]],
    ["U0HEAD05", "responsabile", ["05"]],
    ["U0STAFF03", "dipendente", ["03"]],
    ["U0SEGR", "segretario", []],
  ];
  for (const [id, role, areas] of users) {
    await t.db.user.create({ data: { slackUserId: id, role, createdAt: AT, areas: { create: areas.map((areaCode) => ({ areaCode })) } } });
  }
});
afterEach(async () => t.dispose());

function deps(db: Db, now: Date, env: Record<string, string> = {}): JobDeps {
  return {
    db,
    client: new WebClient(TEST_BOT_TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 0 } }),
    now,
    log: createLogger("silent"),
    env: loadEnv({ LOG_LEVEL: "silent", ...env }),
  };
}

/** [user, activity code] of every DM sent so far, from the buttons' values. */
function dms(): [string, string][] {
  return fake.callsTo("chat.postMessage").map((c) => {
    const actions = (c.body.blocks as { type: string; elements?: { value: string }[] }[]).find((b) => b.type === "actions")!;
    return [String(c.body.channel), (JSON.parse(actions.elements![0]!.value) as { code: string }).code];
  });
}

describe("reminder thresholds", () => {
  it("picks the smallest threshold not below the days left", () => {
    expect([8, 7, 6, 2, 1, 0, -1].map((d) => reminderThreshold(d, [7, 1]))).toEqual([null, 7, 7, 7, 1, 1, null]);
    expect(reminderThreshold(3, [30, 14, 7, 3])).toBe(3);
    expect(reminderThreshold(3, [])).toBeNull();
  });
});

describe("reminders before deadlines", () => {
  it("sends each threshold once, to the area head and to whoever last reported, with the two buttons", async () => {
    // 3.1.3 (area 03) is due on 31 October 2024; a colleague reported on it last.
    await t.db.progress.create({ data: { planYear: 2024, activityCode: "3.1.3", status: "in_corso", percent: 40, lastReporterId: "U0STAFF03", updatedAt: AT } });
    const r7 = await runReminders(deps(t.db, morning("2024-10-24")));
    expect(r7.failed).toEqual([]);
    expect(dms().filter(([, code]) => code === "3.1.3").sort()).toEqual([
      ["U0HEAD03", "3.1.3"],
      ["U0STAFF03", "3.1.3"],
    ]);
    const msg = fake.callsTo("chat.postMessage")[0]!.body;
    expect(String(msg.text)).toContain("scade tra 7 giorni (31/10/2024)");
    const buttons = (msg.blocks as { type: string; elements?: { action_id: string; value: string; text: { text: string } }[] }[]).find((b) => b.type === "actions")!.elements!;
    expect(buttons.map((b) => [b.text.text, b.action_id, JSON.parse(b.value)])).toEqual([
      ["Segna completata", ACTION.activityComplete, { year: 2024, code: "3.1.3" }],
      ["Aggiorna", ACTION.activityUpdate, { year: 2024, code: "3.1.3" }],
    ]);

    // The same day again, and the days in between: nothing new.
    for (const day of ["2024-10-24", "2024-10-25", "2024-10-29"]) await runReminders(deps(t.db, morning(day)));
    expect(dms().filter(([, c]) => c === "3.1.3")).toHaveLength(2);

    // One day before: the 1-day reminder, once.
    await runReminders(deps(t.db, morning("2024-10-30")));
    await runReminders(deps(t.db, morning("2024-10-30")));
    await runReminders(deps(t.db, morning("2024-10-31")));
    const all = dms().filter(([, c]) => c === "3.1.3");
    expect(all).toHaveLength(4);
    expect(fake.callsTo("chat.postMessage").filter((c) => String(c.body.text).includes("scade domani"))).toHaveLength(2);
    const keys = (await t.db.delivery.findMany({ where: { key: { contains: ":3.1.3:" } }, orderBy: { key: "asc" } })).map((d) => [d.key, d.status]);
    expect(keys).toEqual([
      ["reminder:2024:3.1.3:2024-10-31:1:U0HEAD03", "sent"],
      ["reminder:2024:3.1.3:2024-10-31:1:U0STAFF03", "sent"],
      ["reminder:2024:3.1.3:2024-10-31:7:U0HEAD03", "sent"],
      ["reminder:2024:3.1.3:2024-10-31:7:U0STAFF03", "sent"],
    ]);
  });

  it("writes to the last reporter only when a registered Slack user reported", async () => {
    await t.db.progress.create({ data: { planYear: 2024, activityCode: "3.1.3", status: "in_corso", lastReporterId: "cli:mario", updatedAt: AT } });
    await t.db.progress.create({ data: { planYear: 2024, activityCode: "E3.3", status: "in_corso", lastReporterId: "U0GONE", updatedAt: AT } });
    await runReminders(deps(t.db, morning("2024-10-24")));
    expect(dms().filter(([, c]) => c === "3.1.3")).toEqual([["U0HEAD03", "3.1.3"]]);
    await runReminders(deps(t.db, morning("2024-12-30")));
    expect(dms().filter(([, c]) => c === "E3.3").map(([u]) => u)).not.toContain("U0GONE");
  });

  it("catches up a threshold missed while the bot was down, without sending a stale one", async () => {
    await runReminders(deps(t.db, morning("2024-10-27"))); // 4 days before 3.1.3: the 7-day reminder
    await runReminders(deps(t.db, morning("2024-10-31"))); // due today: the 1-day one
    const texts = fake.callsTo("chat.postMessage").filter((c) => c.body.channel === "U0HEAD03").map((c) => String(c.body.text));
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain("scade tra 4 giorni");
    expect(texts[1]).toContain("scade oggi");
  });

  it("follows REMINDER_DAYS, skips completed activities, and reminds again for a deadline moved by hand", async () => {
    const env = { REMINDER_DAYS: "3" };
    await runReminders(deps(t.db, morning("2024-10-24"), env)); // 7 days before: not a threshold now
    expect(dms().filter(([, c]) => c === "3.1.3")).toEqual([]);
    await runReminders(deps(t.db, morning("2024-10-28"), env));
    expect(dms().filter(([, c]) => c === "3.1.3")).toEqual([["U0HEAD03", "3.1.3"]]);

    await t.db.manualDeadline.create({ data: { planYear: 2024, activityCode: "3.1.3", deadline: "2024-11-20", setBy: "test", setAt: AT } });
    await runReminders(deps(t.db, morning("2024-11-18"), env));
    expect(dms().filter(([, c]) => c === "3.1.3")).toHaveLength(2);

    await t.db.manualDeadline.update({ where: { planYear_activityCode: { planYear: 2024, activityCode: "3.1.3" } }, data: { deadline: "2024-11-22" } });
    await t.db.progress.create({ data: { planYear: 2024, activityCode: "3.1.3", status: "completata", updatedAt: AT } });
    await runReminders(deps(t.db, morning("2024-11-20"), env));
    expect(dms().filter(([, c]) => c === "3.1.3")).toHaveLength(2);
  });

  it("reminds every head of a Comune-wide activity that involves all areas", async () => {
    // E3.3 «Tutte EQ», due 31 December 2024.
    await runReminders(deps(t.db, morning("2024-12-30")));
    expect(dms().filter(([, c]) => c === "E3.3").map(([u]) => u).sort()).toEqual(["U0HEAD03", "U0HEAD04", "U0HEAD05"]);
  });

  it("a DM that fails is recorded and sent on the next run, the others go", async () => {
    fake.override("chat.postMessage", (call) => (call.body.channel === "U0HEAD03" ? { body: { ok: false, error: "user_not_found" } } : undefined));
    await t.db.progress.create({ data: { planYear: 2024, activityCode: "3.1.3", status: "in_corso", lastReporterId: "U0STAFF03", updatedAt: AT } });
    const first = await runReminders(deps(t.db, morning("2024-10-24")));
    expect(first.failed).toEqual(["reminder:2024:3.1.3:2024-10-31:7:U0HEAD03"]);
    expect(first.sent).toContain("reminder:2024:3.1.3:2024-10-31:7:U0STAFF03");
    fake.reset();
    const next = await runReminders(deps(t.db, morning("2024-10-25")));
    expect(next.sent).toEqual(["reminder:2024:3.1.3:2024-10-31:7:U0HEAD03"]);
  });
});

describe("asking the cause of a delay", () => {
  it("asks the head once when an activity becomes overdue, with a Spiega il ritardo button", async () => {
    // 3.1.4 was due on 15 September 2024.
    await runOverdueQuestions(deps(t.db, morning("2024-09-15")));
    expect(fake.callsTo("chat.postMessage")).toHaveLength(0);
    await runOverdueQuestions(deps(t.db, morning("2024-09-16")));
    await runOverdueQuestions(deps(t.db, morning("2024-09-17")));
    const asked = fake.callsTo("chat.postMessage");
    expect(asked).toHaveLength(1);
    expect(asked[0]!.body.channel).toBe("U0HEAD03");
    expect(String(asked[0]!.body.text)).toContain("L'attività 3.1.4 doveva concludersi entro il 15/09/2024");
    const button = (asked[0]!.body.blocks as { type: string; elements?: { action_id: string; value: string; text: { text: string } }[] }[]).find((b) => b.type === "actions")!.elements![0]!;
    expect([button.text.text, button.action_id, JSON.parse(button.value)]).toEqual(["Spiega il ritardo", ACTION.delayExplain, { year: 2024, code: "3.1.4" }]);
    expect(await t.db.delivery.findMany({ select: { key: true, status: true } })).toEqual([{ key: "overdue:2024:3.1.4:2024-09-15:U0HEAD03", status: "sent" }]);
  });

  it("does not ask when the cause is already recorded, nor about delays older than two weeks", async () => {
    await t.db.delayExplanation.create({
      data: { planYear: 2024, activityCode: "3.1.4", cause: "altro", explanation: "già spiegato", userId: "U0HEAD03", createdAt: new Date("2024-09-15T12:00:00Z") },
    });
    await runOverdueQuestions(deps(t.db, morning("2024-09-16")));
    expect(fake.callsTo("chat.postMessage")).toHaveLength(0);
    // On 7 October: 5.2.4 and the Comune-wide E2.1 (30 September, Polizia Locale) are asked;
    // 3.3.1 (31 March) is left to the digest; 1.1.2's area has no head registered.
    await runOverdueQuestions(deps(t.db, morning("2024-10-07")));
    expect(fake.callsTo("chat.postMessage").map((c) => [c.body.channel, String(c.body.text).slice(0, 20)])).toEqual([
      ["U0HEAD05", "L'attività 5.2.4 dov"],
      ["U0HEAD04", "L'attività E2.1 dove"],
    ]);
  });
});
