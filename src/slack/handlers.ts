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
import { GENERIC_ERROR_MESSAGE, UserError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { AppDeps } from "./deps.ts";
import { messageOutcome, obiettivoOutcome, undoneOutcome, type Outcome } from "./ui/obiettivo.ts";
import { errorMessage } from "./ui/report-reply.ts";

/**
 * The use cases rendered as Block Kit, with the error policy: what the Slack listeners
 * deliver and the local console prints. No Slack transport here.
 */

export type ObiettivoDeps = AppDeps & { changes?: ChangeBus };
export type { Outcome };

/** UserErrors become their Italian message; anything else the generic one, logged. Never throws. */
export async function guard(log: Logger, userId: string, work: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof UserError) return messageOutcome(errorMessage(e.message));
    log.error({ err: e, userId }, "errore non previsto in /obiettivo");
    return messageOutcome(errorMessage(GENERIC_ERROR_MESSAGE));
  }
}

export function handleObiettivo(deps: ObiettivoDeps, req: ObiettivoRequest): Promise<Outcome> {
  return guard(deps.log, req.userId, async () => obiettivoOutcome(await obiettivo(deps, req)));
}

export function handleChosenActivity(deps: ObiettivoDeps, req: ChosenActivityRequest): Promise<Outcome> {
  return guard(deps.log, req.userId, async () => obiettivoOutcome(await chosenActivity(deps, req)));
}

export function handleCompleteButton(deps: ObiettivoDeps, req: { userId: string; year: number; code: string; triggerId?: string }): Promise<Outcome> {
  return guard(deps.log, req.userId, async () => obiettivoOutcome(await completeActivity(deps, req)));
}

export function handleUpdateButton(
  deps: ObiettivoDeps,
  req: { userId: string; year: number; code: string; responseUrl?: string; channelId?: string },
): Promise<Outcome> {
  return guard(deps.log, req.userId, async () => obiettivoOutcome(await updateActivity(deps, req)));
}

/** Undo a report: the author only, within 15 minutes (the store enforces both). */
export async function handleUndo(deps: ObiettivoDeps, req: { userId: string; reportId: number }): Promise<{ outcome: Outcome; undone: boolean }> {
  let undone = false;
  const outcome = await guard(deps.log, req.userId, async () => {
    const r = await undo(deps, req);
    undone = true;
    return undoneOutcome(r);
  });
  return { outcome, undone };
}
