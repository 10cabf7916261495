import { shorten } from "../../domain/digest/text.ts";
import { itDate, itDays } from "../../domain/text/italian.ts";
import { ACTION, type ActivityButtonValue } from "./ids.ts";
import { actions, button, context, escapeMrkdwn, section, type SlackMessage } from "./message.ts";

/** Direct messages about one activity: a reminder before its deadline, a question once it is late. */

export interface ActivityNotice {
  year: number;
  code: string;
  title: string;
  /** "03. Area Tecnico Manutentiva", or null for a Comune-wide activity. */
  areaLabel: string | null;
  deadline: string;
}

function activityRef(a: ActivityNotice): string {
  return `*${escapeMrkdwn(a.code)}* «${escapeMrkdwn(shorten(a.title, 120))}»`;
}

function whereLine(a: ActivityNotice): string {
  return a.areaLabel ? `Area ${escapeMrkdwn(a.areaLabel)} · piano ${a.year}` : `Obiettivo di ente · piano ${a.year}`;
}

function when(daysLeft: number): string {
  if (daysLeft <= 0) return "scade oggi";
  if (daysLeft === 1) return "scade domani";
  return `scade tra ${itDays(daysLeft)}`;
}

export function reminderMessage(a: ActivityNotice & { daysLeft: number }): SlackMessage {
  const value: ActivityButtonValue = { year: a.year, code: a.code };
  const text = `Promemoria: l'attività ${a.code} ${when(a.daysLeft)} (${itDate(a.deadline)}). Se è conclusa segnala il completamento, altrimenti aggiorna lo stato.`;
  return {
    text,
    blocks: [
      section(
        `:alarm_clock: Promemoria: l'attività ${activityRef(a)} ${when(a.daysLeft)}, il ${itDate(a.deadline)}.\n` +
          "Se è conclusa, segnala il completamento; altrimenti aggiorna lo stato, così il riepilogo dell'area resta fedele.",
      ),
      context(whereLine(a)),
      actions([button("Segna completata", ACTION.activityComplete, value, "primary"), button("Aggiorna", ACTION.activityUpdate, value)]),
    ],
  };
}

export function overdueQuestionMessage(a: ActivityNotice & { daysLate: number }): SlackMessage {
  const value: ActivityButtonValue = { year: a.year, code: a.code };
  const text = `L'attività ${a.code} doveva concludersi entro il ${itDate(a.deadline)} e non risulta completata (${itDays(a.daysLate)} di ritardo). Che cosa è successo?`;
  return {
    text,
    blocks: [
      section(
        `:warning: L'attività ${activityRef(a)} doveva concludersi entro il ${itDate(a.deadline)} e non risulta completata: ` +
          `*${itDays(a.daysLate)} di ritardo*.\nChe cosa è successo? La causa del ritardo serve per la Relazione sulla performance: ` +
          "scriverla ora evita di doverla ricostruire a fine anno.",
      ),
      context(whereLine(a)),
      actions([
        button("Spiega il ritardo", ACTION.delayExplain, value, "primary"),
        button("Segna completata", ACTION.activityComplete, value),
      ]),
    ],
  };
}
