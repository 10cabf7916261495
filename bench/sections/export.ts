import { rmSync } from "node:fs";
import { build } from "../../scripts/build.mjs";
import { startFakeSlack } from "../../test/helpers/fake-slack.ts";
import { blockActionBody, newTriggerId, signSlackBody, slashCommandBody } from "../../test/helpers/slack-http.ts";
import { ACTION } from "../../src/slack/ui/ids.ts";
import { percentile } from "../slack-http-bench.ts";
import { sizeId, type BenchRow, type BenchSection } from "../types.ts";
import { BENCH_SIGNING_SECRET, BUILT_BOT, BUILT_BOT_ENV, preparedDatabase, startBotProcess } from "./memory.ts";

/**
 * `/obiettivo` while the bot makes the XLSX Relazione of a 100,000-activity plan, then the Word
 * Relazione of a 10,000-activity one (chapters, scorecards, charts): the built
 * bot (dist/, as `npm start` runs it) in its own process, commands sent one after another
 * over signed HTTP, as in the obiettivo section; first idle, then from the moment the
 * Segretario presses "Esporta Relazione" until the file is uploaded. The export runs in the
 * bot's heavy-work thread, so the commands' p99 should barely move.
 */

const WARMUP = 30;
const IDLE_SAMPLES = 300;
const GOAL_P99_MS = 50;
const GOAL_RATIO = 2;

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
  if (res.status !== 200) throw new Error(`risposta HTTP ${res.status}`);
  return performance.now() - t0;
}

/** One export pressed in App Home while `/obiettivo` commands keep coming: the XLSX at 100,000 activities, the Word document at 10,000. */
async function measureExport(size: number, format: "xlsx" | "docx"): Promise<BenchRow[]> {
  const sizeKey = sizeId(size);
  const label = `${size.toLocaleString("it-IT")} attività`;
  const what = format === "xlsx" ? "l'esportazione XLSX" : "la Relazione in Word";
  const fake = await startFakeSlack();
  const prepared = await preparedDatabase(size);
  const bot = await startBotProcess({
    databaseUrl: prepared.url,
    fake,
    command: BUILT_BOT,
    env: BUILT_BOT_ENV,
    timeoutMs: 180_000,
  });
  try {
    const user = prepared.users.find((u) => u.area === "03")!;
    const codes = Array.from({ length: 500 }, (_, i) => `3.${1 + Math.floor(i / 5)}.${1 + (i % 5)}`);
    let n = 0;
    const command = async (): Promise<{ http: number; full: number }> => {
      const id = `ex-${n}`;
      const body = slashCommandBody({
        text: `${codes[n % codes.length]} ${n % 2 ? "+1" : "completato"}`,
        userId: user.id,
        responseUrl: fake.responseUrl(id),
        triggerId: newTriggerId(),
      });
      n += 1;
      const t0 = performance.now();
      const http = await post(bot.url, body);
      await fake.waitForResponse(id, 1, 60_000);
      return { http, full: performance.now() - t0 };
    };

    const idle: number[] = [];
    for (let i = 0; i < WARMUP + IDLE_SAMPLES; i++) {
      const r = await command();
      if (i >= WARMUP) idle.push(r.http);
    }

    const during: number[] = [];
    const duringFull: number[] = [];
    const t0 = performance.now();
    await post(
      bot.url,
      blockActionBody({
        userId: "UBENCHSEG",
        actionId: format === "xlsx" ? ACTION.exportRelazione : ACTION.exportRelazioneDocx,
        value: {},
        view: { id: "VBENCHEXPORT", type: "home" },
      }),
    );
    let done = false;
    const finished = fake.waitForCall("files.completeUploadExternal", 1, 300_000).then(() => {
      done = true;
    });
    while (!done) {
      const r = await command();
      if (!done) {
        during.push(r.http);
        duringFull.push(r.full);
      }
    }
    await finished;
    const exportMs = performance.now() - t0;

    const idleP99 = percentile(idle, 0.99);
    const p99 = percentile(during, 0.99);
    const ratio = p99 / idleP99;
    process.stderr.write(
      `  esportazione ${format} ${label}: ${during.length} comandi durante ${what} (${(exportMs / 1000).toFixed(1)} s), p99 ${p99.toFixed(1)} ms contro ${idleP99.toFixed(1)} ms a riposo\n`,
    );
    return [
      {
        id: `export.obiettivo_p99_idle_${format}_${sizeKey}_ms`,
        section: "esportazione",
        metric: `/obiettivo p99 a riposo, bot compilato, ${label} (${idle.length} comandi)`,
        value: idleP99,
        unit: "ms",
      },
      {
        id: `export.obiettivo_p99_during_${format}_${sizeKey}_ms`,
        section: "esportazione",
        metric: `/obiettivo p99 durante ${what}, ${label} (${during.length} comandi)`,
        value: p99,
        unit: "ms",
        goal: `<= ${GOAL_P99_MS} ms`,
        ok: p99 <= GOAL_P99_MS,
      },
      {
        id: `export.obiettivo_p99_ratio_${format}_${sizeKey}`,
        section: "esportazione",
        metric: `p99 durante ${what} / p99 a riposo, ${label}`,
        value: ratio,
        unit: "x",
        goal: `<= ${GOAL_RATIO} x`,
        ok: ratio <= GOAL_RATIO,
      },
      {
        id: `export.obiettivo_full_p99_during_${format}_${sizeKey}_ms`,
        section: "esportazione",
        metric: `/obiettivo risposta completa p99 durante ${what}, ${label}`,
        value: percentile(duringFull, 0.99),
        unit: "ms",
      },
      {
        id: `export.${format}_in_bot_${sizeKey}_ms`,
        section: "esportazione",
        metric: `${format === "xlsx" ? "Esporta Relazione" : "Esporta in Word"} → file caricato, ${label}, nel bot`,
        value: exportMs,
        unit: "ms",
      },
    ];
  } finally {
    await bot.stop();
    await fake.close();
    rmSync(prepared.dir, { recursive: true, force: true });
  }
}

export const section: BenchSection = {
  name: "esportazione",
  async run() {
    await build({ quiet: true });
    return [...(await measureExport(100_000, "xlsx")), ...(await measureExport(10_000, "docx"))];
  },
};
