import { spawn } from "node:child_process";
import path from "node:path";
import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { loadEnv } from "../../src/env.ts";
import { runDigest, runDigestCatchUp } from "../../src/jobs/digest.ts";
import { createLogger } from "../../src/logger.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.ts";
import { TEST_BOT_TOKEN } from "../helpers/slack-http.ts";

/**
 * The weekly digest (default Monday 08:30, Rome) while the bot restarts again and again
 * around that time: each restart is a new database connection that runs what the
 * scheduler runs at start (the catch-up) and, at the scheduled minute or the hourly retry,
 * the cron job too. Some restarts overlap (two or three copies of the bot for a moment:
 * those run as separate processes, as they would be). One post fails on its first
 * attempt. Every area must get exactly one digest for the week.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const CHILD = path.join(import.meta.dirname, "helpers", "restart-child.ts");

const CHANNELS: Record<string, string> = {
  "01": "C0DIG01",
  "02": "C0DIG02",
  "03": "C0DIG03",
  "04": "C0DIG04",
  "05": "C0DIG05",
};
const FLAKY = "C0DIG04";

type Run = "catch-up" | "cron" | "retry";
interface Restart {
  at: string; // UTC instant; Rome is UTC+2 in October
  runs: Run[];
}

/** 20 process starts: before the time, at it (three at once), just after, later that week. */
const RESTARTS: Restart[][] = [
  [{ at: "2024-10-07T06:00:00Z", runs: ["catch-up"] }],
  [{ at: "2024-10-07T06:20:00Z", runs: ["catch-up"] }],
  [{ at: "2024-10-07T06:29:59Z", runs: ["catch-up"] }],
  [
    { at: "2024-10-07T06:30:00Z", runs: ["catch-up", "cron"] },
    { at: "2024-10-07T06:30:00Z", runs: ["cron", "catch-up"] },
    { at: "2024-10-07T06:30:01Z", runs: ["catch-up"] },
  ],
  [{ at: "2024-10-07T06:30:30Z", runs: ["catch-up"] }],
  [{ at: "2024-10-07T06:31:00Z", runs: ["catch-up"] }],
  [
    { at: "2024-10-07T06:35:00Z", runs: ["catch-up"] },
    { at: "2024-10-07T06:35:00Z", runs: ["catch-up"] },
  ],
  [{ at: "2024-10-07T07:15:00Z", runs: ["catch-up", "retry"] }],
  [{ at: "2024-10-07T07:40:00Z", runs: ["catch-up"] }],
  [
    { at: "2024-10-07T08:15:00Z", runs: ["retry", "catch-up"] },
    { at: "2024-10-07T08:15:00Z", runs: ["catch-up", "retry"] },
    { at: "2024-10-07T08:15:00Z", runs: ["catch-up"] },
  ],
  [{ at: "2024-10-07T12:00:00Z", runs: ["catch-up"] }],
  [{ at: "2024-10-08T06:30:00Z", runs: ["catch-up"] }],
  [{ at: "2024-10-09T15:00:00Z", runs: ["catch-up", "retry"] }],
  [{ at: "2024-10-11T06:30:00Z", runs: ["catch-up"] }],
  [{ at: "2024-10-13T20:59:00Z", runs: ["catch-up"] }], // Sunday 22:59 in Rome: still the same week
];

let fake: FakeSlack;
let database: Awaited<ReturnType<typeof testDatabase>>;

beforeAll(async () => {
  fake = await startFakeSlack();
  database = await testDatabase();
  await importPlanFile(database.db, LEGGIUNO_PLAN, { actor: "test", now: new Date("2024-01-10T09:00:00Z") });
  for (const [areaCode, channelId] of Object.entries(CHANNELS)) {
    await database.db.areaChannel.create({
      data: { areaCode, channelId, updatedAt: new Date("2024-01-10T09:00:00Z") },
    });
  }
  await database.close(); // from here on, only the "processes" below hold connections
});

afterAll(async () => {
  await fake?.close();
  await database?.dispose();
});

/** Overlapping starts: one process each, all starting their jobs at the same instant. */
async function overlappingRestarts(group: Restart[]): Promise<void> {
  const startAt = Date.now() + 3_000;
  await Promise.all(
    group.map(
      (r) =>
        new Promise<void>((resolve, reject) => {
          const p = spawn(
            process.execPath,
            ["--import", "tsx", CHILD, database.file, fake.url, r.at, r.runs.join(","), String(startAt)],
            {
              cwd: ROOT,
              stdio: ["ignore", "ignore", "pipe"],
            },
          );
          let err = "";
          p.stderr.on("data", (d: Buffer) => (err += d.toString()));
          p.on("exit", (code) =>
            code === 0 ? resolve() : reject(new Error(`restart at ${r.at} exited ${code}: ${err}`)),
          );
        }),
    ),
  );
}

/** One start of the bot: its own connection and client, the given jobs, then it stops. */
async function restart(r: Restart): Promise<void> {
  const opened = await openDatabase(database.url);
  try {
    const deps = {
      db: opened.db,
      client: new WebClient(TEST_BOT_TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 0 } }),
      now: new Date(r.at),
      log: createLogger("silent"),
      env: loadEnv({ LOG_LEVEL: "silent" }),
    };
    for (const run of r.runs) {
      if (run === "catch-up") await runDigestCatchUp(deps);
      else await runDigest(deps, { retryOnly: run === "retry" });
    }
  } finally {
    await opened.close();
  }
}

describe("weekly digest across 20 restarts around its time", () => {
  it("posts exactly one digest per area", { timeout: 60_000 }, async () => {
    expect(RESTARTS.flat()).toHaveLength(20);
    // The first attempt on one channel fails (Slack hiccup): a later run must repost it once.
    let failed = 0;
    fake.override("chat.postMessage", (call) => {
      if (call.body.channel === FLAKY && failed === 0) {
        failed++;
        return { body: { ok: false, error: "internal_error" } };
      }
      return undefined;
    });

    let before = 0;
    for (const group of RESTARTS) {
      if (group.length === 1) await restart(group[0]!);
      else await overlappingRestarts(group);
      if (group[0]!.at < "2024-10-07T06:30:00Z") before = fake.callsTo("chat.postMessage").length;
    }
    expect(before).toBe(0); // nothing before the scheduled time

    const posts = fake.callsTo("chat.postMessage");
    const okPosts = posts.filter(
      (c, i) => !(c.body.channel === FLAKY && posts.findIndex((p) => p.body.channel === FLAKY) === i),
    );
    expect(failed).toBe(1);
    const perChannel = Object.values(CHANNELS).map((ch) => okPosts.filter((c) => c.body.channel === ch).length);
    expect(perChannel).toEqual([1, 1, 1, 1, 1]);

    const check = await openDatabase(database.url);
    try {
      const rows = await check.db.delivery.findMany({ orderBy: { key: "asc" } });
      expect(rows.map((d) => d.status)).toEqual(["sent", "sent", "sent", "sent", "sent"]);
      expect(rows.map((d) => d.key)).toEqual(Object.keys(CHANNELS).map((a) => `digest:2024:${a}:2024-W41`));
    } finally {
      await check.close();
    }
  });
});
