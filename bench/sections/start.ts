import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase } from "../../src/db/client.ts";
import { DEMO_PLAN_FILE } from "../../src/plan-import/bootstrap.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { startFakeSlack } from "../../test/helpers/fake-slack.ts";
import { execFileSync } from "node:child_process";
import { build } from "../../scripts/build.mjs";
import type { BenchRow, BenchSection } from "../types.ts";
import { ROOT, startBotProcess } from "../../test/robustness/helpers/bot-process.ts";
import { BUILT_BOT, BUILT_BOT_ENV } from "./memory.ts";

const START_GOAL_MS = 1_200;
const CPU_GOAL_MS = 800;
const RUNS = 5;

/** What creating the Prisma client costs apart from the rest: loading its runtime, in a fresh node. */
const PRISMA_IMPORT = `const t0 = performance.now(); await import("@prisma/client/runtime/client"); await import("@prisma/adapter-better-sqlite3"); console.log(performance.now() - t0);`;

function safeJson(line: string): { msg?: string; db?: { clientMs: number; firstQueryMs: number } } | null {
  try {
    return JSON.parse(line) as { msg?: string; db?: { clientMs: number; firstQueryMs: number } };
  } catch {
    return null;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
}

/**
 * Time from `npm start` to the "pronto" log line, on a database already migrated and
 * holding the demo plan: what an operator waits after a restart. `npm start` runs the
 * build in dist/ (rebuilding first only when a source is newer); the first start after
 * a build is shown apart, the goal is on the median of the next ones. `node dist/main.js`
 * alone (without npm) separates npm's own cost, and gives the CPU time and what opening
 * the database cost (the "pronto" line carries it: migrations, Prisma client, first queries).
 */
export const section: BenchSection = {
  name: "avvio",
  async run() {
    const dir = mkdtempSync(path.join(tmpdir(), "obiettivi-bench-start-"));
    const url = `file:${dir}/start.db`;
    const fake = await startFakeSlack();
    try {
      const opened = await openDatabase(url);
      const plan = existsSync(DEMO_PLAN_FILE)
        ? DEMO_PLAN_FILE
        : path.resolve(ROOT, "test/fixtures/plans/leggiuno-piao-2024.txt");
      await importPlanFile(opened.db, plan, { actor: "bench", now: new Date() });
      await opened.close();

      await build({ quiet: true });
      const timeStart = async (command: [string, ...string[]], env?: Record<string, string>) => {
        const bot = await startBotProcess({ databaseUrl: url, fake, command, env, timeoutMs: 60_000 });
        const ready = bot.lines.map((l) => safeJson(l)).find((j) => j?.msg === "pronto");
        const stopT0 = performance.now();
        const code = await bot.stop();
        return { ready: bot.readyMs, cpu: bot.readyCpuMs, stopMs: performance.now() - stopT0, code, db: ready?.db };
      };
      const first = await timeStart(["npm", "start"]);
      const npm: number[] = [];
      for (let i = 0; i < RUNS; i++) npm.push((await timeStart(["npm", "start"])).ready);
      // Exit codes from the bot itself (npm adds its own signal handling on top).
      const node: number[] = [];
      const cpu: number[] = [];
      const stops: number[] = [];
      const codes: (number | null)[] = [];
      const client: number[] = [];
      const firstQuery: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const r = await timeStart(BUILT_BOT, BUILT_BOT_ENV);
        node.push(r.ready);
        cpu.push(r.cpu);
        stops.push(r.stopMs);
        codes.push(r.code);
        if (r.db) {
          client.push(r.db.clientMs);
          firstQuery.push(r.db.firstQueryMs);
        }
      }
      const tsx: number[] = [];
      const tsxCpu: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await timeStart([process.execPath, "--max-semi-space-size=1", "--import", "tsx", "src/main.ts"]);
        tsx.push(r.ready);
        tsxCpu.push(r.cpu);
      }
      const prismaImport: number[] = [];
      for (let i = 0; i < 3; i++) {
        prismaImport.push(
          Number(
            execFileSync(process.execPath, ["--input-type=module", "-e", PRISMA_IMPORT], {
              cwd: ROOT,
              encoding: "utf8",
            }).trim(),
          ),
        );
      }
      const m = median(npm);
      const cpuMedian = median(cpu.filter(Number.isFinite));
      const rows: BenchRow[] = [
        {
          id: "start.ready_first_ms",
          section: "avvio",
          metric: "npm start → pronto (primo avvio dopo la build)",
          value: first.ready,
          unit: "ms",
        },
        {
          id: "start.ready_median_ms",
          section: "avvio",
          metric: `npm start → pronto (mediana di ${RUNS})`,
          value: m,
          unit: "ms",
          goal: `<= ${START_GOAL_MS} ms`,
          ok: m <= START_GOAL_MS,
        },
        {
          id: "start.node_dist_ready_median_ms",
          section: "avvio",
          metric: `node dist/main.js → pronto (mediana di ${RUNS})`,
          value: median(node),
          unit: "ms",
        },
        // Independent of other load on the machine: what the start costs, not how long it waited for a core.
        ...(Number.isFinite(cpuMedian)
          ? [
              {
                id: "start.cpu_to_ready_ms",
                section: "avvio",
                metric: `tempo CPU fino a pronto, dist (mediana di ${RUNS})`,
                value: cpuMedian,
                unit: "ms",
                goal: `<= ${CPU_GOAL_MS} ms`,
                ok: cpuMedian <= CPU_GOAL_MS,
              },
            ]
          : []),
        {
          id: "start.tsx_ready_median_ms",
          section: "avvio",
          metric: "node --import tsx src/main.ts → pronto (mediana di 3, sviluppo)",
          value: median(tsx),
          unit: "ms",
        },
        {
          id: "start.tsx_cpu_to_ready_ms",
          section: "avvio",
          metric: "tempo CPU fino a pronto, tsx (mediana di 3)",
          value: median(tsxCpu.filter(Number.isFinite)),
          unit: "ms",
        },
        {
          id: "start.prisma_runtime_import_ms",
          section: "avvio",
          metric: "caricare il runtime di Prisma e l'adapter (mediana di 3)",
          value: median(prismaImport),
          unit: "ms",
        },
        ...(client.length
          ? [
              {
                id: "start.prisma_client_create_ms",
                section: "avvio",
                metric: "new PrismaClient(...) (mediana)",
                value: median(client),
                unit: "ms",
              },
              {
                id: "start.prisma_first_queries_ms",
                section: "avvio",
                metric: "prime query (compilatore delle query caricato qui; mediana)",
                value: median(firstQuery),
                unit: "ms",
              },
            ]
          : []),
        {
          id: "start.sigterm_exit_ms",
          section: "avvio",
          metric: `SIGTERM → uscita con codice 0 (mediana di ${RUNS})`,
          value: median(stops),
          unit: "ms",
          goal: "uscita 0",
          ok: codes.every((c) => c === 0),
        },
      ];
      return rows;
    } finally {
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
