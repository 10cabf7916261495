import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import type { ChangeBus } from "../../app/events.ts";
import { EvaluationCache, loadHome } from "../../app/home.ts";
import { relazioneExport } from "../../app/relazione.ts";
import { UserError } from "../../errors.ts";
import type { HeavyRunner } from "../../jobs/heavy.ts";
import type { AppDeps } from "../deps.ts";
import { listenAction } from "../listen.ts";
import { HOME_TEXT, homeView } from "../ui/home.ts";
import { ACTION } from "../ui/ids.ts";
import { homeSampleBlocks } from "../ui/validation.ts";
import { currentSample } from "../../app/validation.ts";
import { romeDay } from "../../domain/calendar/days.ts";
import { registerNoticeSettings } from "./notice-settings.ts";

const exportValue = z.object({ year: z.number().int() });

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

/** App Home: app_home_opened, refresh on every change, "Esporta Relazione". */
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

  for (const [actionId, format] of [
    [ACTION.exportRelazione, "xlsx"],
    [ACTION.exportRelazioneDocx, "docx"],
  ] as const) {
    listenAction(app, deps, actionId, {
      run: (d, { userId, value: body, client }) => {
        const parsed = exportValue.safeParse(safeJson(body.actions[0]?.value));
        // While another job runs the user is told at once, in the DM where the file will arrive.
        const queued = () =>
          void openDm(client, userId)
            .then((channel) => client.chat.postMessage({ channel, text: HOME_TEXT.exportQueued }))
            .catch((e: unknown) => d.log.warn({ err: e, userId }, "avviso «in preparazione» non inviato"));
        return relazioneExport(d.db, deps.heavy, {
          userId,
          year: parsed.success ? parsed.data.year : undefined,
          format,
          now: d.clock(),
          queued,
        });
      },
      deliver: async (d, { client, userId }, made) => {
        if (made.kind === "joined") return; // the first request delivers it
        try {
          await client.files.uploadV2({
            channel_id: await openDm(client, userId),
            file: made.file,
            filename: HOME_TEXT.exportFilename(made.year, made.today, made.format),
            title: HOME_TEXT.exportTitle(made.year, made.today),
            initial_comment: HOME_TEXT.exportDone(made.year, made.today, made.format),
          });
        } catch (e) {
          d.log.error({ err: e, userId }, "Relazione non inviata");
          throw new UserError({ code: "export_failed" });
        }
      },
    });
  }
}

async function openDm(client: WebClient, userId: string): Promise<string> {
  const dm = await client.conversations.open({ users: userId });
  if (!dm.channel?.id) throw new Error("conversations.open senza canale");
  return dm.channel.id;
}

function safeJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? "");
  } catch {
    return null;
  }
}
