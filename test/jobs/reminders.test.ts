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
    await t.db.user.create({
      data: { slackUserId: id, role, createdAt: AT, areas: { create: areas.map((areaCode) => ({ areaCode })) } },
    });
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

type Buttons = { type: string; elements?: { action_id: string; value: string; text: { text: string } }[] }[];

/** Every item of every DM sent so far (a day's message bundles several), from the buttons' values. */
function items(): { user: string; code: string; kind: "reminder" | "question" }[] {
  return fake.callsTo("chat.postMessage").flatMap((c) =>
    (c.body.blocks as Buttons)
      .filter((b) => b.type === "actions")
      .map((b) => ({
        user: String(c.body.channel),
        code: (JSON.parse(b.elements![0]!.value) as { code: string }).code,
        kind: b.elements![0]!.action_id === ACTION.delayExplain ? ("question" as const) : ("reminder" as const),
      })),
  );
}

/** [user, activity code] of every reminder sent so far. */
function dms(): [string, string][] {
  return items()
    .filter((i) => i.kind === "reminder")
    .map((i) => [i.user, i.code]);
}

/** Messages to one user whose text mentions the activity. */
function textsFor(user: string, code: string): string[] {
  return fake
    .callsTo("chat.postMessage")
    .filter((c) => c.body.channel === user)
    .map((c) => String(c.body.text))
    .filter((t) => t.includes(`attività ${code} `));
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
    await t.db.progress.create({
      data: {
        planYear: 2024,
        activityCode: "3.1.3",
        status: "in_corso",
        percent: 40,
        lastReporterId: "U0STAFF03",
        updatedAt: AT,
      },
    });
    const r7 = await runReminders(deps(t.db, morning("2024-10-24")));
    expect(r7.failed).toEqual([]);
    expect(
      dms()
        .filter(([, code]) => code === "3.1.3")
        .sort(),
    ).toEqual([
      ["U0HEAD03", "3.1.3"],
      ["U0STAFF03", "3.1.3"],
    ]);
    // Thursday 24 October: 5 working days to Thursday 31 (1 November is after it), within the 7-day threshold.
    const msg = fake.callsTo("chat.postMessage").find((c) => c.body.channel === "U0STAFF03")!.body;
    expect(String(msg.text)).toContain("scade tra 7 giorni (5 lavorativi) (31/10/2024)");
    const buttons = (msg.blocks as Buttons).find((b) => b.type === "actions")!.elements!;
    expect(buttons.map((b) => [b.text.text, b.action_id, JSON.parse(b.value)])).toEqual([
      ["Segna completata", ACTION.activityComplete, { year: 2024, code: "3.1.3" }],
      ["Aggiorna", ACTION.activityUpdate, { year: 2024, code: "3.1.3" }],
      ["Ricordamelo tra 3 giorni", ACTION.snooze, { year: 2024, code: "3.1.3", kind: "reminder" }],
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
    expect(
      fake.callsTo("chat.postMessage").filter((c) => String(c.body.text).includes("3.1.3 scade domani")),
    ).toHaveLength(2);
    const keys = (
      await t.db.delivery.findMany({ where: { key: { contains: ":3.1.3:" } }, orderBy: { key: "asc" } })
    ).map((d) => [d.key, d.status]);
    expect(keys).toEqual([
      ["reminder:2024:3.1.3:2024-10-31:1:U0HEAD03", "sent"],
      ["reminder:2024:3.1.3:2024-10-31:1:U0STAFF03", "sent"],
      ["reminder:2024:3.1.3:2024-10-31:7:U0HEAD03", "sent"],
      ["reminder:2024:3.1.3:2024-10-31:7:U0STAFF03", "sent"],
    ]);
  });

  it("writes to the last reporter only when a registered Slack user reported", async () => {
    await t.db.progress.create({
      data: { planYear: 2024, activityCode: "3.1.3", status: "in_corso", lastReporterId: "cli:mario", updatedAt: AT },
    });
    await t.db.progress.create({
      data: { planYear: 2024, activityCode: "E3.3", status: "in_corso", lastReporterId: "U0GONE", updatedAt: AT },
    });
    await runReminders(deps(t.db, morning("2024-10-24")));
    expect(dms().filter(([, c]) => c === "3.1.3")).toEqual([["U0HEAD03", "3.1.3"]]);
    await runReminders(deps(t.db, morning("2024-12-30")));
    expect(
      dms()
        .filter(([, c]) => c === "E3.3")
        .map(([u]) => u),
    ).not.toContain("U0GONE");
  });

  it("catches up a threshold missed while the bot was down, without sending a stale one", async () => {
    await runReminders(deps(t.db, morning("2024-10-28"))); // 3 working days before 3.1.3: the 7-day reminder
    await runReminders(deps(t.db, morning("2024-10-31"))); // due today: the 1-day one
    const texts = textsFor("U0HEAD03", "3.1.3");
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain("3.1.3 scade tra 3 giorni");
    expect(texts[1]).toContain("3.1.3 scade oggi");
  });

  it("follows REMINDER_DAYS, skips completed activities, and reminds again for a deadline moved by hand", async () => {
    const env = { REMINDER_DAYS: "3" };
    await runReminders(deps(t.db, morning("2024-10-24"), env)); // 7 days before: not a threshold now
    expect(dms().filter(([, c]) => c === "3.1.3")).toEqual([]);
    await runReminders(deps(t.db, morning("2024-10-28"), env));
    expect(dms().filter(([, c]) => c === "3.1.3")).toEqual([["U0HEAD03", "3.1.3"]]);

    await t.db.manualDeadline.create({
      data: { planYear: 2024, activityCode: "3.1.3", deadline: "2024-11-20", setBy: "test", setAt: AT },
    });
    await runReminders(deps(t.db, morning("2024-11-18"), env));
    expect(dms().filter(([, c]) => c === "3.1.3")).toHaveLength(2);

    await t.db.manualDeadline.update({
      where: { planYear_activityCode: { planYear: 2024, activityCode: "3.1.3" } },
      data: { deadline: "2024-11-22" },
    });
    await t.db.progress.create({
      data: { planYear: 2024, activityCode: "3.1.3", status: "completata", updatedAt: AT },
    });
    await runReminders(deps(t.db, morning("2024-11-20"), env));
    expect(dms().filter(([, c]) => c === "3.1.3")).toHaveLength(2);
  });

  it("reminds every head of a Comune-wide activity that involves all areas", async () => {
    // E3.3 «Tutte EQ», due 31 December 2024.
    await runReminders(deps(t.db, morning("2024-12-30")));
    expect(
      dms()
        .filter(([, c]) => c === "E3.3")
        .map(([u]) => u)
        .sort(),
    ).toEqual(["U0HEAD03", "U0HEAD04", "U0HEAD05"]);
  });

  it("a DM that fails is recorded and sent on the next run, the others go", async () => {
    fake.override("chat.postMessage", (call) =>
      call.body.channel === "U0HEAD03" ? { body: { ok: false, error: "user_not_found" } } : undefined,
    );
    await t.db.progress.create({
      data: { planYear: 2024, activityCode: "3.1.3", status: "in_corso", lastReporterId: "U0STAFF03", updatedAt: AT },
    });
    const first = await runReminders(deps(t.db, morning("2024-10-24")));
    expect(first.failed).toContain("reminder:2024:3.1.3:2024-10-31:7:U0HEAD03");
    expect(first.failed.every((k) => k.endsWith(":U0HEAD03"))).toBe(true);
    expect(first.sent).toContain("reminder:2024:3.1.3:2024-10-31:7:U0STAFF03");
    expect((await t.db.delivery.findUniqueOrThrow({ where: { key: "dm:2024-10-24:U0HEAD03" } })).status).toBe("failed");
    fake.reset();
    const next = await runReminders(deps(t.db, morning("2024-10-25")));
    expect(next.sent).toContain("reminder:2024:3.1.3:2024-10-31:7:U0HEAD03");
    expect(next.sent.some((k) => k.endsWith(":U0STAFF03"))).toBe(false);
  });
});

describe("asking the cause of a delay", () => {
  it("asks the head once when an activity becomes overdue, with a Spiega il ritardo button", async () => {
    // 3.1.4 was due on Sunday 15 September 2024; the bot writes on working days only.
    await runOverdueQuestions(deps(t.db, morning("2024-09-13")));
    expect(items().filter((i) => i.kind === "question")).toEqual([]);
    await runOverdueQuestions(deps(t.db, morning("2024-09-15")));
    expect(fake.callsTo("chat.postMessage")).toHaveLength(1); // only Friday's message: nothing on Sunday
    await runOverdueQuestions(deps(t.db, morning("2024-09-16")));
    await runOverdueQuestions(deps(t.db, morning("2024-09-17")));
    expect(items().filter((i) => i.kind === "question")).toEqual([
      { user: "U0HEAD03", code: "3.1.4", kind: "question" },
    ]);
    const asked = fake
      .callsTo("chat.postMessage")
      .filter((c) => String(c.body.text).includes("L'attività 3.1.4 doveva concludersi entro il 15/09/2024"));
    expect(asked).toHaveLength(1);
    expect(asked[0]!.body.channel).toBe("U0HEAD03");
    const block = (asked[0]!.body.blocks as Buttons).find(
      (b) => b.type === "actions" && b.elements![0]!.action_id === ACTION.delayExplain,
    )!;
    const button = block.elements![0]!;
    expect([button.text.text, button.action_id, JSON.parse(button.value)]).toEqual([
      "Spiega il ritardo",
      ACTION.delayExplain,
      { year: 2024, code: "3.1.4" },
    ]);
    const rows = await t.db.delivery.findMany({
      where: { key: { startsWith: "overdue:" } },
      select: { key: true, status: true },
    });
    expect(rows).toEqual([{ key: "overdue:2024:3.1.4:2024-09-15:U0HEAD03", status: "sent" }]);
    // One message a day per person, whatever it carries.
    const perDay = await t.db.delivery.findMany({ where: { key: { startsWith: "dm:" } }, select: { key: true } });
    expect(perDay.map((r) => r.key).sort()).toEqual(["dm:2024-09-13:U0HEAD03", "dm:2024-09-16:U0HEAD03"]);
  });

  it("does not ask when the cause is already recorded, nor about delays older than two weeks", async () => {
    await t.db.delayExplanation.create({
      data: {
        planYear: 2024,
        activityCode: "3.1.4",
        cause: "altro",
        explanation: "già spiegato",
        userId: "U0HEAD03",
        createdAt: new Date("2024-09-15T12:00:00Z"),
      },
    });
    await runOverdueQuestions(deps(t.db, morning("2024-09-16")));
    expect(items().filter((i) => i.kind === "question")).toEqual([]);
    // On 7 October: 5.2.4 and the Comune-wide E2.1 (30 September, Polizia Locale) are asked;
    // 3.3.1 (31 March) is left to the digest; 1.1.2's area has no head registered.
    await runOverdueQuestions(deps(t.db, morning("2024-10-07")));
    expect(
      items()
        .filter((i) => i.kind === "question")
        .map((i) => [i.user, i.code]),
    ).toEqual([
      ["U0HEAD04", "E2.1"],
      ["U0HEAD05", "5.2.4"],
    ]);
  });
});
