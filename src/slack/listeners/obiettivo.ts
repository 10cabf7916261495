import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { deliverOutcome, holdChanges } from "../deliver.ts";
import { handleObiettivo, type ObiettivoDeps } from "../handlers.ts";

export function registerObiettivo(app: App, deps: ObiettivoDeps): void {
  app.command("/obiettivo", async ({ ack, command, client, context }) => {
    await ack();
    const held = holdChanges(deps);
    try {
      await answerCommand(held.deps, command, client, context.retryNum);
    } finally {
      held.release();
    }
  });
}

async function answerCommand(
  deps: ObiettivoDeps,
  command: { user_id: string; text?: string; trigger_id: string; response_url: string; channel_id: string },
  client: WebClient,
  retryNum: number | undefined,
): Promise<void> {
  const outcome = await handleObiettivo(deps, {
    userId: command.user_id,
    text: command.text ?? "",
    triggerId: command.trigger_id,
    responseUrl: command.response_url,
    channelId: command.channel_id,
  });
  await deliverOutcome(
    client,
    outcome,
    { target: { userId: command.user_id, responseUrl: command.response_url, channelId: command.channel_id }, triggerId: command.trigger_id, retryNum },
    deps.log,
  );
}
