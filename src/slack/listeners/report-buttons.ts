import type { App, BlockAction } from "@slack/bolt";
import { z } from "zod";
import type { AppError } from "../../messages/errors.ts";
import { deliverOutcome } from "../deliver.ts";
import {
  handleChosenActivity,
  handleCompleteButton,
  handleUndo,
  handleUpdateButton,
  type ObiettivoDeps,
} from "../handlers.ts";
import { listenButton } from "../listen.ts";
import { ACTION } from "../ui/ids.ts";
import { errorMessage } from "../ui/report-reply.ts";

/**
 * The buttons of /obiettivo replies, also built by the digest, the reminders and App Home
 * (same ids, see ui/ids.ts). Each acks at once, checks the role on the server, then answers
 * privately; on an ephemeral reply the answer replaces the message the button was on.
 */

const activityValue = z.object({ year: z.number().int(), code: z.string().min(1).max(64) });
const chooseValue = activityValue.extend({ rest: z.string().max(4000) });
const undoValue = z.object({ reportId: z.number().int().positive() });

const STALE: AppError = { code: "stale_button", flow: "report" };

/** Only a message (not App Home, not a modal) can be replaced by the answer. */
function onMessage(body: BlockAction): boolean {
  return Boolean(body.response_url) && body.container?.type === "message";
}

export function registerReportActions(app: App, deps: ObiettivoDeps): void {
  listenButton(app, deps, ACTION.reportUndo, undoValue, STALE, {
    renderError: errorMessage,
    run: (d, { userId, value }) => handleUndo(d, { userId, reportId: value.parsed.reportId }),
    // Replace the reply only on success: a refusal must not erase the reply it was pressed on.
    deliver: (d, { client, target, triggerId, retryNum, value }, { outcome, undone }) =>
      deliverOutcome(
        client,
        outcome,
        { target, triggerId, retryNum, replaceOriginal: onMessage(value.body) && undone },
        d.log,
      ),
  });

  listenButton(app, deps, ACTION.activityComplete, activityValue, STALE, {
    renderError: errorMessage,
    run: (d, { userId, value, triggerId }) =>
      handleCompleteButton(d, { userId, year: value.parsed.year, code: value.parsed.code, triggerId }),
    deliver: (d, { client, target, triggerId, retryNum }, outcome) =>
      deliverOutcome(client, outcome, { target, triggerId, retryNum }, d.log),
  });

  listenButton(app, deps, ACTION.activityUpdate, activityValue, STALE, {
    renderError: errorMessage,
    run: (d, { userId, value, target }) =>
      handleUpdateButton(d, {
        userId,
        year: value.parsed.year,
        code: value.parsed.code,
        responseUrl: target.responseUrl,
        channelId: target.channelId,
      }),
    deliver: (d, { client, target, triggerId, retryNum }, outcome) =>
      deliverOutcome(client, outcome, { target, triggerId, retryNum }, d.log),
  });

  listenButton(app, deps, ACTION.chooseActivity, chooseValue, STALE, {
    renderError: errorMessage,
    run: (d, { userId, value, target, triggerId }) =>
      handleChosenActivity(d, {
        userId,
        year: value.parsed.year,
        code: value.parsed.code,
        rest: value.parsed.rest,
        triggerId,
        responseUrl: target.responseUrl,
        channelId: target.channelId,
      }),
    // The choice made, its buttons have done their job: the answer takes their place.
    deliver: (d, { client, target, triggerId, retryNum, value }, outcome) =>
      deliverOutcome(
        client,
        outcome,
        { target, triggerId, retryNum, replaceOriginal: onMessage(value.body) && outcome.kind === "message" },
        d.log,
      ),
  });
}
