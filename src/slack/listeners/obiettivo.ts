import type { App } from "@slack/bolt";
import { deliverOutcome } from "../deliver.ts";
import { handleObiettivo, type ObiettivoDeps } from "../handlers.ts";
import { listenCommand } from "../listen.ts";
import { errorMessage } from "../ui/report-reply.ts";

/** `/obiettivo`: the use case answers as an outcome, delivered as a private reply or a modal. */
export function registerObiettivo(app: App, deps: ObiettivoDeps): void {
  listenCommand(app, deps, "/obiettivo", {
    renderError: errorMessage,
    run: (d, { userId, value: command, triggerId }) =>
      handleObiettivo(d, {
        userId,
        text: command.text ?? "",
        triggerId,
        responseUrl: command.response_url,
        channelId: command.channel_id,
      }),
    deliver: (d, { client, target, triggerId, retryNum }, outcome) =>
      deliverOutcome(client, outcome, { target, triggerId, retryNum }, d.log),
  });
}
