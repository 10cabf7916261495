import type { WebClient } from "@slack/web-api";
import { ChangeBus, type ChangeEvent } from "../app/events.ts";
import type { Logger } from "../logger.ts";
import type { ObiettivoDeps } from "./handlers.ts";
import { sendPrivateReply, type ReplyTarget } from "./reply.ts";
import { T } from "./ui/obiettivo-strings.ts";
import type { Outcome } from "./ui/obiettivo.ts";
import { errorMessage } from "./ui/report-reply.ts";

/**
 * Puts an Outcome on Slack: a modal through views.open (the trigger lasts 3 s), a message
 * as a private reply. A retried delivery whose modal already opened stays silent.
 */
export async function deliverOutcome(
  client: WebClient,
  outcome: Outcome,
  where: { target: ReplyTarget; triggerId?: string; retryNum?: number; replaceOriginal?: boolean },
  log: Logger,
): Promise<void> {
  if (outcome.kind === "modal") {
    try {
      if (!where.triggerId) throw new Error("trigger_id mancante");
      await client.views.open({ trigger_id: where.triggerId, view: outcome.view });
      return;
    } catch (e) {
      if ((where.retryNum ?? 0) > 0) return;
      log.warn({ err: e, userId: where.target.userId }, "views.open non riuscita");
      await sendPrivateReply(client, where.target, errorMessage(T.modalNotOpened));
      return;
    }
  }
  await sendPrivateReply(client, where.target, outcome.message, { replaceOriginal: where.replaceOriginal });
}

/**
 * Changes recorded while handling a request reach the real bus only once the answer is out:
 * listeners such as App Home recompute a whole plan on each change (hundreds of ms on a large
 * one, with synchronous SQLite), and the person who typed should not wait behind them.
 */
export function holdChanges(deps: ObiettivoDeps): { deps: ObiettivoDeps; release(): void } {
  const held: ChangeEvent[] = [];
  const bus = new ChangeBus();
  bus.on((e) => held.push(e));
  return {
    deps: { ...deps, changes: bus },
    release: () => {
      for (const e of held.splice(0)) deps.changes?.emit(e);
    },
  };
}
