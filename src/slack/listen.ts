import type { App, BlockAction, ButtonAction, SlashCommand } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { z } from "zod";
import { GENERIC_ERROR_MESSAGE, UserError } from "../errors.ts";
import type { AppError } from "../messages/errors.ts";
import { holdChanges } from "./deliver.ts";
import type { ObiettivoDeps } from "./handlers.ts";
import { replyTargetOf, tryPrivateReply, type ReplyTarget } from "./reply.ts";
import { plainMessage, type SlackMessage } from "./ui/message.ts";

/**
 * The one way a Slack listener runs: ack at once → parse what Slack sent (zod for a button's
 * value) → call the use case → deliver. One error policy: a UserError is answered privately
 * with its Italian text; anything else gets the generic message, the detail going only to the
 * log. Changes recorded meanwhile reach the bus only once the answer is out (holdChanges).
 */

export interface Heard<V> {
  userId: string;
  value: V;
  client: WebClient;
  /** Where a private answer goes (response_url, channel, else the DM). */
  target: ReplyTarget;
  triggerId?: string;
  /** Slack's retry counter: a retried delivery whose modal already opened stays silent. */
  retryNum?: number;
}

export interface Listener<V, R> {
  /** The deps the use case gets: changes held until `deliver` is done. */
  run(deps: ObiettivoDeps, heard: Heard<V>): Promise<R>;
  deliver(deps: ObiettivoDeps, heard: Heard<V>, result: R): Promise<void>;
  /** How a user error is shown (the /obiettivo family has its own look); a plain message otherwise. */
  renderError?: (text: string) => SlackMessage;
}

async function hear<V, R>(deps: ObiettivoDeps, heard: Heard<V>, listener: Listener<V, R>, what: string): Promise<void> {
  const held = holdChanges(deps);
  try {
    const result = await listener.run(held.deps, heard);
    await listener.deliver(held.deps, heard, result);
  } catch (e) {
    const render = listener.renderError ?? plainMessage;
    if (e instanceof UserError) {
      await tryPrivateReply(heard.client, heard.target, render(e.textFor("slack")), deps.log);
      return;
    }
    deps.log.error({ err: e, userId: heard.userId }, `errore non previsto: ${what}`);
    await tryPrivateReply(heard.client, heard.target, render(GENERIC_ERROR_MESSAGE), deps.log);
  } finally {
    held.release();
  }
}

/** A slash command: its text is the value. */
export function listenCommand<R>(
  app: App,
  deps: ObiettivoDeps,
  name: string,
  listener: Listener<SlashCommand, R>,
): void {
  app.command(name, async ({ ack, command, client, context }) => {
    await ack();
    const target: ReplyTarget = {
      userId: command.user_id,
      responseUrl: command.response_url,
      channelId: command.channel_id,
    };
    await hear(
      deps,
      {
        userId: command.user_id,
        value: command,
        client,
        target,
        triggerId: command.trigger_id,
        retryNum: context.retryNum,
      },
      listener,
      name,
    );
  });
}

/** Any block action (the value left to the listener to read). */
export function listenAction<R>(
  app: App,
  deps: ObiettivoDeps,
  actionId: string,
  listener: Listener<BlockAction<ButtonAction>, R>,
): void {
  app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, client, context }) => {
    await ack();
    const target = replyTargetOf(body) ?? { userId: body.user.id };
    await hear(
      deps,
      { userId: body.user.id, value: body, client, target, triggerId: body.trigger_id, retryNum: context.retryNum },
      listener,
      actionId,
    );
  });
}

export interface ButtonValue<V> {
  body: BlockAction<ButtonAction>;
  /** The button's JSON value, checked by the schema. */
  parsed: V;
}

/**
 * A button whose value is JSON checked by `schema`; a value that does not fit (an old
 * message, a forged request) is refused with `stale`.
 */
export function listenButton<V, R>(
  app: App,
  deps: ObiettivoDeps,
  actionId: string,
  schema: z.ZodType<V>,
  stale: AppError,
  listener: Listener<ButtonValue<V>, R>,
): void {
  listenAction(app, deps, actionId, {
    renderError: listener.renderError,
    run: async (d, heard) => {
      const parsed = parseJsonValue(schema, heard.value.actions[0]?.value);
      if (parsed === null) throw new UserError(stale);
      const value = { body: heard.value, parsed };
      return { value, result: await listener.run(d, { ...heard, value }) };
    },
    deliver: (d, heard, r) => listener.deliver(d, { ...heard, value: r.value }, r.result),
  });
}

export function parseJsonValue<V>(schema: z.ZodType<V>, raw: string | undefined): V | null {
  try {
    const parsed = schema.safeParse(JSON.parse(raw ?? ""));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
