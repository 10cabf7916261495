import type { App } from "@slack/bolt";
import type { ScopeStatus } from "../../domain/status/status.ts";
import { itDate } from "../../domain/text/italian.ts";
import { uploadAreaChart } from "../area-chart.ts";
import { buildSharedStatus, statoOutcome, type ObiettivoDeps } from "../handlers.ts";
import { listenAction, listenCommand } from "../listen.ts";
import { openDirectMessage, sendPrivateReply, tryPrivateReply } from "../reply.ts";
import { ACTION } from "../ui/ids.ts";
import { section } from "../ui/message.ts";
import { statusNotice } from "../ui/status.ts";

export const STATO_COMMAND = "/stato";

const SHARE_TEXT = {
  noChannel: "Non so in quale canale condividere lo stato: usa /stato dentro il canale e premi di nuovo il pulsante.",
  notInChannel:
    "Non posso scrivere in questo canale: è privato o non ne faccio parte. Invitami con /invite @Obiettivi e premi di nuovo il pulsante.",
  archived: "Il canale è archiviato: non posso pubblicarvi lo stato.",
  failed:
    "Non sono riuscito a pubblicare lo stato nel canale. Riprova tra poco; se il problema continua, avvisa l'amministratore del bot.",
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

export function registerStato(app: App, deps: ObiettivoDeps): void {
  // Everything after ack(): Slack gets its 200 at once, the reply goes to the response_url.
  listenCommand(app, deps, STATO_COMMAND, {
    run: (d, { userId, value: command }) => statoOutcome(d, { userId, text: command.text ?? "" }),
    deliver: async (d, { client, target, userId }, { message, area }) => {
      await sendPrivateReply(client, target, message);
      // The chart is drawn only after the reply has gone: the answer never waits for it. It goes
      // to the user's conversation with the bot, as private as the reply.
      if (area) await sendStatoChart(d, client, userId, area);
    },
  });

  listenAction(app, deps, ACTION.shareStatus, {
    run: (d, { userId, value: body }) => buildSharedStatus(d, { userId, value: body.actions[0]?.value }),
    deliver: async (d, { client, target, userId, value: body }, outcome) => {
      if (outcome.kind === "refused") {
        await tryPrivateReply(client, target, outcome.message, d.log);
        return;
      }
      const channelId = body.channel?.id ?? body.container?.channel_id;
      if (!channelId) {
        await tryPrivateReply(client, target, statusNotice(SHARE_TEXT.noChannel), d.log);
        return;
      }
      try {
        await client.chat.postMessage({
          channel: channelId,
          text: outcome.message.text,
          blocks: outcome.message.blocks,
        });
      } catch (e) {
        d.log.warn({ err: e, channelId, userId }, "stato non pubblicato nel canale");
        await tryPrivateReply(client, target, statusNotice(postErrorText(e)), d.log);
        return;
      }
      await tryPrivateReply(
        client,
        target,
        { text: "Stato condiviso nel canale.", blocks: [section(SHARE_TEXT.done(channelId))] },
        d.log,
      );
    },
  });
}

async function sendStatoChart(
  deps: ObiettivoDeps,
  client: App["client"],
  userId: string,
  status: ScopeStatus,
): Promise<void> {
  try {
    const channel = await openDirectMessage(client, userId);
    await uploadAreaChart(
      client,
      deps.log,
      { channel },
      status,
      `Grafico di /stato ${status.area!.code}: avanzamento per obiettivo al ${itDate(status.today)}.`,
    );
  } catch (e) {
    deps.log.warn({ err: e, userId }, "grafico di /stato non inviato");
  }
}
