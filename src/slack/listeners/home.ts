import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { ChangeBus } from "../../app/events.ts";
import { EvaluationCache, loadHome } from "../../app/home.ts";
import type { HeavyRunner } from "../../jobs/heavy.ts";
import type { AppDeps } from "../deps.ts";
import { homeView } from "../ui/home.ts";
import { homeSampleBlocks } from "../ui/validation.ts";
import { currentSample } from "../../app/validation.ts";
import { romeDay } from "../../domain/calendar/days.ts";
import { registerDocumentExports } from "./documents.ts";
import { registerNoticeSettings } from "./notice-settings.ts";

/**
 * After a change, the home of who made it is published once they pause for this long: a burst of
 * reports (several activities ticked in a row, /obiettivo after /obiettivo) publishes one home
 * with the last state, not one per report, and the publish does not run in the moment the
 * person's next command arrives (it reads a whole area: milliseconds the command would wait).
 */
export const HOME_REFRESH_QUIET_MS = 300;
/** ...and at the latest this long after the first change of a burst that does not pause. */
export const HOME_REFRESH_MAX_WAIT_MS = 2_000;

/**
 * Publishes homes one at a time per person: when publishes are asked in a burst, the last
 * starts after the previous one and shows the latest state.
 */
class HomePublisher {
  private queues = new Map<string, Promise<void>>();
  private pending = new Map<string, { timer: NodeJS.Timeout; since: number }>();
  constructor(
    private readonly client: WebClient,
    private readonly deps: AppDeps,
    private readonly cache: EvaluationCache,
  ) {}

  /** Publishes after the person's changes pause (HOME_REFRESH_QUIET_MS), coalescing the ones in between. */
  refreshSoon(userId: string): void {
    const now = performance.now();
    const waiting = this.pending.get(userId);
    if (waiting) clearTimeout(waiting.timer);
    const since = waiting?.since ?? now;
    const delay = Math.max(0, Math.min(HOME_REFRESH_QUIET_MS, since + HOME_REFRESH_MAX_WAIT_MS - now));
    const timer = setTimeout(() => {
      this.pending.delete(userId);
      void this.publish(userId);
    }, delay);
    timer.unref(); // a refresh still waiting never holds the process open at shutdown
    this.pending.set(userId, { timer, since });
  }

  /** Publishes now (after any publish already running for the person); a refresh waiting for a pause is then moot. */
  publish(userId: string): Promise<void> {
    const waiting = this.pending.get(userId);
    if (waiting) {
      clearTimeout(waiting.timer);
      this.pending.delete(userId);
    }
    const previous = this.queues.get(userId) ?? Promise.resolve();
    const next = previous.then(() => this.publishNow(userId));
    this.queues.set(userId, next);
    void next.finally(() => {
      if (this.queues.get(userId) === next) this.queues.delete(userId);
    });
    return next;
  }

  private async publishNow(userId: string): Promise<void> {
    try {
      const now = this.deps.clock();
      const data = await loadHome(this.deps.db, userId, now, this.cache);
      const sample =
        data.kind === "home" && data.actor.role === "nucleo"
          ? homeSampleBlocks(await currentSample(this.deps.db, { year: data.year, asOf: romeDay(now), now }))
          : undefined;
      await this.client.views.publish({
        user_id: userId,
        view: homeView(data, { validation: sample, reminderDays: this.deps.env.REMINDER_DAYS }),
      });
    } catch (e) {
      this.deps.log.error({ err: e, userId }, "App Home non pubblicata");
    }
  }
}

/** App Home: app_home_opened, refresh on every change, and its document buttons (documents.ts). */
export function registerHomeListeners(app: App, deps: AppDeps & { changes: ChangeBus; heavy: HeavyRunner }): void {
  // Scores are computed in the heavy-work thread: a large plan never stalls other commands.
  const cache = new EvaluationCache(deps.clock, undefined, (_db, asOf) =>
    deps.heavy.run("home-scores", { asOf, patron: deps.env.PATRONO }, { key: `home-scores:${asOf}` }),
  );
  const publisher = new HomePublisher(app.client, deps, cache);

  app.event("app_home_opened", async ({ event }) => {
    if (event.tab !== "home") return;
    await publisher.publish(event.user);
  });

  // A change by anyone moves the scores at once; the home of who made it is refreshed when they pause.
  deps.changes.on((e) => {
    cache.invalidate();
    publisher.refreshSoon(e.userId);
  });

  registerNoticeSettings(app, deps, (userId) => void publisher.publish(userId));

  registerDocumentExports(app, deps);
}
