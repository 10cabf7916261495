import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import { deliverOutcome, holdChanges } from "../deliver.ts";
import { handleChosenActivity, handleCompleteButton, handleUndo, handleUpdateButton, type ObiettivoDeps } from "../handlers.ts";
import { replyTargetOf, type ReplyTarget } from "../reply.ts";
import { ACTION } from "../ui/ids.ts";
import { T } from "../ui/obiettivo-strings.ts";
import { errorMessage } from "../ui/report-reply.ts";

/**
 * The buttons of /obiettivo replies, also built by the digest, the reminders and App Home
 * (same ids, see ui/ids.ts). Each acks at once, checks the role on the server, then answers
 * privately; on an ephemeral reply the answer replaces the message the button was on.
 */

const activityValue = z.object({ year: z.number().int(), code: z.string().min(1).max(64) });
const chooseValue = activityValue.extend({ rest: z.string().max(4000) });
const undoValue = z.object({ reportId: z.number().int().positive() });

const STALE_BUTTON = T.staleButton;

function parseValue<T>(schema: z.ZodType<T>, raw: string | undefined): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(raw ?? ""));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

interface ButtonContext {
  userId: string;
  value: string | undefined;
  triggerId: string;
  target: ReplyTarget;
  retryNum?: number;
  /** Only a message (not App Home, not a modal) can be replaced by the answer. */
  onMessage: boolean;
}

function buttonContext(body: BlockAction, retryNum: number | undefined): ButtonContext {
  const action = body.actions[0] as ButtonAction | undefined;
  const target = replyTargetOf(body) ?? { userId: body.user.id };
  return {
    userId: body.user.id,
    value: action?.value,
    triggerId: body.trigger_id,
    target,
    retryNum,
    onMessage: Boolean(body.response_url) && body.container?.type === "message",
  };
}

export function registerReportActions(app: App, appDeps: ObiettivoDeps): void {
  /** Acks at once, then handles with changes held until the answer is out (see holdChanges). */
  const on = (actionId: string, handle: (deps: ObiettivoDeps, body: BlockAction, client: WebClient, retryNum: number | undefined) => Promise<void>) =>
    app.action<BlockAction>(actionId, async ({ ack, body, client, context }) => {
      await ack();
      const held = holdChanges(appDeps);
      try {
        await handle(held.deps, body, client, context.retryNum);
      } finally {
        held.release();
      }
    });

  on(ACTION.reportUndo, async (deps, body, client, retryNum) => {
    const b = buttonContext(body, retryNum);
    const v = parseValue(undoValue, b.value);
    const { outcome, undone } = v
      ? await handleUndo(deps, { userId: b.userId, reportId: v.reportId })
      : { outcome: { kind: "message", message: errorMessage(STALE_BUTTON) } as const, undone: false };
    // Replace the reply only on success: a refusal must not erase the reply it was pressed on.
    await deliverOutcome(client, outcome, { target: b.target, triggerId: b.triggerId, retryNum: b.retryNum, replaceOriginal: b.onMessage && undone }, deps.log);
  });

  on(ACTION.activityComplete, async (deps, body, client, retryNum) => {
    const b = buttonContext(body, retryNum);
    const v = parseValue(activityValue, b.value);
    const outcome = v
      ? await handleCompleteButton(deps, { userId: b.userId, year: v.year, code: v.code, triggerId: b.triggerId })
      : ({ kind: "message", message: errorMessage(STALE_BUTTON) } as const);
    await deliverOutcome(client, outcome, { target: b.target, triggerId: b.triggerId, retryNum: b.retryNum }, deps.log);
  });

  on(ACTION.activityUpdate, async (deps, body, client, retryNum) => {
    const b = buttonContext(body, retryNum);
    const v = parseValue(activityValue, b.value);
    const outcome = v
      ? await handleUpdateButton(deps, { userId: b.userId, year: v.year, code: v.code, responseUrl: b.target.responseUrl, channelId: b.target.channelId })
      : ({ kind: "message", message: errorMessage(STALE_BUTTON) } as const);
    await deliverOutcome(client, outcome, { target: b.target, triggerId: b.triggerId, retryNum: b.retryNum }, deps.log);
  });

  on(ACTION.chooseActivity, async (deps, body, client, retryNum) => {
    const b = buttonContext(body, retryNum);
    const v = parseValue(chooseValue, b.value);
    const outcome = v
      ? await handleChosenActivity(deps, {
          userId: b.userId,
          year: v.year,
          code: v.code,
          rest: v.rest,
          triggerId: b.triggerId,
          responseUrl: b.target.responseUrl,
          channelId: b.target.channelId,
        })
      : ({ kind: "message", message: errorMessage(STALE_BUTTON) } as const);
    // The choice made, its buttons have done their job: the answer takes their place.
    await deliverOutcome(client, outcome, { target: b.target, triggerId: b.triggerId, retryNum: b.retryNum, replaceOriginal: b.onMessage && outcome.kind === "message" }, deps.log);
  });
}
