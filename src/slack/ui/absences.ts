import type { AbsenceOutcome } from "../../app/absences.ts";
import { ABSENCE_USAGE } from "../../domain/calendar/absence-command.ts";
import { itDate } from "../../domain/text/italian.ts";
import type { AbsenceView } from "../../store/absences.ts";
import { ACTION } from "./ids.ts";
import { actions, button, context, escapeMrkdwn, plainMessage, section, type SlackMessage } from "./message.ts";

/** The answers of `/assenza`, in Slack and in the console. */

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

export function absenceMessage(o: AbsenceOutcome): SlackMessage {
  switch (o.kind) {
    case "invalid":
      return plainMessage(o.message);
    case "list":
      return absenceListMessage(o.absences);
    case "past":
      return plainMessage(`L'assenza è tutta nel passato (finisce il ${itDate(o.to)}): non serve registrarla.`);
    case "cancelled":
      return plainMessage(
        `Assenza n. ${o.absence.id} (${span(o.absence)}) annullata: in quei giorni riceverai di nuovo promemoria e domande.`,
      );
    case "added": {
      const a = o.absence;
      return {
        text: `Assenza n. ${a.id} registrata ${span(a)}. In quei giorni non riceverai messaggi diretti; il riepilogo dell'area dirà che sei assente.`,
        blocks: [
          section(`:palm_tree: Assenza n. ${a.id} registrata ${span(a)}.`),
          context(
            "In quei giorni non riceverai messaggi diretti; i promemoria delle tue attività vanno al responsabile dell'area oppure aspettano il tuo rientro, come stabilito dall'amministratore. Il riepilogo dell'area dirà che sei assente.",
          ),
          actions([button("Annulla", ACTION.absenceCancel, { id: a.id }, "danger")]),
        ],
      };
    }
  }
}
