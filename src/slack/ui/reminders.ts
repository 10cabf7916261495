import type { KnownBlock } from "@slack/types";
import { shorten } from "../../domain/digest/text.ts";
import { itDate, itDays } from "../../domain/text/italian.ts";
import { weekdayName } from "../../domain/calendar/working-calendar.ts";
import { ACTION, type ActivityButtonValue, type SnoozeButtonValue } from "./ids.ts";
import { actions, button, context, escapeMrkdwn, section, type SlackMessage } from "./message.ts";

/** Direct messages about activities: reminders before a deadline, questions once it is late; a day's items in one message. */

export const SNOOZE_DAYS = 3;
export const SNOOZE_LABEL = `Ricordamelo tra ${SNOOZE_DAYS} giorni`;

export interface ActivityNotice {
  year: number;
  code: string;
  title: string;
  /** "03. Area Tecnico Manutentiva", or null for a Comune-wide activity. */
  areaLabel: string | null;
  deadline: string;
}

export interface NoticeItem extends ActivityNotice {
  kind: "reminder" | "question";
  /** Calendar days to the deadline (reminder) or since it (question). */
  days: number;
  /** The same in working days. */
  workingDays: number;
  /** Names of absent colleagues this reaches you for. */
  onBehalfOf: string[];
  snoozed: boolean;
}

function activityRef(a: ActivityNotice): string {
  return `*${escapeMrkdwn(a.code)}* «${escapeMrkdwn(shorten(a.title, 120))}»`;
}

function whereLine(a: ActivityNotice): string {
  return a.areaLabel ? `Area ${escapeMrkdwn(a.areaLabel)} · piano ${a.year}` : `Obiettivo di ente · piano ${a.year}`;
}

function working(days: number, workingDays: number): string {
  return workingDays === days ? "" : ` (${workingDays === 1 ? "1 lavorativo" : `${workingDays} lavorativi`})`;
}

function when(daysLeft: number, workingDays: number): string {
  if (daysLeft <= 0) return "scade oggi";
  if (daysLeft === 1) return "scade domani";
  return `scade tra ${itDays(daysLeft)}${working(daysLeft, workingDays)}`;
}

function behalfLine(i: NoticeItem): string {
  return i.onBehalfOf.length ? `\n_Ti arriva al posto di ${i.onBehalfOf.map(escapeMrkdwn).join(", ")}, assente._` : "";
}

function itemText(i: NoticeItem): string {
  if (i.kind === "reminder")
    return `Promemoria: l'attività ${i.code} ${when(i.days, i.workingDays)} (${itDate(i.deadline)}).`;
  return `L'attività ${i.code} doveva concludersi entro il ${itDate(i.deadline)} e non risulta completata (${itDays(i.days)} di ritardo${working(i.days, i.workingDays)}).`;
}

function itemBlocks(i: NoticeItem): KnownBlock[] {
  const value: ActivityButtonValue = { year: i.year, code: i.code };
  const snooze: SnoozeButtonValue = { year: i.year, code: i.code, kind: i.kind };
  const again = i.snoozed ? " (come mi hai chiesto)" : "";
  if (i.kind === "reminder") {
    return [
      section(
        `:alarm_clock: Promemoria${again}: l'attività ${activityRef(i)} ${when(i.days, i.workingDays)}, il ${itDate(i.deadline)}.\n` +
          "Se è conclusa, segnala il completamento; altrimenti aggiorna lo stato, così il riepilogo dell'area resta fedele." +
          behalfLine(i),
      ),
      context(whereLine(i)),
      actions([
        button("Segna completata", ACTION.activityComplete, value, "primary"),
        button("Aggiorna", ACTION.activityUpdate, value),
        button(SNOOZE_LABEL, ACTION.snooze, snooze),
      ]),
    ];
  }
  return [
    section(
      `:warning: L'attività ${activityRef(i)} doveva concludersi entro il ${itDate(i.deadline)} e non risulta completata: ` +
        `*${itDays(i.days)} di ritardo*${working(i.days, i.workingDays)}.\nChe cosa è successo? La causa del ritardo serve per la Relazione sulla performance: ` +
        "scriverla ora evita di doverla ricostruire a fine anno." +
        behalfLine(i),
    ),
    context(whereLine(i)),
    actions([
      button("Spiega il ritardo", ACTION.delayExplain, value, "primary"),
      button("Segna completata", ACTION.activityComplete, value),
      button(SNOOZE_LABEL, ACTION.snooze, snooze),
    ]),
  ];
}

/** The day's direct message to one person: one item as before, several under one heading. */
export function noticeBundleMessage(items: readonly NoticeItem[]): SlackMessage {
  if (items.length === 1) {
    const i = items[0]!;
    const tail =
      i.kind === "reminder"
        ? " Se è conclusa segnala il completamento, altrimenti aggiorna lo stato."
        : " Che cosa è successo?";
    return { text: itemText(i) + tail, blocks: itemBlocks(i) };
  }
  const reminders = items.filter((i) => i.kind === "reminder").length;
  const questions = items.length - reminders;
  const parts = [
    reminders ? (reminders === 1 ? "1 scadenza in arrivo" : `${reminders} scadenze in arrivo`) : "",
    questions ? (questions === 1 ? "1 attività in ritardo" : `${questions} attività in ritardo`) : "",
  ].filter(Boolean);
  const head = `Oggi per te: ${parts.join(" e ")}.`;
  const blocks: KnownBlock[] = [section(`*${head}*`)];
  for (const i of items) blocks.push({ type: "divider" }, ...itemBlocks(i));
  return { text: `${head} ${items.map(itemText).join(" ")}`, blocks: blocks.slice(0, 50) };
}

/** The answer to "Ricordamelo tra 3 giorni". */
export function snoozedMessage(code: string, day: string): SlackMessage {
  const text = `Va bene: te lo ricordo ${weekdayName(day)} ${itDate(day)} (${code}). Fino ad allora non ti scrivo per questa attività.`;
  return { text, blocks: [section(`:zzz: ${escapeMrkdwn(text)}`)] };
}
