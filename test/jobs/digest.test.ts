import { spawn } from "node:child_process";
import path from "node:path";
import { WebClient } from "@slack/web-api";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../src/db/client.ts";
import { loadEnv } from "../../src/env.ts";
import { claimDelivery, DELIVERY_LEASE_MS } from "../../src/store/deliveries.ts";
import { digestKey, runDigest, runDigestCatchUp, type JobDeps } from "../../src/jobs/digest.ts";
import { createLogger } from "../../src/logger.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { WEB_API_RETRY } from "../../src/slack/app.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.ts";
import { TEST_BOT_TOKEN } from "../helpers/slack-http.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const CHILD = path.join(ROOT, "test/jobs/helpers/digest-child.ts");

/** Monday 7 October 2024, 08:30 in Rome (CEST): DIGEST_CRON's default time. */
const MONDAY_0830 = new Date("2024-10-07T06:30:00Z");
const WEEK = "2024-W41";
const CHANNELS: Record<string, string> = { "02": "C0AREA02", "03": "C0AREA03", "04": "C0AREA04" };

type TestDb = Awaited<ReturnType<typeof testDatabase>>;

let fake: FakeSlack;
beforeAll(async () => {
  fake = await startFakeSlack();
});
afterAll(async () => fake.close());

let t: TestDb;
beforeEach(async () => {
  fake.reset();
  t = await testDatabase();
  await importPlanFile(t.db, LEGGIUNO_PLAN, { actor: "test", now: new Date("2024-01-10T09:00:00Z") });
  for (const [areaCode, channelId] of Object.entries(CHANNELS)) {
    await t.db.areaChannel.create({ data: { areaCode, channelId, updatedAt: new Date("2024-01-10T09:00:00Z") } });
  }
});
afterEach(async () => t.dispose());

function client(options: ConstructorParameters<typeof WebClient>[1] = {}): WebClient {
  return new WebClient(TEST_BOT_TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 0 }, ...options });
}

function deps(db: Db, now: Date, over: Partial<JobDeps> = {}): JobDeps {
  return { db, client: client(), now, log: createLogger("silent"), env: loadEnv({ LOG_LEVEL: "silent" }), ...over };
}

const postsTo = (channel: string) => fake.callsTo("chat.postMessage").filter((c) => c.body.channel === channel);
const postedChannels = () =>
  fake
    .callsTo("chat.postMessage")
    .map((c) => String(c.body.channel))
    .sort();

async function deliveries(db: Db) {
  return db.delivery.findMany({
    orderBy: { key: "asc" },
    select: { key: true, status: true, attempts: true, target: true, lastError: true, messageTs: true },
  });
}

describe("weekly digest, exactly once", () => {
  it("posts each area's digest to its channel, with blocks, and records it under (area, ISO week)", async () => {
    const r = await runDigest(deps(t.db, MONDAY_0830));
    expect(r.week).toBe(WEEK);
    expect(r.posted.sort()).toEqual(["02", "03", "04"]);
    expect(postedChannels()).toEqual(["C0AREA02", "C0AREA03", "C0AREA04"]);
    const tech = postsTo("C0AREA03")[0]!.body;
    expect(String(tech.text)).toContain("3 in ritardo");
    expect(JSON.stringify(tech.blocks)).toContain("3.3.1");
    const rows = await deliveries(t.db);
    expect(rows.map((d) => [d.key, d.status, d.attempts, d.target])).toEqual([
      [digestKey(2024, "02", WEEK), "sent", 1, "C0AREA02"],
      [digestKey(2024, "03", WEEK), "sent", 1, "C0AREA03"],
      [digestKey(2024, "04", WEEK), "sent", 1, "C0AREA04"],
    ]);
    expect(rows.every((d) => d.messageTs !== null)).toBe(true);
  });

  it("posts nothing again for the same week after a restart, and posts again the next week", async () => {
    await runDigest(deps(t.db, MONDAY_0830));
    await t.close();
    const reopened = await openDatabase(t.url); // the process restarts
    try {
      const again = await runDigest(deps(reopened.db, new Date("2024-10-10T15:00:00Z")));
      expect(again.posted).toEqual([]);
      expect(again.settled.sort()).toEqual(["02", "03", "04"]);
      expect(fake.callsTo("chat.postMessage")).toHaveLength(3);
      const next = await runDigest(deps(reopened.db, new Date("2024-10-14T06:30:00Z")));
      expect(next.week).toBe("2024-W42");
      expect(next.posted.sort()).toEqual(["02", "03", "04"]);
      expect(fake.callsTo("chat.postMessage")).toHaveLength(6);
    } finally {
      await reopened.close();
      t = { ...t, close: async () => {}, dispose: t.dispose } as TestDb;
    }
  });

  it("posts once when two connections of the same process run it at the same time", async () => {
    const a = await openDatabase(t.url);
    const b = await openDatabase(t.url);
    try {
      const [ra, rb] = await Promise.all([runDigest(deps(a.db, MONDAY_0830)), runDigest(deps(b.db, MONDAY_0830))]);
      expect([...ra.posted, ...rb.posted].sort()).toEqual(["02", "03", "04"]);
      expect([...ra.settled, ...rb.settled].sort()).toEqual(["02", "03", "04"]);
      expect(postedChannels()).toEqual(["C0AREA02", "C0AREA03", "C0AREA04"]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("posts once when two copies of the bot, each with its own connection, run it at the same instant", async () => {
    await t.close(); // the copies below are the only connections
    const startAt = Date.now() + 4_000;
    const file = t.file;
    const runChild = () =>
      new Promise<{ posted: string[]; settled: string[]; failed: string[] }>((resolve, reject) => {
        const p = spawn(
          process.execPath,
          ["--import", "tsx", CHILD, file, fake.url, MONDAY_0830.toISOString(), String(startAt)],
          {
            cwd: ROOT,
            stdio: ["ignore", "pipe", "pipe"],
          },
        );
        let out = "";
        let err = "";
        p.stdout.on("data", (d: Buffer) => (out += d.toString()));
        p.stderr.on("data", (d: Buffer) => (err += d.toString()));
        p.on("exit", (code) =>
          code === 0 ? resolve(JSON.parse(out.trim().split("\n").at(-1)!)) : reject(new Error(`child ${code}: ${err}`)),
        );
      });
    const [a, b] = await Promise.all([runChild(), runChild()]);
    // Each area posted by exactly one of the two; the other saw the claim.
    expect([...a.posted, ...b.posted].sort()).toEqual(["02", "03", "04"]);
    expect([...a.settled, ...b.settled].sort()).toEqual(["02", "03", "04"]);
    expect(postedChannels()).toEqual(["C0AREA02", "C0AREA03", "C0AREA04"]);
    const reopened = await openDatabase(t.url);
    try {
      expect((await deliveries(reopened.db)).map((d) => [d.status, d.attempts])).toEqual([
        ["sent", 1],
        ["sent", 1],
        ["sent", 1],
      ]);
    } finally {
      await reopened.close();
      t = { ...t, close: async () => {}, dispose: t.dispose } as TestDb;
    }
  }, 30_000);

  it("a channel that fails does not stop the others, and is retried at the next run", async () => {
    fake.override("chat.postMessage", (call) =>
      call.body.channel === "C0AREA03" ? { body: { ok: false, error: "channel_not_found" } } : undefined,
    );
    const first = await runDigest(deps(t.db, MONDAY_0830));
    expect(first.failed).toEqual(["03"]);
    expect(first.posted.sort()).toEqual(["02", "04"]);
    const failed = await t.db.delivery.findUniqueOrThrow({ where: { key: digestKey(2024, "03", WEEK) } });
    expect([failed.status, failed.lastError, failed.attempts]).toEqual(["failed", "channel_not_found", 1]);

    fake.reset(); // the channel is fixed
    // The hourly retry posts only what was attempted and not finished.
    const retry = await runDigest(deps(t.db, new Date("2024-10-07T07:15:00Z")), { retryOnly: true });
    expect(retry.posted).toEqual(["03"]);
    expect(postedChannels()).toEqual(["C0AREA03"]);
    const row = await t.db.delivery.findUniqueOrThrow({ where: { key: digestKey(2024, "03", WEEK) } });
    expect([row.status, row.attempts]).toEqual(["sent", 2]);
  });

  it("the hourly retry never makes a first post", async () => {
    const r = await runDigest(deps(t.db, MONDAY_0830), { retryOnly: true });
    expect(r.posted).toEqual([]);
    expect(fake.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("takes over a claim left by a crashed process only after the lease (at most one duplicate)", async () => {
    // A process claimed area 03 at 08:30 and died before posting or marking.
    const crashed = await claimDelivery(t.db, {
      key: digestKey(2024, "03", WEEK),
      kind: "digest",
      target: "C0AREA03",
      now: MONDAY_0830,
    });
    expect(crashed).toEqual({ key: digestKey(2024, "03", WEEK), attempts: 1 });
    const soon = await runDigest(deps(t.db, new Date(MONDAY_0830.getTime() + 5 * 60_000)));
    expect(soon.posted.sort()).toEqual(["02", "04"]);
    expect(soon.settled).toEqual(["03"]);
    const later = await runDigest(deps(t.db, new Date(MONDAY_0830.getTime() + DELIVERY_LEASE_MS + 60_000)));
    expect(later.posted).toEqual(["03"]);
    expect(postsTo("C0AREA03")).toHaveLength(1);
    expect((await t.db.delivery.findUniqueOrThrow({ where: { key: digestKey(2024, "03", WEEK) } })).attempts).toBe(2);
  });

  it("honours HTTP 429 Retry-After: waits as told, then posts once", async () => {
    fake.failNext("chat.postMessage", { status: 429, headers: { "retry-after": "7" } });
    const waits: number[] = [];
    const r = await runDigest(
      deps(t.db, MONDAY_0830, {
        client: client({ rejectRateLimitedCalls: true }),
        sleep: async (ms) => void waits.push(ms),
      }),
    );
    expect(waits).toEqual([7_000]);
    expect(r.posted.sort()).toEqual(["02", "03", "04"]);
    expect(r.failed).toEqual([]);
    // The first channel was asked twice (429, then accepted); every channel got one message.
    expect(fake.callsTo("chat.postMessage")).toHaveLength(4);
    expect(fake.callsTo("chat.postMessage")[0]!.body.channel).toBe(fake.callsTo("chat.postMessage")[1]!.body.channel);
    expect((await deliveries(t.db)).map((d) => d.status)).toEqual(["sent", "sent", "sent"]);
  });

  it("with the app's own client, the Web API client waits out the 429 itself", async () => {
    fake.failNext("chat.postMessage", { status: 429, headers: { "retry-after": "1" } });
    const r = await runDigest(deps(t.db, MONDAY_0830, { client: client({ retryConfig: { ...WEB_API_RETRY } }) }));
    expect(r.posted.sort()).toEqual(["02", "03", "04"]);
    const calls = fake.callsTo("chat.postMessage");
    expect(calls).toHaveLength(4);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(900); // Retry-After: 1 second
  });

  it("a quiet week gets one positive line, or nothing with DIGEST_EMPTY_WEEK=niente", async () => {
    // Area 02's two late activities done: nothing to flag on 7 October.
    for (const code of ["2.1.1", "2.1.3"]) {
      await t.db.progress.create({
        data: { planYear: 2024, activityCode: code, status: "completata", updatedAt: MONDAY_0830 },
      });
    }
    await runDigest(deps(t.db, MONDAY_0830));
    const quiet = postsTo("C0AREA02");
    expect(quiet).toHaveLength(1);
    expect(String(quiet[0]!.body.text)).toMatch(
      /^02\. Area Economico Finanziaria: niente da segnalare questa settimana/,
    );
    expect((quiet[0]!.body.blocks as unknown[]).length).toBe(1);

    fake.reset();
    const silent = await runDigest(
      deps(t.db, new Date("2024-10-14T06:30:00Z"), { env: loadEnv({ DIGEST_EMPTY_WEEK: "niente" }) }),
    );
    expect(silent.skipped).toEqual(["02"]);
    expect(postsTo("C0AREA02")).toHaveLength(0);
    expect(postsTo("C0AREA03")).toHaveLength(1);
    const row = await t.db.delivery.findUniqueOrThrow({ where: { key: digestKey(2024, "02", "2024-W42") } });
    expect(row.status).toBe("skipped");
    // A later run the same week stays silent too.
    const again = await runDigest(
      deps(t.db, new Date("2024-10-16T10:00:00Z"), { env: loadEnv({ DIGEST_EMPTY_WEEK: "niente" }) }),
    );
    expect(again.posted).toEqual([]);
  });
});

describe("catch-up at start", () => {
  it("posts this week's digest when the bot was down at the scheduled time", async () => {
    const r = await runDigestCatchUp(deps(t.db, new Date("2024-10-09T08:00:00Z"))); // Wednesday
    expect(r?.week).toBe(WEEK);
    expect(r?.posted.sort()).toEqual(["02", "03", "04"]);
  });

  it("does nothing before this week's scheduled time, and never posts an earlier week", async () => {
    // Monday 14 October, 07:00 in Rome: week 42's time has not come, week 41 was never posted.
    expect(await runDigestCatchUp(deps(t.db, new Date("2024-10-14T05:00:00Z")))).toBeNull();
    // 08:29 Rome on Monday 7 October: a minute early.
    expect(await runDigestCatchUp(deps(t.db, new Date("2024-10-07T06:29:00Z")))).toBeNull();
    expect(fake.callsTo("chat.postMessage")).toHaveLength(0);
    expect(await t.db.delivery.count()).toBe(0);
  });

  it("does not post twice when the digest already went out this week", async () => {
    await runDigest(deps(t.db, MONDAY_0830));
    const r = await runDigestCatchUp(deps(t.db, new Date("2024-10-08T09:00:00Z")));
    expect(r?.posted).toEqual([]);
    expect(fake.callsTo("chat.postMessage")).toHaveLength(3);
  });

  it("follows DIGEST_CRON in Rome time, across the change to winter time", async () => {
    // Friday 17:00 in Rome; on 8 November 2024 Rome is UTC+1.
    const env = loadEnv({ DIGEST_CRON: "0 17 * * 5" });
    expect(await runDigestCatchUp(deps(t.db, new Date("2024-11-08T15:59:00Z"), { env }))).toBeNull();
    expect((await runDigestCatchUp(deps(t.db, new Date("2024-11-08T16:00:00Z"), { env })))?.week).toBe("2024-W45");
  });

  it("a Friday digest whose Friday is a holiday (1 November) goes out on the Thursday before", async () => {
    const env = loadEnv({ DIGEST_CRON: "0 17 * * 5" });
    expect(await runDigestCatchUp(deps(t.db, new Date("2024-10-31T15:59:00Z"), { env }))).toBeNull();
    expect((await runDigestCatchUp(deps(t.db, new Date("2024-10-31T16:00:00Z"), { env })))?.posted.sort()).toEqual([
      "02",
      "03",
      "04",
    ]);
  });
});
