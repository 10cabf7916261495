import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import { addDays, romeDay } from "../../domain/calendar/days.ts";
import { itDate } from "../../domain/text/italian.ts";
import { requireActor } from "../../domain/permissions.ts";
import { loadActor } from "../../store/users.ts";
import { weekdayName } from "../../domain/calendar/working-calendar.ts";
import { GENERIC_ERROR_MESSAGE, UserError } from "../../errors.ts";
import { loadCalendar } from "../../store/calendar.ts";
import { addSnooze } from "../../store/notifications.ts";
import type { AppDeps } from "../deps.ts";
import { replyTargetOf, tryPrivateReply } from "../reply.ts";
import { ACTION, type SnoozeButtonValue } from "../ui/ids.ts";
import { plainMessage, type SlackMessage } from "../ui/message.ts";
import { SNOOZE_DAYS } from "../ui/reminders.ts";

function parseValue(raw: string | undefined): SnoozeButtonValue | null {
  try {
    const v = JSON.parse(raw ?? "") as Partial<SnoozeButtonValue>;
    if (typeof v.year !== "number" || typeof v.code !== "string" || !v.code || (v.kind !== "reminder" && v.kind !== "question")) return null;
    return { year: v.year, code: v.code.slice(0, 64), kind: v.kind };
  } catch {
    return null;
  }
}

/** "Ricordamelo tra 3 giorni": stored; the planner holds the item and brings it back on the first working day from then. */
export async function handleSnooze(deps: AppDeps, input: { userId: string; value: string | undefined }): Promise<SlackMessage> {
  try {
    const v = parseValue(input.value);
    if (!v) return plainMessage("Questo pulsante non è più valido: il promemoria è troppo vecchio.");
    requireActor(await loadActor(deps.db, input.userId), input.userId);
    const now = deps.clock();
    const until = addDays(romeDay(now), SNOOZE_DAYS);
    await addSnooze(deps.db, { planYear: v.year, code: v.code, userId: input.userId, kind: v.kind, untilDay: until, now });
    const day = (await loadCalendar(deps.db, deps.env.PATRONO)).nextWorkingDay(until);
    return plainMessage(`Va bene: te lo ricordo ${weekdayName(day)} ${itDate(day)} (${v.code}). Fino ad allora non ti scrivo per questa attività.`);
  } catch (e) {
    if (e instanceof UserError) return plainMessage(e.message);
    deps.log.error({ err: e, userId: input.userId }, "rinvio del promemoria non riuscito");
    return plainMessage(GENERIC_ERROR_MESSAGE);
  }
}

export function registerSnooze(app: App, deps: AppDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTION.snooze, async ({ ack, body, client }) => {
    await ack();
    const reply = await handleSnooze(deps, { userId: body.user.id, value: body.actions[0]?.value });
    await tryPrivateReply(client, replyTargetOf(body), reply, deps.log);
  });
}
