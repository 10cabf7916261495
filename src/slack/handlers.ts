import {
  chosenActivity,
  completeActivity,
  obiettivo,
  undo,
  updateActivity,
  type ChosenActivityRequest,
  type ObiettivoRequest,
} from "../app/obiettivo.ts";
import type { ChangeBus } from "../app/events.ts";
import { stato, statoAgain } from "../app/stato.ts";
import { romeDay } from "../domain/calendar/days.ts";
import type { ScopeStatus } from "../domain/status/status.ts";
import { GENERIC_ERROR_MESSAGE, UserError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { errorText, type Surface } from "../messages/errors.ts";
import type { AppDeps } from "./deps.ts";
import type { SlackMessage } from "./ui/message.ts";
import { decodeShareValue, statusMessage, statusNotice } from "./ui/status.ts";
import { messageOutcome, obiettivoOutcome, undoneOutcome, type Outcome } from "./ui/obiettivo.ts";
import { errorMessage } from "./ui/report-reply.ts";

/**
 * The use cases rendered as Block Kit, with the error policy: what the Slack listeners
 * deliver and the local console prints. No Slack transport here.
 */

/** `surface`: whose words a refusal is written in (the console shares these handlers); Slack when absent. */
export type ObiettivoDeps = AppDeps & { changes?: ChangeBus; surface?: Surface };
export type { Outcome };

/** UserErrors become their Italian message; anything else the generic one, logged. Never throws. */
export async function guard(
  log: Logger,
  userId: string,
  work: () => Promise<Outcome>,
  surface: Surface = "slack",
): Promise<Outcome> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof UserError) return messageOutcome(errorMessage(e.textFor(surface)));
    log.error({ err: e, userId }, "errore non previsto in /obiettivo");
    return messageOutcome(errorMessage(GENERIC_ERROR_MESSAGE));
  }
}

export function handleObiettivo(deps: ObiettivoDeps, req: ObiettivoRequest): Promise<Outcome> {
  return guard(deps.log, req.userId, async () => obiettivoOutcome(await obiettivo(deps, req)), deps.surface);
}

export function handleChosenActivity(deps: ObiettivoDeps, req: ChosenActivityRequest): Promise<Outcome> {
  return guard(deps.log, req.userId, async () => obiettivoOutcome(await chosenActivity(deps, req)), deps.surface);
}

export function handleCompleteButton(
  deps: ObiettivoDeps,
  req: { userId: string; year: number; code: string; triggerId?: string },
): Promise<Outcome> {
  return guard(deps.log, req.userId, async () => obiettivoOutcome(await completeActivity(deps, req)), deps.surface);
}

export function handleUpdateButton(
  deps: ObiettivoDeps,
  req: { userId: string; year: number; code: string; responseUrl?: string; channelId?: string },
): Promise<Outcome> {
  return guard(deps.log, req.userId, async () => obiettivoOutcome(await updateActivity(deps, req)), deps.surface);
}

/** Undo a report: the author only, within 15 minutes (the store enforces both). */
export async function handleUndo(
  deps: ObiettivoDeps,
  req: { userId: string; reportId: number },
): Promise<{ outcome: Outcome; undone: boolean }> {
  let undone = false;
  const outcome = await guard(
    deps.log,
    req.userId,
    async () => {
      const r = await undo(deps, req);
      undone = true;
      return undoneOutcome(r);
    },
    deps.surface,
  );
  return { outcome, undone };
}

/**
 * `/stato [area|ente] [anno]`: the reply as blocks and text. Same answer in Slack and in
 * the local console; any registered role may read, an unknown user is told who can add them.
 */
export async function handleStato(deps: ObiettivoDeps, input: { userId: string; text: string }): Promise<SlackMessage> {
  return (await statoOutcome(deps, input)).message;
}

/** The reply, and the status it shows when it is one area's (its chart follows the reply). */
export async function statoOutcome(
  deps: ObiettivoDeps,
  input: { userId: string; text: string },
): Promise<{ message: SlackMessage; area: ScopeStatus | null }> {
  try {
    const result = await stato(deps.db, { userId: input.userId, text: input.text ?? "", today: romeDay(deps.clock()) });
    const area = result.kind === "scope" && result.scope.kind === "area" ? result : null;
    return { message: statusMessage(result, { shareButton: true }), area };
  } catch (e) {
    return { message: failure(deps, e, input.userId, "/stato non riuscito"), area: null };
  }
}

export type ShareOutcome = { kind: "post"; message: SlackMessage } | { kind: "refused"; message: SlackMessage };

/**
 * What "Condividi nel canale" posts: the status computed again now (the numbers may have
 * moved since the private reply), without the button, saying who shared it.
 */
export async function buildSharedStatus(
  deps: ObiettivoDeps,
  input: { userId: string; value: string | undefined },
): Promise<ShareOutcome> {
  try {
    const result = await statoAgain(deps.db, {
      userId: input.userId,
      wanted: decodeShareValue(input.value),
      today: romeDay(deps.clock()),
    });
    if (!result)
      return {
        kind: "refused",
        message: statusNotice(errorText({ code: "stale_button", flow: "share" }, deps.surface ?? "slack")),
      };
    return { kind: "post", message: statusMessage(result, { shareButton: false, sharedBy: input.userId }) };
  } catch (e) {
    return { kind: "refused", message: failure(deps, e, input.userId, "condivisione dello stato non riuscita") };
  }
}

function failure(deps: ObiettivoDeps, e: unknown, userId: string, what: string): SlackMessage {
  if (e instanceof UserError) return statusNotice(e.textFor(deps.surface ?? "slack"));
  deps.log.error({ err: e, userId }, what);
  return statusNotice(GENERIC_ERROR_MESSAGE);
}
