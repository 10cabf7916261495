import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import { buildSharedStatus, handleStato } from "../handlers.ts";
import type { AppDeps } from "../deps.ts";
import { replyTargetOf, sendPrivateReply, tryPrivateReply } from "../reply.ts";
import { ACTION } from "../ui/ids.ts";
import { section } from "../ui/message.ts";
import { statusNotice } from "../ui/status.ts";

export const STATO_COMMAND = "/stato";

const SHARE_TEXT = {
  noChannel: "Non so in quale canale condividere lo stato: usa /stato dentro il canale e premi di nuovo il pulsante.",
  notInChannel:
    "Non posso scrivere in questo canale: è privato o non ne faccio parte. Invitami con /invite @Obiettivi e premi di nuovo il pulsante.",
  archived: "Il canale è archiviato: non posso pubblicarvi lo stato.",
  failed: "Non sono riuscito a pubblicare lo stato nel canale. Riprova tra poco; se il problema continua, avvisa l'amministratore del bot.",
  done: (channelId: string) => `:white_check_mark: Stato condiviso in <#${channelId}>.`,
} as const;

function postErrorText(e: unknown): string {
  const code = (e as { data?: { error?: string } }).data?.error;
  switch (code) {
    case "not_in_channel":
    case "channel_not_found":
      return SHARE_TEXT.notInChannel;
    case "is_archived":
      return SHARE_TEXT.archived;
    default:
      return SHARE_TEXT.failed;
  }
}

export function registerStato(app: App, deps: AppDeps): void {
  // Everything after ack(): Slack gets its 200 at once, the reply goes to the response_url.
  app.command(STATO_COMMAND, async ({ ack, body, client }) => {
    await ack();
    const reply = await handleStato(deps, { userId: body.user_id, text: body.text ?? "" });
    const target = replyTargetOf(body);
    if (target) await sendPrivateReply(client, target, reply);
  });

  app.action<BlockAction<ButtonAction>>(ACTION.shareStatus, async ({ ack, body, client }) => {
    await ack();
    const target = replyTargetOf(body);
    const outcome = await buildSharedStatus(deps, { userId: body.user.id, value: body.actions[0]?.value });
    if (outcome.kind === "refused") {
      await tryPrivateReply(client, target, outcome.message, deps.log);
      return;
    }
    const channelId = body.channel?.id ?? body.container?.channel_id;
    if (!channelId) {
      await tryPrivateReply(client, target, statusNotice(SHARE_TEXT.noChannel), deps.log);
      return;
    }
    try {
      await client.chat.postMessage({ channel: channelId, text: outcome.message.text, blocks: outcome.message.blocks });
    } catch (e) {
      deps.log.warn({ err: e, channelId, userId: body.user.id }, "stato non pubblicato nel canale");
      await tryPrivateReply(client, target, statusNotice(postErrorText(e)), deps.log);
      return;
    }
    await tryPrivateReply(client, target, { text: "Stato condiviso nel canale.", blocks: [section(SHARE_TEXT.done(channelId))] }, deps.log);
  });
}
