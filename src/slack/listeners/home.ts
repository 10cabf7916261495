import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import type { ChangeBus } from "../../app/events.ts";
import { EvaluationCache, loadHome } from "../../app/home.ts";
import { relazioneExport } from "../../app/relazione.ts";
import { UserError } from "../../errors.ts";
import type { AppDeps } from "../deps.ts";
import { listenAction } from "../listen.ts";
import { HOME_TEXT, homeView } from "../ui/home.ts";
import { ACTION } from "../ui/ids.ts";
import { registerNoticeSettings } from "./notice-settings.ts";

const exportValue = z.object({ year: z.number().int() });

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
      const data = await loadHome(this.deps.db, userId, this.deps.clock(), this.cache);
      await this.client.views.publish({ user_id: userId, view: homeView(data, { reminderDays: this.deps.env.REMINDER_DAYS }) });
    } catch (e) {
      this.deps.log.error({ err: e, userId }, "App Home non pubblicata");
    }
  }
}

/** App Home: app_home_opened, refresh on every change, "Esporta Relazione". */
export function registerHomeListeners(app: App, deps: AppDeps & { changes: ChangeBus }): void {
  const cache = new EvaluationCache(deps.clock, undefined, deps.env.PATRONO);
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

  listenAction(app, deps, ACTION.exportRelazione, {
    run: (d, { userId, value: body }) => {
      const parsed = exportValue.safeParse(safeJson(body.actions[0]?.value));
      return relazioneExport(d.db, { userId, year: parsed.success ? parsed.data.year : undefined, now: d.clock() });
    },
    deliver: async (d, { client, userId }, { relazione, today, file }) => {
      try {
        const dm = await client.conversations.open({ users: userId });
        const channel = dm.channel?.id;
        if (!channel) throw new Error("conversations.open senza canale");
        await client.files.uploadV2({
          channel_id: channel,
          file,
          filename: HOME_TEXT.exportFilename(relazione.year, today),
          title: HOME_TEXT.exportTitle(relazione.year, today),
          initial_comment: HOME_TEXT.exportDone(relazione.year, today),
        });
      } catch (e) {
        d.log.error({ err: e, userId }, "Relazione non inviata");
        throw new UserError({ code: "export_failed" });
      }
    },
  });
}

function safeJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? "");
  } catch {
    return null;
  }
}
