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
 * Publishes homes one at a time per person: when changes arrive in a burst, the last
 * publish starts after the previous one and shows the latest state.
 */
class HomePublisher {
  private queues = new Map<string, Promise<void>>();
  constructor(
    private readonly client: WebClient,
    private readonly deps: AppDeps,
    private readonly cache: EvaluationCache,
  ) {}

  publish(userId: string): Promise<void> {
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

  // A change by anyone moves the scores; the home of who made it is refreshed at once.
  deps.changes.on((e) => {
    cache.invalidate();
    void publisher.publish(e.userId);
  });

  registerNoticeSettings(app, deps, (userId) => void publisher.publish(userId));

  registerDocumentExports(app, deps);
}
