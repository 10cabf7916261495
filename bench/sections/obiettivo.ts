import { rmSync } from "node:fs";
import { startFakeSlack, type FakeSlack } from "../../test/helpers/fake-slack.ts";
import { newTriggerId, signSlackBody, slashCommandBody } from "../../test/helpers/slack-http.ts";
import { sizeId, type BenchRow, type BenchSection } from "../types.ts";
import { BENCH_SIGNING_SECRET, preparedDatabase, startBotProcess, type BotProcess } from "./memory.ts";

/**
 * `/obiettivo <code> completato` from signed HTTP request to HTTP response, against the bot
 * started as in production (`src/main.ts`, HTTP mode, every listener, scheduler) in its own
 * process, next to a bare Bolt app with the same receiver that only acks, also in its own
 * process. Both are measured in the same run, requests alternating between the two.
 *
 * Separate processes matter: a client inside the bot's process would only read the
 * response once the bot's work after ack is done (SQLite calls are synchronous), and would
 * measure that instead of what Slack sees. Each real request also waits for its reply on
 * response_url ("risposta completa") and for /healthz, so it meets an idle bot, as a person
 * typing a command does (App Home, republished after each report, is done by then).
 */

const SIZES = [105, 10_000, 100_000];
const WARMUP = 30;
const SAMPLES = 400;
const GOAL_P99_MS = 50;
const GOAL_RATIO = 10;

/** The floor: Bolt's HTTPReceiver with signature check and an ack, nothing else. */
const BARE_APP = `
import bolt from "@slack/bolt";
const { App, HTTPReceiver } = bolt;
const receiver = new HTTPReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET, endpoints: "/slack/events" });
const app = new App({ token: process.env.SLACK_BOT_TOKEN, botId: "B0BARE001", botUserId: "U0BARE001", receiver });
app.command("/obiettivo", async ({ ack }) => { await ack(); });
await app.start(Number(process.env.PORT));
console.log(JSON.stringify({ msg: "pronto" }));
process.on("SIGTERM", () => { app.stop().finally(() => process.exit(0)); });
`;

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
}

/** One signed POST; ms until the whole HTTP response is in. */
async function post(baseUrl: string, body: string): Promise<number> {
  const ts = Math.floor(Date.now() / 1000);
  const t0 = performance.now();
  const res = await fetch(`${baseUrl}/slack/events`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": signSlackBody(body, ts, BENCH_SIGNING_SECRET),
    },
    body,
  });
  await res.arrayBuffer();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`risposta HTTP ${res.status}`);
  return ms;
}

/** One plan size; `prepare` adds data to the copied database (the "con variazioni" variant), `name` labels the rows. */
export async function measure(
  size: number,
  fake: FakeSlack,
  variant: { name: string; key?: string; prepare?: (file: string, year: number) => string } = { name: "obiettivo" },
): Promise<BenchRow[]> {
  const prepared = await preparedDatabase(size);
  const suffix = variant.prepare ? `, ${variant.prepare(prepared.url.slice("file:".length), prepared.year)}` : "";
  let bot: BotProcess | undefined;
  let bare: BotProcess | undefined;
  try {
    const user = prepared.users.find((u) => u.area === "03")!;
    // Codes of area 03 as the generator writes them: objectives of 5 activities.
    const perArea = Math.ceil((size - 1) / 5);
    const objectives = Math.max(1, Math.floor(perArea / 5));
    const codes = Array.from(
      { length: Math.min(500, objectives * 5) },
      (_, i) => `3.${1 + Math.floor(i / 5)}.${1 + (i % 5)}`,
    );

    bot = await startBotProcess({ databaseUrl: prepared.url, fake, timeoutMs: 180_000 });
    bare = await startBotProcess({
      databaseUrl: prepared.url,
      fake,
      command: [process.execPath, "--input-type=module", "-e", BARE_APP],
      timeoutMs: 60_000,
    });

    const http: number[] = [];
    const full: number[] = [];
    const floor: number[] = [];
    let homeRefreshes = false;
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const id = `ob${size}-${i}`;
      const body = slashCommandBody({
        text: `${codes[i % codes.length]} completato`,
        userId: user.id,
        responseUrl: fake.responseUrl(id),
        triggerId: newTriggerId(),
      });
      const publishes = fake.callsTo("views.publish").length;
      const bareMs = await post(bare.url, body);
      const t0 = performance.now();
      const appMs = await post(bot.url, body);
      const reply = await fake.waitForResponse(id, 1, 30_000);
      const fullMs = performance.now() - t0;
      if (!String(reply.body.text).startsWith("Registrato"))
        throw new Error(`risposta inattesa: ${String(reply.body.text).slice(0, 200)}`);
      // The work a report sets off after the answer (App Home republished for its author) ends
      // before the next person types: wait for it when the bot does it, then for /healthz.
      if (i === 0 || homeRefreshes) {
        homeRefreshes = await fake.waitForCall("views.publish", publishes + 1, 10_000).then(
          () => true,
          () => false,
        );
      }
      await fetch(`${bot.url}/healthz`).then((r) => r.arrayBuffer());
      if (i >= WARMUP) {
        floor.push(bareMs);
        http.push(appMs);
        full.push(fullMs);
      }
    }

    const label = `${size.toLocaleString("it-IT")} attività${suffix}`;
    const p99 = percentile(http, 0.99);
    const bareP99 = percentile(floor, 0.99);
    const section = variant.name;
    // Stable ids: the plain section keeps its own; a variant adds its key ("senza_variazioni_", "con_variazioni_").
    const idBase = `${section.replace(/-/g, "_")}.${variant.key ?? ""}`;
    const ratio = p99 / bareP99;
    return [
      {
        id: `${idBase}http_p50_${sizeId(size)}_ms`,
        section,
        metric: `p50 ${label}`,
        value: percentile(http, 0.5),
        unit: "ms",
      },
      {
        id: `${idBase}http_p95_${sizeId(size)}_ms`,
        section,
        metric: `p95 ${label}`,
        value: percentile(http, 0.95),
        unit: "ms",
      },
      {
        id: `${idBase}http_p99_${sizeId(size)}_ms`,
        section,
        metric: `p99 ${label}`,
        value: p99,
        unit: "ms",
        goal: `<= ${GOAL_P99_MS} ms`,
        ok: p99 <= GOAL_P99_MS,
      },
      {
        id: `${idBase}bare_p50_${sizeId(size)}_ms`,
        section,
        metric: `p50 app vuota, ${label}`,
        value: percentile(floor, 0.5),
        unit: "ms",
      },
      {
        id: `${idBase}bare_p99_${sizeId(size)}_ms`,
        section,
        metric: `p99 app vuota, ${label}`,
        value: bareP99,
        unit: "ms",
      },
      {
        id: `${idBase}ratio_to_bare_${sizeId(size)}`,
        section,
        metric: `p99 / app vuota, ${label}`,
        value: ratio,
        unit: "x",
        goal: `<= ${GOAL_RATIO} x`,
        ok: ratio <= GOAL_RATIO,
      },
      {
        id: `${idBase}full_p50_${sizeId(size)}_ms`,
        section,
        metric: `risposta completa p50, ${label}`,
        value: percentile(full, 0.5),
        unit: "ms",
      },
      {
        id: `${idBase}full_p99_${sizeId(size)}_ms`,
        section,
        metric: `risposta completa p99, ${label}`,
        value: percentile(full, 0.99),
        unit: "ms",
      },
    ];
  } finally {
    await bot?.stop();
    await bare?.stop();
    rmSync(prepared.dir, { recursive: true, force: true });
  }
}

export const section: BenchSection = {
  name: "obiettivo",
  async run() {
    const fake = await startFakeSlack();
    try {
      const rows: BenchRow[] = [];
      for (const size of SIZES) rows.push(...(await measure(size, fake)));
      return rows;
    } finally {
      await fake.close();
    }
  },
};
