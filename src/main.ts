import type { App } from "@slack/bolt";
import { systemClock } from "./clock.ts";
import { startConsole } from "./console/console.ts";
import { openDatabase, type OpenedDatabase } from "./db/client.ts";
import { ChangeBus } from "./app/events.ts";
import { EnvError, loadDotEnvFile, loadEnv, slackMode, type Env } from "./env.ts";
import { startScheduler, type Scheduler } from "./jobs/scheduler.ts";
import { createLogger, type Logger } from "./logger.ts";
import { ensurePlanLoaded } from "./plan-import/bootstrap.ts";
import { collectWhenQuiet } from "./quiet-gc.ts";
import { createApp, InFlight } from "./slack/app.ts";

/**
 * The only file with side effects: environment -> logger -> database -> plan -> Slack app
 * (or the local console) -> scheduler. SIGTERM/SIGINT stop accepting work, let what is
 * running finish, stop the scheduler, close the database and exit 0.
 */

let env: Env;
try {
  loadDotEnvFile();
  env = loadEnv();
} catch (e) {
  if (!(e instanceof EnvError)) throw e;
  process.stderr.write(`${e.message}\n`);
  process.exit(2);
}

const secrets = [env.SLACK_BOT_TOKEN, env.SLACK_APP_TOKEN, env.SLACK_SIGNING_SECRET].filter((s): s is string =>
  Boolean(s),
);
const mode = slackMode(env);
// In the local console stdout is the conversation: log lines go to stderr instead.
const log = createLogger(env.LOG_LEVEL, secrets, mode === "console" ? process.stderr : process.stdout);
const clock = systemClock;

process.on("unhandledRejection", (reason) => log.error({ err: reason }, "promessa rifiutata e non gestita"));

let opened: OpenedDatabase | undefined;
let app: App | undefined;
let scheduler: Scheduler | undefined;
const inFlight = new InFlight();
inFlight.observe(collectWhenQuiet(globalThis.gc, 2_000));
let stopping = false;

async function shutdown(signal: string, code = 0): Promise<never> {
  if (stopping) process.exit(code === 0 ? 1 : code);
  stopping = true;
  log.info({ signal }, "arresto in corso");
  try {
    // Stop accepting first (HTTP server closes, socket disconnects), then let running work end.
    if (app) await app.stop().catch((e: unknown) => log.warn({ err: e }, "arresto del ricevitore Slack non pulito"));
    const drained = await inFlight.idle(10_000);
    if (!drained) log.warn({ running: inFlight.size }, "lavori ancora in corso dopo 10 s: chiusura comunque");
    if (scheduler) await scheduler.stop();
    if (opened) await opened.close();
    log.info("arrestato");
  } catch (e) {
    log.error({ err: e }, "errore durante l'arresto");
    process.exit(1);
  }
  process.exit(code);
}

process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));

try {
  opened = await openDatabase(env.DATABASE_URL);
  const db = opened.db;
  await ensurePlanLoaded(db, { env, log, clock });
  const changes = new ChangeBus();
  const deps = { db, clock, log, env };

  if (mode === "console") {
    const finished = startConsole({ ...deps, changes });
    scheduler = startScheduler({ env, db, log, clock });
    ready(log, mode, { db: opened.timings });
    await finished;
    await shutdown("fine della console");
  } else {
    app = await createApp({ env, deps, changes, inFlight });
    await (mode === "http" ? app.start(env.PORT) : app.start());
    scheduler = startScheduler({ env, db, client: app.client, log, clock });
    ready(log, mode, { ...(mode === "http" ? { port: env.PORT } : {}), db: opened.timings });
  }
} catch (e) {
  log.fatal({ err: e }, "avvio non riuscito");
  process.stderr.write(`Avvio non riuscito: ${e instanceof Error ? e.message : String(e)}\n`);
  await opened?.close().catch(() => undefined);
  process.exit(1);
}

function ready(logger: Logger, m: string, extra: Record<string, unknown> = {}): void {
  logger.info({ mode: m, ms: Math.round(performance.now()), ...extra }, "pronto");
}
