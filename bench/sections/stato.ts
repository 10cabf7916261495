import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fixedClock } from "../../src/clock.ts";
import { openDatabase, type Db } from "../../src/db/client.ts";
import { importPlanText } from "../../src/plan-import/import-plan.ts";
import { SLACK_EVENTS_PATH } from "../../src/slack/app.ts";
import { startFakeSlack, type FakeSlack } from "../../test/helpers/fake-slack.ts";
import { slashCommandBody, startTestApp } from "../../test/helpers/slack-http.ts";
import { generatePiaoText } from "../generate-plan.ts";
import { percentile, startBareApp, startSlackClient, type SlackClient } from "../slack-http-bench.ts";
import { sizeId, type BenchRow, type BenchSection } from "../types.ts";

/**
 * `/stato <area>` through the real app over signed HTTP. Two figures per plan size:
 * - the HTTP response (Slack's 3-second clock): the app acks first, as it must;
 * - the full reply: from the request to the status arriving on response_url, i.e. the
 *   queries and the Block Kit built after the ack (what the person waits for).
 * A bare Bolt app that only acks is timed in the same loop, one request at a time, by a
 * client in its own thread (see bench/slack-http-bench.ts).
 */

const SIZES = [105, 10_000, 100_000];
const WARMUP = 20;
const SAMPLES: Record<number, number> = { 105: 300, 10_000: 300, 100_000: 200 };
const GOAL_P99_MS = 50;
const USER = "U0BENCH02";
const QUERIES = ["tecnica", "3", "polizia", "affari generali", "sociali", "02"];

/**
 * Progress as a plan looks in October: about a third of the activities reported on
 * (some done, some half-way, a few blocked), a report each (spread over four months,
 * areas interleaved), and a deadline set by hand on one activity in 200.
 */
async function seedProgress(db: Db): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`
      INSERT INTO Progress (planYear, activityCode, status, percent, updatedAt)
      SELECT 2024, code,
             CASE id % 9 WHEN 0 THEN 'completata' WHEN 3 THEN 'completata' WHEN 6 THEN 'bloccata' ELSE 'in_corso' END,
             CASE WHEN id % 9 IN (0, 3) THEN 100 ELSE (id % 10) * 10 END,
             '2024-09-01T10:00:00.000+00:00'
      FROM Activity WHERE id % 3 = 0`);
    await tx.$executeRawUnsafe(`
      INSERT INTO Report (planYear, activityCode, userId, kind, value, occurredOn, source, createdAt)
      SELECT 2024, p.activityCode, '${USER}', 'percent', p.percent, '2024-09-01', 'cli',
             strftime('%Y-%m-%dT%H:%M:%S', '2024-06-01 00:00:00', '+' || ((p.rowid * 7919) % 100003) || ' minutes') || '.000+00:00'
      FROM Progress p`);
    await tx.$executeRawUnsafe(`
      INSERT INTO ManualDeadline (planYear, activityCode, deadline, setBy, setAt)
      SELECT 2024, code, '2024-10-20', 'bench', '2024-02-01T10:00:00.000+00:00' FROM Activity WHERE id % 200 = 7`);
  });
}

/** One plan size; `prepare` adds data after the seeding (the "con variazioni" variant), `name` labels the rows. */
export async function measure(
  size: number,
  fake: FakeSlack,
  client: SlackClient,
  variant: { name: string; key?: string; prepare?: (db: Db, file: string) => Promise<string> } = { name: "stato" },
): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), "obiettivi-bench-stato-"));
  const opened = await openDatabase(`file:${dir}/b.db`);
  const bare = await startBareApp("/stato");
  try {
    await importPlanText(opened.db, generatePiaoText(size), "bench.txt", {
      actor: "bench",
      now: new Date("2024-01-15T10:00:00Z"),
    });
    await seedProgress(opened.db);
    const suffix = variant.prepare ? `, ${await variant.prepare(opened.db, opened.file)}` : "";
    await opened.db.user.create({ data: { slackUserId: USER, role: "segretario", createdAt: new Date() } });

    const app = await startTestApp({ db: opened.db, clock: fixedClock("2024-10-07"), fake });
    const appUrl = `${app.url}${SLACK_EVENTS_PATH}`;
    const http: number[] = [];
    const full: number[] = [];
    const floor: number[] = [];
    const samples = SAMPLES[size] ?? 200;
    try {
      for (let i = 0; i < WARMUP + samples; i++) {
        const id = `s${size}-${i}`;
        const body = slashCommandBody({
          command: "/stato",
          text: QUERIES[i % QUERIES.length]!,
          userId: USER,
          responseUrl: fake.responseUrl(id),
        });
        const bareMs = await client.post(bare.url, body);
        const t0 = performance.now();
        const appMs = await client.post(appUrl, body);
        await fake.waitForResponse(id, 1, 30_000);
        const fullMs = performance.now() - t0;
        if (i >= WARMUP) {
          floor.push(bareMs);
          http.push(appMs);
          full.push(fullMs);
        }
      }
      const wrong = fake.responses.find(
        (r) => r.id.startsWith(`s${size}-`) && !String(r.body.text).startsWith("Stato "),
      );
      if (wrong) throw new Error(`una risposta non è uno stato: ${String(wrong.body.text)}`);
    } finally {
      await app.close();
    }

    const label = `${size.toLocaleString("it-IT")} attività${suffix}`;
    const p99 = percentile(http, 0.99);
    const section = variant.name;
    // Stable ids: the plain section keeps its own; a variant adds its key ("senza_variazioni_", "con_variazioni_").
    const idBase = `${section.replace(/-/g, "_")}.${variant.key ?? ""}`;
    return [
      {
        id: `${idBase}http_p50_${sizeId(size)}_ms`,
        section,
        metric: `risposta HTTP p50, ${label}`,
        value: percentile(http, 0.5),
        unit: "ms",
      },
      {
        id: `${idBase}http_p95_${sizeId(size)}_ms`,
        section,
        metric: `risposta HTTP p95, ${label}`,
        value: percentile(http, 0.95),
        unit: "ms",
      },
      {
        id: `${idBase}http_p99_${sizeId(size)}_ms`,
        section,
        metric: `risposta HTTP p99, ${label}`,
        value: p99,
        unit: "ms",
        goal: `<= ${GOAL_P99_MS} ms`,
        ok: p99 <= GOAL_P99_MS,
      },
      {
        id: `${idBase}bare_p99_${sizeId(size)}_ms`,
        section,
        metric: `app vuota p99, ${label}`,
        value: percentile(floor, 0.99),
        unit: "ms",
      },
      {
        id: `${idBase}full_p50_${sizeId(size)}_ms`,
        section,
        metric: `stato completo p50, ${label}`,
        value: percentile(full, 0.5),
        unit: "ms",
      },
      {
        id: `${idBase}full_p95_${sizeId(size)}_ms`,
        section,
        metric: `stato completo p95, ${label}`,
        value: percentile(full, 0.95),
        unit: "ms",
      },
      {
        id: `${idBase}full_p99_${sizeId(size)}_ms`,
        section,
        metric: `stato completo p99, ${label}`,
        value: percentile(full, 0.99),
        unit: "ms",
      },
    ];
  } finally {
    await bare.stop();
    await opened.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const section: BenchSection = {
  name: "stato",
  async run() {
    const fake = await startFakeSlack();
    const client = startSlackClient();
    try {
      const rows: BenchRow[] = [];
      for (const size of SIZES) rows.push(...(await measure(size, fake, client)));
      return rows;
    } finally {
      await client.close();
      await fake.close();
    }
  },
};
