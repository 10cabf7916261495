import type { WebClient } from "@slack/web-api";
import type { Logger } from "../logger.ts";
import { postJson } from "./post-json.ts";
import type { SlackMessage } from "./ui/message.ts";

/**
 * Where a private answer can go, taken from whatever Slack sent: a response_url (slash
 * commands, buttons in messages), else the channel of the container, else the user's DM
 * with the app (buttons on App Home, modal submissions).
 */
export interface ReplyTarget {
  userId: string;
  responseUrl?: string;
  channelId?: string;
}

/** Reads a ReplyTarget out of any Bolt body (command, block_actions, view_submission), defensively. */
export function replyTargetOf(body: unknown): ReplyTarget | undefined {
  if (!body || typeof body !== "object") return undefined;
  const b = body as Record<string, unknown>;
  const user = b.user as { id?: unknown } | undefined;
  const userId = typeof b.user_id === "string" ? b.user_id : typeof user?.id === "string" ? user.id : undefined;
  if (!userId) return undefined;
  const responseUrls = b.response_urls as { response_url?: unknown }[] | undefined;
  const responseUrl =
    typeof b.response_url === "string"
      ? b.response_url
      : typeof responseUrls?.[0]?.response_url === "string"
        ? responseUrls[0].response_url
        : undefined;
  const channel = b.channel as { id?: unknown } | undefined;
  const container = b.container as { channel_id?: unknown } | undefined;
  const channelId =
    typeof b.channel_id === "string"
      ? b.channel_id
      : typeof channel?.id === "string"
        ? channel.id
        : typeof container?.channel_id === "string"
          ? container.channel_id
          : undefined;
  return { userId, responseUrl, channelId };
}

export interface ReplyOptions {
  /** Replace the message the button was on (e.g. "Annulla" turns the reply into "annullato"). */
  replaceOriginal?: boolean;
}

/**
 * Sends a private reply. A response_url post goes straight over HTTP (post-json.ts), like
 * Bolt's `respond`, so the same code serves listeners and the global error handler.
 */
export async function sendPrivateReply(
  client: WebClient,
  target: ReplyTarget,
  message: SlackMessage,
  options: ReplyOptions = {},
): Promise<void> {
  if (target.responseUrl) {
    const status = await postJson(target.responseUrl, {
      response_type: "ephemeral",
      replace_original: options.replaceOriginal ?? false,
      text: message.text,
      blocks: message.blocks,
    }).catch(() => 0);
    if (status >= 200 && status < 300) return;
    // An expired response_url (30 minutes, 5 uses) must not eat the answer: fall through to the DM.
  }
  if (target.channelId && !target.channelId.startsWith("D") && !target.responseUrl) {
    await client.chat.postEphemeral({
      channel: target.channelId,
      user: target.userId,
      text: message.text,
      blocks: message.blocks,
    });
    return;
  }
  await client.chat.postMessage({ channel: target.userId, text: message.text, blocks: message.blocks });
}

/** Like sendPrivateReply, but a failure only goes to the log: used where nothing else can be done. */
export async function tryPrivateReply(
  client: WebClient,
  target: ReplyTarget | undefined,
  message: SlackMessage,
  log: Logger,
): Promise<void> {
  if (!target) return;
  try {
    await sendPrivateReply(client, target, message);
  } catch (e) {
    log.error({ err: e, userId: target.userId }, "risposta a Slack non consegnata");
  }
}

/** The person's conversation with the bot (its channel ID), where files and private notices go. */
export async function openDirectMessage(client: WebClient, userId: string): Promise<string> {
  const dm = await client.conversations.open({ users: userId });
  if (!dm.channel?.id) throw new Error("conversations.open senza canale");
  return dm.channel.id;
}
