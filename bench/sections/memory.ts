import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase } from "../../src/db/client.ts";
import { importPlanText } from "../../src/plan-import/import-plan.ts";
import { startFakeSlack } from "../../test/helpers/fake-slack.ts";
import { newTriggerId, slashCommandBody } from "../../test/helpers/slack-http.ts";
import {
  CHILD_SIGNING_SECRET,
  processMemoryMb,
  startBotProcess,
  type BotProcess,
} from "../../test/robustness/helpers/bot-process.ts";
import { generatePiaoText } from "../generate-plan.ts";
import { build } from "../../scripts/build.mjs";
import type { BenchRow, BenchSection } from "../types.ts";

// The other sections start the bot the same way.
export { startBotProcess, processMemoryMb, type BotProcess };
export const BENCH_SIGNING_SECRET = CHILD_SIGNING_SECRET;

const USERS = ["01", "02", "03", "04", "05"].map((area) => ({ id: `UBENCH${area}`, area }));

/**
 * One database per plan size per bench run: sections get copies, so each starts clean. Each
 * section runs in a process of its own (bench/run.ts); the templates live in the run's folder
 * (BENCH_TEMPLATE_DIR), made by the first section that needs them.
 */
const templates = new Map<number, Promise<{ file: string; year: number }>>();
let templateDir: string | undefined;

function templateFolder(): string {
  if (templateDir) return templateDir;
  const shared = process.env.BENCH_TEMPLATE_DIR;
  if (shared) return (templateDir = shared);
  const dir = mkdtempSync(path.join(tmpdir(), "obiettivi-bench-templates-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  return (templateDir = dir);
}

async function buildTemplate(activities: number): Promise<{ file: string; year: number }> {
  const file = path.join(templateFolder(), `plan-${activities}.db`);
  const yearFile = `${file}.year`;
  if (existsSync(file) && existsSync(yearFile)) return { file, year: Number(readFileSync(yearFile, "utf8")) };
  const making = `${file}.${process.pid}.tmp`;
  const opened = await openDatabase(`file:${making}`);
  const now = new Date();
  const r = await importPlanText(opened.db, generatePiaoText(activities), "bench.txt", { actor: "bench", now });
  await opened.db.$transaction(async (tx) => {
    for (const u of USERS) {
      await tx.user.create({
        data: { slackUserId: u.id, role: "dipendente", createdAt: now, areas: { create: [{ areaCode: u.area }] } },
      });
    }
    await tx.user.create({ data: { slackUserId: "UBENCHSEG", role: "segretario", createdAt: now } });
  });
  await opened.close(); // checkpoints: the main file holds everything, ready to copy
  renameSync(making, file);
  writeFileSync(yearFile, String(r.year));
  return { file, year: r.year };
}

/**
 * A database with a generated plan of `activities` activities and one registered user per
 * area (plus a Segretario), ready for a bot to serve. The caller owns `dir`.
 */
export async function preparedDatabase(
  activities: number,
): Promise<{ url: string; dir: string; year: number; users: { id: string; area: string }[] }> {
  let template = templates.get(activities);
  if (!template) {
    template = buildTemplate(activities);
    templates.set(activities, template);
  }
  const { file, year } = await template;
  const dir = mkdtempSync(path.join(tmpdir(), "obiettivi-bench-bot-"));
  copyFileSync(file, path.join(dir, "bot.db"));
  return { url: `file:${dir}/bot.db`, dir, year, users: USERS };
}

const RSS_GOAL_MB = 120;
/** How long the bot is left quiet before its resident memory "after the commands" is read. */
const QUIET_MS = 4_000;

/** The processes the bot started (the chart process), from /proc. */
function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/**
 * Waits (up to `ms`) until the bot's child processes have ended, sampling their resident
 * memory meanwhile: the chart process draws after the replies and ends after a quiet moment.
 */
async function childrenEnded(pid: number, ms: number): Promise<{ ended: boolean; peakMb: number }> {
  let peakMb = 0;
  const end = Date.now() + ms;
  for (;;) {
    const kids = childrenOf(pid);
    for (const k of kids) {
      try {
        const { peak } = processMemoryMb(k); // NaN once it is a zombie
        if (Number.isFinite(peak)) peakMb = Math.max(peakMb, peak);
      } catch {
        // ended between the listing and the reading
      }
    }
    if (!kids.length) return { ended: true, peakMb };
    if (Date.now() > end) return { ended: false, peakMb };
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The runtime alone (plain node, as `npm start` runs the built bot), doing nothing: the floor. */
const IDLE_RUNTIME = `import "node:http"; console.log(JSON.stringify({ msg: "pronto" })); setInterval(() => {}, 60_000);`;

/**
 * What `npm start` runs, read from package.json's start script (they have one home there): the
 * variables it sets (`NAME=value` before `node`) and node's flags.
 */
export function startScript(): { env: Record<string, string>; flags: string[] } {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    scripts: { start: string };
  };
  const words = pkg.scripts.start.split(/\s+/);
  const node = words.indexOf("node");
  const env = Object.fromEntries(
    words.slice(0, node).map((w) => [w.slice(0, w.indexOf("=")), w.slice(w.indexOf("=") + 1)] as const),
  );
  return { env, flags: words.slice(node + 1, words.indexOf("scripts/start.mjs")) };
}

/** What `npm start` runs once the build is current (scripts/start.mjs imports dist/main.js in-process)... */
export const BUILT_BOT: [string, ...string[]] = [process.execPath, ...startScript().flags, "dist/main.js"];
/** ...with the environment it sets: every section starts the built bot with both. */
export const BUILT_BOT_ENV: Record<string, string> = startScript().env;

function safeRss(pid: number): number | undefined {
  try {
    return processMemoryMb(pid).rss;
  } catch {
    return undefined;
  }
}

export const section: BenchSection = {
  name: "memoria",
  async run() {
    const fake = await startFakeSlack();
    const prepared = await preparedDatabase(100_000);
    let bot: BotProcess | undefined;
    let floor: BotProcess | undefined;
    try {
      await build({ quiet: true });
      floor = await startBotProcess({
        databaseUrl: prepared.url,
        fake,
        command: [process.execPath, "--max-semi-space-size=1", "--input-type=module", "-e", IDLE_RUNTIME],
      });
      await new Promise((r) => setTimeout(r, 1_000));
      const runtime = processMemoryMb(floor.child.pid!);
      await floor.stop();

      bot = await startBotProcess({
        databaseUrl: prepared.url,
        fake,
        command: BUILT_BOT,
        env: BUILT_BOT_ENV,
        timeoutMs: 120_000,
      });
      await new Promise((r) => setTimeout(r, 1_000));
      const idle = processMemoryMb(bot.child.pid!);
      // Serve: the whole-plan and per-area status, and reports across every area.
      let failures = 0;
      const bodies: string[] = [];
      for (let i = 0; i < 40; i++) {
        const u = prepared.users[i % prepared.users.length]!;
        const areaNo = Number(u.area);
        bodies.push(
          slashCommandBody({
            command: "/stato",
            text: i % 4 === 0 ? "" : u.area,
            userId: u.id,
            responseUrl: fake.responseUrl(),
            triggerId: newTriggerId(),
          }),
        );
        bodies.push(
          slashCommandBody({
            command: "/obiettivo",
            text: `${areaNo}.${1 + (i % 50)}.${1 + (i % 5)} ${i % 2 ? "completato" : "+1"}`,
            userId: u.id,
            responseUrl: fake.responseUrl(),
            triggerId: newTriggerId(),
          }),
        );
      }
      for (let i = 0; i < bodies.length; i += 8) {
        const res = await Promise.all(bodies.slice(i, i + 8).map((b) => bot!.send(b)));
        failures += res.filter((r) => r.status !== 200).length;
      }
      await new Promise((r) => setTimeout(r, 1_000)); // let the replies after ack finish
      const withCharts = processMemoryMb(bot.child.pid!);
      const tree = withCharts.rss + childrenOf(bot.child.pid!).reduce((sum, k) => sum + (safeRss(k) ?? 0), 0);
      // The charts of /stato <area> are drawn in a child process after the replies; it ends
      // after a quiet moment, taking its memory with it. The bot's own figure is read then.
      const charts = await childrenEnded(bot.child.pid!, 30_000);
      // At rest: a few seconds with nothing to do (the bot collects its garbage when quiet, quiet-gc.ts).
      await new Promise((r) => setTimeout(r, QUIET_MS));
      const served = processMemoryMb(bot.child.pid!);
      const rows: BenchRow[] = [
        {
          id: "memory.rss_node_floor",
          section: "memoria",
          metric: "RSS di node senza il bot (pavimento)",
          value: runtime.rss,
          unit: "MB",
        },
        {
          id: "memory.rss_idle_100k",
          section: "memoria",
          metric: "RSS a riposo, bot compilato (dist), piano di 100.000 attività",
          value: idle.rss,
          unit: "MB",
        },
        {
          id: "memory.rss_after_commands_100k",
          section: "memoria",
          metric: `RSS dopo ${bodies.length} comandi e ${QUIET_MS / 1000} s di quiete (processo dei grafici terminato), bot compilato (dist), piano di 100.000 attività`,
          value: served.rss,
          unit: "MB",
          goal: `<= ${RSS_GOAL_MB} MB`,
          ok: served.rss <= RSS_GOAL_MB && failures === 0,
        },
        { id: "memory.rss_peak_100k", section: "memoria", metric: "picco RSS (VmHWM)", value: served.peak, unit: "MB" },
        {
          id: "memory.rss_1s_after_commands_100k",
          section: "memoria",
          metric: "RSS del bot 1 s dopo i comandi (prima della raccolta a riposo)",
          value: withCharts.rss,
          unit: "MB",
        },
        {
          id: "memory.rss_tree_after_commands_100k",
          section: "memoria",
          metric: "RSS del bot più il processo dei grafici ancora attivo, 1 s dopo i comandi",
          value: tree,
          unit: "MB",
        },
        {
          id: "memory.rss_chart_process_peak",
          section: "memoria",
          metric: `picco RSS del processo dei grafici (termina da sé${charts.ended ? "" : ": NON terminato entro 30 s"})`,
          value: charts.peakMb,
          unit: "MB",
          ...(charts.ended ? {} : { ok: false }),
        },
      ];
      if (failures)
        rows.push({
          id: "memory.http_failures",
          section: "memoria",
          metric: "risposte HTTP non 200",
          value: failures,
          unit: "",
          goal: "0",
          ok: false,
        });
      return rows;
    } finally {
      await floor?.stop();
      await bot?.stop();
      await fake.close();
      rmSync(prepared.dir, { recursive: true, force: true });
    }
  },
};
