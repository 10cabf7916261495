import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import { absenceCommand } from "../../app/absences.ts";
import { GENERIC_ERROR_MESSAGE, UserError } from "../../errors.ts";
import type { AppDeps } from "../deps.ts";
import { replyTargetOf, sendPrivateReply, tryPrivateReply } from "../reply.ts";
import { absenceMessage } from "../ui/absences.ts";
import { ACTION } from "../ui/ids.ts";
import { plainMessage, type SlackMessage } from "../ui/message.ts";

/** `/assenza` and the "Annulla" buttons of its answers and of App Home. The admin uses `obiettivi assenze`. */

export const ASSENZA_COMMAND = "/assenza";

/** The answer to `/assenza <text>`, for Slack and the console; never throws. */
export async function handleAssenza(deps: AppDeps, input: { userId: string; text: string }): Promise<SlackMessage> {
  try {
    return absenceMessage(await absenceCommand(deps, input));
  } catch (e) {
    if (e instanceof UserError) return plainMessage(e.message);
    deps.log.error({ err: e, userId: input.userId }, "/assenza non riuscito");
    return plainMessage(GENERIC_ERROR_MESSAGE);
  }
}

export function cancelButtonText(value: string | undefined): string | null {
  try {
    const v = JSON.parse(value ?? "") as { id?: unknown };
    return typeof v.id === "number" && Number.isInteger(v.id) ? `annulla ${v.id}` : null;
  } catch {
    return null;
  }
}

export function registerAssenza(app: App, deps: AppDeps, onChange?: (userId: string) => void): void {
  app.command(ASSENZA_COMMAND, async ({ ack, body, client }) => {
    await ack();
    const reply = await handleAssenza(deps, { userId: body.user_id, text: body.text ?? "" });
    const target = replyTargetOf(body);
    if (target) await sendPrivateReply(client, target, reply);
    onChange?.(body.user_id);
  });
  app.action<BlockAction<ButtonAction>>(ACTION.absenceCancel, async ({ ack, body, client }) => {
    await ack();
    const text = cancelButtonText(body.actions[0]?.value);
    const reply = text ? await handleAssenza(deps, { userId: body.user.id, text }) : plainMessage("Questo pulsante non è più valido: usa «/assenza elenco».");
    await tryPrivateReply(client, replyTargetOf(body), reply, deps.log);
    onChange?.(body.user.id);
  });
}
