import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import { romeDay } from "../../domain/calendar/days.ts";
import { ABSENCE_USAGE, parseAbsenceText } from "../../domain/calendar/absence-command.ts";
import { itDate } from "../../domain/text/italian.ts";
import { requireActor } from "../../domain/permissions.ts";
import { loadActor } from "../../store/users.ts";
import { GENERIC_ERROR_MESSAGE, UserError } from "../../errors.ts";
import { addAbsence, cancelAbsence, listAbsences, type AbsenceView } from "../../store/absences.ts";
import type { AppDeps } from "../deps.ts";
import { replyTargetOf, sendPrivateReply, tryPrivateReply } from "../reply.ts";
import { ACTION } from "../ui/ids.ts";
import { actions, button, context, escapeMrkdwn, plainMessage, section, type SlackMessage } from "../ui/message.ts";

/** `/assenza`: a person declares, lists and cancels their own absences. The admin uses `obiettivi assenze`. */

export const ASSENZA_COMMAND = "/assenza";

function span(a: AbsenceView): string {
  return a.from === a.to ? `il ${itDate(a.from)}` : `dal ${itDate(a.from)} al ${itDate(a.to)}`;
}

export function absenceListMessage(rows: readonly AbsenceView[]): SlackMessage {
  if (rows.length === 0) return plainMessage(`Non hai assenze in corso o in programma. ${ABSENCE_USAGE}`);
  const blocks = [section("*Le tue assenze*")];
  for (const a of rows.slice(0, 20)) {
    blocks.push({
      ...section(`n. ${a.id} — ${span(a)}${a.note ? ` · ${escapeMrkdwn(a.note)}` : ""}`),
      accessory: button("Annulla", ACTION.absenceCancel, { id: a.id }, "danger"),
    } as ReturnType<typeof section>);
  }
  return { text: `Le tue assenze: ${rows.map((a) => `n. ${a.id} ${span(a)}`).join("; ")}.`, blocks };
}

export async function handleAssenza(deps: AppDeps, input: { userId: string; text: string }): Promise<SlackMessage> {
  try {
    const parsed = parseAbsenceText(input.text);
    if (!parsed.ok) return plainMessage(parsed.message);
    requireActor(await loadActor(deps.db, input.userId), input.userId);
    const now = deps.clock();
    const today = romeDay(now);
    switch (parsed.command.kind) {
      case "help":
        return absenceListMessage(await listAbsences(deps.db, { userId: input.userId, today }));
      case "list":
        return absenceListMessage(await listAbsences(deps.db, { userId: input.userId, today }));
      case "cancel": {
        const a = await cancelAbsence(deps.db, parsed.command.id, { actor: input.userId, now, ownerId: input.userId });
        return plainMessage(`Assenza n. ${a.id} (${span(a)}) annullata: in quei giorni riceverai di nuovo promemoria e domande.`);
      }
      case "add": {
        const c = parsed.command;
        if (c.to < today) return plainMessage(`L'assenza è tutta nel passato (finisce il ${itDate(c.to)}): non serve registrarla.`);
        const a = await addAbsence(deps.db, { userId: input.userId, from: c.from, to: c.to, note: c.note, actor: input.userId, now });
        return {
          text: `Assenza n. ${a.id} registrata ${span(a)}. In quei giorni non riceverai messaggi diretti; il riepilogo dell'area dirà che sei assente.`,
          blocks: [
            section(`:palm_tree: Assenza n. ${a.id} registrata ${span(a)}.`),
            context("In quei giorni non riceverai messaggi diretti; i promemoria delle tue attività vanno al responsabile dell'area oppure aspettano il tuo rientro, come stabilito dall'amministratore. Il riepilogo dell'area dirà che sei assente."),
            actions([button("Annulla", ACTION.absenceCancel, { id: a.id }, "danger")]),
          ],
        };
      }
    }
  } catch (e) {
    if (e instanceof UserError) return plainMessage(e.message);
    deps.log.error({ err: e, userId: input.userId }, "/assenza non riuscito");
    return plainMessage(GENERIC_ERROR_MESSAGE);
  }
}

export async function handleAbsenceCancelButton(deps: AppDeps, input: { userId: string; value: string | undefined }): Promise<SlackMessage> {
  let id: number | null = null;
  try {
    const v = JSON.parse(input.value ?? "") as { id?: unknown };
    if (typeof v.id === "number" && Number.isInteger(v.id)) id = v.id;
  } catch {
    id = null;
  }
  if (id === null) return plainMessage("Questo pulsante non è più valido: usa «/assenza elenco».");
  return handleAssenza(deps, { userId: input.userId, text: `annulla ${id}` });
}

export function registerAssenza(app: App, deps: AppDeps): void {
  app.command(ASSENZA_COMMAND, async ({ ack, body, client }) => {
    await ack();
    const reply = await handleAssenza(deps, { userId: body.user_id, text: body.text ?? "" });
    const target = replyTargetOf(body);
    if (target) await sendPrivateReply(client, target, reply);
  });
  app.action<BlockAction<ButtonAction>>(ACTION.absenceCancel, async ({ ack, body, client }) => {
    await ack();
    const reply = await handleAbsenceCancelButton(deps, { userId: body.user.id, value: body.actions[0]?.value });
    await tryPrivateReply(client, replyTargetOf(body), reply, deps.log);
  });
}
