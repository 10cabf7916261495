import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import { romeDay } from "../../clock.ts";
import { itDate } from "../../domain/italian-format.ts";
import { loadActor, requireActor } from "../../domain/permissions.ts";
import { statusForScope, statusForText } from "../../domain/status.ts";
import { GENERIC_ERROR_MESSAGE, UserError } from "../../errors.ts";
import type { ScopeStatus } from "../../domain/status.ts";
import { uploadAreaChart } from "../area-chart.ts";
import type { AppDeps } from "../deps.ts";
import { replyTargetOf, sendPrivateReply, tryPrivateReply } from "../reply.ts";
import { ACTION } from "../ui/ids.ts";
import { section, type SlackMessage } from "../ui/message.ts";
import { decodeShareValue, statusMessage, statusNotice } from "../ui/status.ts";

export const STATO_COMMAND = "/stato";

const SHARE_TEXT = {
  badButton: "Questo pulsante non è più valido: ripeti /stato e premi di nuovo «Condividi nel canale».",
  noChannel: "Non so in quale canale condividere lo stato: usa /stato dentro il canale e premi di nuovo il pulsante.",
  notInChannel:
    "Non posso scrivere in questo canale: è privato o non ne faccio parte. Invitami con /invite @Obiettivi e premi di nuovo il pulsante.",
  archived: "Il canale è archiviato: non posso pubblicarvi lo stato.",
  failed: "Non sono riuscito a pubblicare lo stato nel canale. Riprova tra poco; se il problema continua, avvisa l'amministratore del bot.",
  done: (channelId: string) => `:white_check_mark: Stato condiviso in <#${channelId}>.`,
} as const;

/**
 * `/stato [area|ente] [anno]`: the reply as blocks and text. Same answer in Slack and in
 * the local console; any registered role may read, an unknown user is told who can add them.
 */
export async function handleStato(deps: AppDeps, input: { userId: string; text: string }): Promise<SlackMessage> {
  return (await statoOutcome(deps, input)).message;
}

/** The reply, and the status it shows when it is one area's (its chart follows the reply). */
export async function statoOutcome(deps: AppDeps, input: { userId: string; text: string }): Promise<{ message: SlackMessage; area: ScopeStatus | null }> {
  try {
    requireActor(await loadActor(deps.db, input.userId), input.userId);
    const result = await statusForText(deps.db, input.text ?? "", romeDay(deps.clock()));
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
export async function buildSharedStatus(deps: AppDeps, input: { userId: string; value: string | undefined }): Promise<ShareOutcome> {
  try {
    requireActor(await loadActor(deps.db, input.userId), input.userId);
    const wanted = decodeShareValue(input.value);
    if (!wanted) return { kind: "refused", message: statusNotice(SHARE_TEXT.badButton) };
    const result = await statusForScope(deps.db, wanted.scope, { year: wanted.year, today: romeDay(deps.clock()) });
    return { kind: "post", message: statusMessage(result, { shareButton: false, sharedBy: input.userId }) };
  } catch (e) {
    return { kind: "refused", message: failure(deps, e, input.userId, "condivisione dello stato non riuscita") };
  }
}

function failure(deps: AppDeps, e: unknown, userId: string, what: string): SlackMessage {
  if (e instanceof UserError) return statusNotice(e.message);
  deps.log.error({ err: e, userId }, what);
  return statusNotice(GENERIC_ERROR_MESSAGE);
}

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
    const { message, area } = await statoOutcome(deps, { userId: body.user_id, text: body.text ?? "" });
    const target = replyTargetOf(body);
    if (target) await sendPrivateReply(client, target, message);
    // The chart is drawn only after the reply has gone: the answer never waits for it. It goes
    // to the user's conversation with the bot, as private as the reply.
    if (area) await sendStatoChart(deps, client, body.user_id, area);
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

async function sendStatoChart(deps: AppDeps, client: App["client"], userId: string, status: ScopeStatus): Promise<void> {
  try {
    const dm = await client.conversations.open({ users: userId });
    const channel = dm.channel?.id;
    if (!channel) return;
    await uploadAreaChart(client, deps.log, { channel }, status, `Grafico di /stato ${status.area!.code}: avanzamento per obiettivo al ${itDate(status.today)}.`);
  } catch (e) {
    deps.log.warn({ err: e, userId }, "grafico di /stato non inviato");
  }
}
