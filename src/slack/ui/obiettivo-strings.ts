import { daysBetween } from "../../domain/calendar/days.ts";
import type { ActivityInfo } from "../../domain/plan/activity.ts";
import { itDate, itDateTime, itDays, itEuro, itNumber, itPercent } from "../../domain/text/italian.ts";
import { STATUS_LABELS, type DerivedProgress, type ProgressStatus } from "../../domain/progress/progress.ts";

/** Every Italian word of /obiettivo, its modal and its buttons, in one place. */

export const STATUS_EMOJI: Record<ProgressStatus, string> = {
  non_iniziata: ":white_circle:",
  in_corso: ":large_blue_circle:",
  completata: ":white_check_mark:",
  bloccata: ":no_entry:",
};

export const DELAY_CAUSE_LABEL: Record<string, string> = {
  carenza_personale: "carenza di personale",
  modifica_normativa: "modifica normativa",
  ritardo_altri_enti: "ritardo di altri enti",
  mancanza_risorse: "mancanza di risorse",
  priorita_cambiate: "priorità cambiate",
  altro: "altro",
};

export const T = {
  undoButton: "Annulla",
  addEvidenceButton: "Aggiungi evidenza",
  updateButton: "Aggiorna",
  chooseButton: "Scegli",
  modalTitle: "Aggiorna attività",
  modalSubmit: "Registra",
  modalClose: "Chiudi",
  pickerLabel: "Attività",
  pickerPlaceholder: "Cerca per codice o parole del titolo",
  pickerIntro: "Scegli l'attività da aggiornare: in cima quelle della tua area, poi quelle dell'ente.",
  pickerNone: "Non ci sono attività che puoi aggiornare nel piano in vigore.",
  statusLabel: "Stato",
  dateLabel: "Data di completamento",
  dateHint: "Vale per lo stato «completata»; se la lasci vuota vale oggi.",
  noteLabel: "Nota",
  noteHint: "Obbligatoria se l'attività è bloccata: scrivi il motivo.",
  evidenceLabel: "Evidenza (numero atto o link)",
  evidencePlaceholder: "Determina n. 123 del 12/03/2024, oppure https://…",
  percentLabel: "Avanzamento (%)",
  countLabel: "Totale raggiunto",
  booleanLabel: "Risultato raggiunto?",
  yes: "Sì",
  no: "No",
  amountLabel: "Importo raggiunto",
  measureLabel: "Valore misurato",
  errPickActivity: "Scegli un'attività dall'elenco.",
  errBlockedReason: "Scrivi il motivo del blocco.",
  errNothingChanged: "Non hai cambiato niente: modifica lo stato o il valore, oppure aggiungi una nota.",
  errPercent: "Scrivi un numero tra 0 e 100, per esempio 60.",
  errCount: "Scrivi un numero intero da 0 in su, per esempio 5.",
  errNumber: "Scrivi un numero da 0 in su, per esempio 1250,50.",
  errUrl:
    "Il link non è valido: scrivi un indirizzo completo, per esempio https://www.comune.it/atto/123, oppure il numero dell'atto.",
  helpTitle: "*Come si usa /obiettivo*",
  helpFooter:
    "Il codice può essere quello stampato nel piano o quello univoco. Ogni risposta è visibile solo a te e ha il pulsante «Annulla» (entro 15 minuti).",
  pickerModalText: "Modulo di aggiornamento: scegli l'attività dall'elenco (prima quelle della tua area).",
  modalNotOpened:
    "Il modulo non si è aperto in tempo. Riprova: se il problema continua, usa la forma breve, per esempio «/obiettivo 3.1.2 completato».",
  modalStale: "Il modulo non è più valido: chiudilo e riaprilo con /obiettivo.",
} as const;

export function modalText(a: Pick<ActivityInfo, "code" | "title">): string {
  return `Modulo di aggiornamento per ${activityRef(a)}.`;
}

export function activityGone(code: string): string {
  return `L'attività ${code} non è più nel piano in vigore: chiudi il modulo e riaprilo con /obiettivo.`;
}

export function statusText(status: ProgressStatus): string {
  return `${STATUS_EMOJI[status]} ${STATUS_LABELS[status]}`;
}

export function activityRef(a: Pick<ActivityInfo, "code" | "title">): string {
  return `${a.code} «${shortTitle(a.title)}»`;
}

export function shortTitle(title: string, max = 90): string {
  const t = title.replace(/\s+/g, " ").trim();
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

function unitAmount(value: number, unit: string | null): string {
  if (unit && /€|euro/i.test(unit)) return itEuro(value);
  return unit ? `${itNumber(value)} ${unit}` : itNumber(value);
}

/** What a report said, as a sentence fragment: "segnata come completata il 12/03/2024". */
export function describeReport(
  r: {
    kind: string;
    status: string | null;
    value: number | null;
    occurredOn: string;
    note: string | null;
    evidence?: string | null;
    numerator?: number | null;
    denominator?: number | null;
    valueSource?: string | null;
  },
  a: Pick<ActivityInfo, "unit">,
): string {
  const parts: string[] = [];
  const v = r.value;
  switch (r.kind) {
    case "percent":
      if (v !== null) {
        const counts =
          r.numerator != null && r.denominator != null
            ? ` (${itNumber(r.numerator, 0)} su ${itNumber(r.denominator, 0)}${r.valueSource ? `, fonte: ${r.valueSource}` : ""})`
            : "";
        parts.push(`avanzamento ${itPercent(v)}${counts}`);
      }
      break;
    case "count_add":
      if (v !== null) parts.push(`+${itNumber(v)} al conteggio${r.occurredOn ? ` (${itDate(r.occurredOn)})` : ""}`);
      break;
    case "count_set":
      if (v !== null) parts.push(`conteggio portato a ${itNumber(v)}`);
      break;
    case "boolean":
      if (v !== null) parts.push(v ? "risultato raggiunto" : "risultato non raggiunto");
      break;
    case "amount":
      if (v !== null) parts.push(`importo raggiunto ${unitAmount(v, a.unit)}`);
      break;
    case "measure":
      if (v !== null) parts.push(`valore misurato ${unitAmount(v, a.unit)}`);
      break;
    default:
      break;
  }
  if (r.status && r.status in STATUS_LABELS) {
    const s = r.status as ProgressStatus;
    parts.push(
      s === "completata" ? `segnata come completata il ${itDate(r.occurredOn)}` : `segnata come ${STATUS_LABELS[s]}`,
    );
  }
  if (r.note)
    parts.push(
      r.kind === "note" ? `nota: ${r.note}` : r.status === "bloccata" ? `motivo: ${r.note}` : `nota: ${r.note}`,
    );
  if (r.evidence) parts.push(`evidenza: ${r.evidence}`);
  return parts.length ? parts.join(" · ") : "aggiornamento senza modifiche";
}

/** The state of an activity as short labelled lines (for fields and for plain text). */
export function stateLines(a: ActivityInfo, p: DerivedProgress, today: string): { label: string; value: string }[] {
  const lines: { label: string; value: string }[] = [];
  const status =
    p.status === "completata" && p.completedOn
      ? `${statusText(p.status)} il ${itDate(p.completedOn)}`
      : statusText(p.status);
  lines.push({ label: "Stato", value: status });
  if (p.status === "bloccata" && p.blockedReason) lines.push({ label: "Motivo del blocco", value: p.blockedReason });
  if (p.percent !== null) lines.push({ label: "Avanzamento", value: itPercent(p.percent) });
  if (p.count !== null) {
    const lastPeriod = p.periodCounts.at(-1);
    const periodNote = lastPeriod ? ` (${periodLabel(lastPeriod.period)}: ${itNumber(lastPeriod.count)})` : "";
    lines.push({ label: "Conteggio", value: `${itNumber(p.count)}${periodNote}` });
  }
  if (p.achievedValue !== null) {
    lines.push({
      label: a.targetKind === "boolean" ? "Risultato" : "Valore raggiunto",
      value: a.targetKind === "boolean" ? (p.achievedValue ? T.yes : T.no) : unitAmount(p.achievedValue, a.unit),
    });
  }
  lines.push({ label: "Valore atteso", value: shortTitle(a.targetText || "—", 120) });
  if (a.deadline) lines.push({ label: "Scadenza", value: deadlineText(a.deadline, today, p.status) });
  else if (a.needsManualDate) lines.push({ label: "Scadenza", value: "da fissare (il piano non indica una data)" });
  return lines;
}

export function deadlineText(deadline: string, today: string, status: ProgressStatus): string {
  const days = daysBetween(today, deadline);
  if (status === "completata") return itDate(deadline);
  if (days < 0) return `${itDate(deadline)} (scaduta da ${itDays(-days)})`;
  if (days === 0) return `${itDate(deadline)} (scade oggi)`;
  return `${itDate(deadline)} (tra ${itDays(days)})`;
}

function periodLabel(period: string): string {
  if (/^\d{4}-W\d{2}$/.test(period)) return `settimana ${Number(period.slice(6))} del ${period.slice(0, 4)}`;
  if (/^\d{4}-\d{2}-\d{2}$/.test(period)) return itDate(period);
  if (/^\d{4}-\d{2}$/.test(period)) {
    const month = new Intl.DateTimeFormat("it-IT", { month: "long", timeZone: "UTC" }).format(
      new Date(`${period}-01T00:00:00Z`),
    );
    return `${month} ${period.slice(0, 4)}`;
  }
  return period;
}

export function undoHint(createdAt: Date, minutes: number): string {
  const until = new Date(createdAt.getTime() + minutes * 60_000);
  return `Puoi annullare entro ${minutes} minuti (fino alle ${itDateTime(until).slice(11)}).`;
}

export function whereText(a: ActivityInfo): string {
  const area = a.areaCode === null ? "obiettivo dell'ente" : `${a.areaCode}. ${a.areaName ?? ""}`.trim();
  return `Obiettivo ${a.objectiveCode} «${shortTitle(a.objectiveTitle, 60)}» · ${area}`;
}
