import type { WebClient } from "@slack/web-api";
import cron, { type ScheduledTask } from "node-cron";
import type { Clock } from "../clock.ts";
import { TIME_ZONE } from "../domain/calendar/days.ts";
import type { Db } from "../db/client.ts";
import type { Env } from "../env.ts";
import type { Logger } from "../logger.ts";
import { lastFireBetween, startOfRomeDay } from "./cron-window.ts";
import { runDigest, runDigestCatchUp, type JobDeps } from "./digest.ts";
import { runVariationNotices } from "./variation-notices.ts";
import { runDirectMessages } from "./notices.ts";
import { dailyCronAt, DAILY_TIME, digestSlot } from "./schedule-config.ts";

export interface SchedulerDeps {
  env: Env;
  db: Db;
  /** Web API client; absent in the local console (nothing is posted). */
  client?: WebClient;
  log: Logger;
  clock: Clock;
}

export interface Scheduler {
  stop(): Promise<void>;
}

/** Reminders and overdue questions: every morning, before the working day (the planner skips closed days). */
export const DAILY_CRON = dailyCronAt(DAILY_TIME);
/** Variations in force not yet announced in their area channels (a no-op once sent). */
export const VARIATION_CRON = "*/10 * * * *";
/** Digests that failed this week are tried again every hour (never a first post). */
export const DIGEST_RETRY_CRON = "15 * * * *";

/**
 * Starts the weekly digest and the daily direct messages (cron, Europe/Rome) and catches up
 * a missed digest. The ticks only wake the jobs: what goes out, and on which day, is the
 * send planner's answer for that instant (src/domain/schedule), the same that
 * `obiettivi programma` prints. The digest tick runs every day at DIGEST_CRON's time, so
 * that a digest moved off a holiday Monday goes out on Tuesday.
 */
export function startScheduler(deps: SchedulerDeps): Scheduler {
  const { log } = deps;
  const client = deps.client;
  if (!client) {
    log.info("console locale: nessun riepilogo né promemoria programmato (servono i token Slack)");
    return { stop: async () => {} };
  }
  const running = new Set<Promise<unknown>>();
  let stopped = false;
  const jobDeps = (): JobDeps => ({ db: deps.db, client, now: deps.clock(), log, env: deps.env });

  // Every job goes through here: errors are logged (a job never takes the process down)
  // and the promise is kept so that stop() can wait for it.
  const run = (name: string, job: () => Promise<unknown>): Promise<void> => {
    if (stopped) return Promise.resolve();
    const p = job()
      .then(() => undefined)
      .catch((e: unknown) => log.error({ err: e, job: name }, `errore nel job «${name}»`));
    running.add(p);
    void p.finally(() => running.delete(p));
    return p;
  };

  const daily = async () => {
    const d = jobDeps();
    await runVariationNotices(d);
    await runDirectMessages(d);
  };
  const digestCron = dailyCronAt(digestSlot(deps.env.DIGEST_CRON).time);

  const options = { timezone: TIME_ZONE, noOverlap: true } as const;
  const tasks: ScheduledTask[] = [
    cron.schedule(digestCron, () => run("riepilogo", () => runDigest(jobDeps())), { ...options, name: "riepilogo" }),
    cron.schedule(
      DIGEST_RETRY_CRON,
      () =>
        run("riepilogo-riprova", async () => {
          await runDigest(jobDeps(), { retryOnly: true });
          // Direct messages that failed this morning (each person's message is still claimed once a day).
          await runDirectMessages(jobDeps());
        }),
      {
        ...options,
        name: "riepilogo-riprova",
      },
    ),
    cron.schedule(DAILY_CRON, () => run("promemoria", daily), { ...options, name: "promemoria" }),
    // A variation already in force when registered is announced within minutes, not the next morning.
    cron.schedule(VARIATION_CRON, () => run("variazioni", () => runVariationNotices(jobDeps())), {
      ...options,
      name: "variazioni",
    }),
  ];

  // Catch-up at start: this week's digest if its time has passed, today's reminders if
  // their time has passed. Delivery keys make both no-ops when already done.
  void run("recupero", async () => {
    const now = deps.clock();
    const caught = await runDigestCatchUp(jobDeps());
    if (caught?.posted.length)
      log.info({ areas: caught.posted, week: caught.week }, "riepilogo della settimana recuperato all'avvio");
    if (lastFireBetween(DAILY_CRON, startOfRomeDay(now), now)) await daily();
    else await runVariationNotices(jobDeps());
  });

  log.info(
    { digest: deps.env.DIGEST_CRON, digestTick: digestCron, daily: DAILY_CRON, timezone: TIME_ZONE },
    "pianificazione avviata",
  );
  return {
    async stop() {
      stopped = true;
      for (const t of tasks) await t.stop();
      await Promise.allSettled([...running]);
      for (const t of tasks) await t.destroy();
    },
  };
}
