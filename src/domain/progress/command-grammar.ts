import { addDays } from "../calendar/days.ts";
import { parseItalianDate, parseItalianNumber } from "../plan/targets.ts";
import { MAX_REPORT_NOTE } from "./progress.ts";
import { MAX_COUNT, noteTooLong, valueProblem } from "./validate.ts";
import { checkPercentCounts, MAX_SOURCE_LENGTH } from "../validation/counts.ts";

/**
 * The text after `/obiettivo`, read into a typed command. Pure: the caller gives
 * today's date (for "ieri", "12/03" without a year). Tolerant of case, accents and
 * spacing; anything else gets an Italian message saying what was expected, with an example.
 */

export type ReportAction =
  | { kind: "complete"; on: string | null; note: string | null }
  | { kind: "in_progress"; note: string | null }
  | { kind: "not_started"; note: string | null }
  | { kind: "blocked"; reason: string }
  | { kind: "percent"; percent: number; note: string | null }
  | { kind: "count_add"; delta: number; note: string | null }
  | { kind: "count_set"; value: number; note: string | null }
  /** A percentage with its counts: "= 45/47 fonte: protocollo". */
  | {
      kind: "ratio";
      numerator: number;
      denominator: number;
      percent: number;
      source: string | null;
      note: string | null;
    }
  | { kind: "note"; text: string };

export type ObiettivoCommand =
  | { kind: "help" }
  | { kind: "picker" }
  | { kind: "open"; code: string }
  | { kind: "history"; code: string }
  | { kind: "report"; code: string; action: ReportAction; onBehalfOf?: OnBehalf };

/** `… per <@U123|mario>`: a report recorded for someone else (a Slack mention, or a plain "@nome" to look up). */
export type OnBehalf = { userId: string } | { name: string };

export type GrammarResult = { ok: true; command: ObiettivoCommand } | { ok: false; message: string };

export const MAX_COMMAND_LENGTH = 3000;

export const EXAMPLE_CODE = "3.1.2";

/** The lines of `/obiettivo aiuto`, also reused in error messages. */
export const GRAMMAR_LINES: readonly { form: string; meaning: string }[] = [
  {
    form: `/obiettivo ${EXAMPLE_CODE} completato`,
    meaning: "attività completata oggi (anche: completata, fatto, concluso)",
  },
  { form: `/obiettivo ${EXAMPLE_CODE} completato il 12/03/2024`, meaning: "completata in quella data" },
  { form: `/obiettivo ${EXAMPLE_CODE} 60%`, meaning: "avanzamento in percentuale" },
  {
    form: "/obiettivo 3.3.2 +1 sopralluogo via Roma",
    meaning: "aggiunge 1 al conteggio (indicatori numerici), con una nota facoltativa",
  },
  { form: "/obiettivo 3.3.2 = 5", meaning: "imposta il conteggio a 5 (indicatori numerici)" },
  {
    form: "/obiettivo 5.1.1 = 45/47 fonte: protocollo",
    meaning: "percentuale con i conteggi (45 su 47 = 95,7%) e la fonte del dato (indicatori in percentuale)",
  },
  { form: `/obiettivo ${EXAMPLE_CODE} in corso`, meaning: "attività avviata" },
  {
    form: `/obiettivo ${EXAMPLE_CODE} bloccato in attesa del parere della Regione`,
    meaning: "attività bloccata, con il motivo",
  },
  {
    form: `/obiettivo ${EXAMPLE_CODE} nota inviata la richiesta all'ufficio tecnico`,
    meaning: "aggiunge una nota senza cambiare lo stato",
  },
  {
    form: `/obiettivo ${EXAMPLE_CODE} completato per @Mario`,
    meaning: "registra per un collega della tua area (solo responsabili e Segretario)",
  },
  { form: `/obiettivo ${EXAMPLE_CODE}`, meaning: "apre il modulo di aggiornamento, già compilato" },
  { form: "/obiettivo", meaning: "apre il modulo con l'elenco delle attività (prima quelle della tua area)" },
  { form: `/obiettivo ${EXAMPLE_CODE} storia`, meaning: "la cronologia degli aggiornamenti dell'attività" },
  { form: "/obiettivo aiuto", meaning: "questa guida" },
];

const COMPLETE_WORDS = new Set([
  "completato",
  "completata",
  "completati",
  "completate",
  "completo",
  "completa",
  "fatto",
  "fatta",
  "fatti",
  "fatte",
  "concluso",
  "conclusa",
  "conclusi",
  "concluse",
  "terminato",
  "terminata",
  "finito",
  "finita",
  "chiuso",
  "chiusa",
]);
const BLOCKED_WORDS = new Set(["bloccato", "bloccata", "bloccati", "bloccate", "blocco", "sospeso", "sospesa"]);
const STARTED_WORDS = new Set(["avviato", "avviata", "iniziato", "iniziata"]);
const NOT_STARTED_AFTER_NON = new Set(["iniziato", "iniziata", "iniziate", "iniziati", "avviato", "avviata"]);
const NOTE_WORDS = new Set(["nota", "note", "commento"]);
const HISTORY_WORDS = new Set(["storia", "storico", "cronologia"]);
const HELP_WORDS = new Set(["aiuto", "help", "?", "guida", "istruzioni", "comandi"]);
const DATE_LEAD_WORDS = new Set(["il", "in", "data", "in data", "al", "giorno", "del"]);

/** A number the shared report rules accept for that kind (src/domain/progress/validate.ts). */
function accepted(kind: "percent" | "count_add" | "count_set", n: number | null): n is number {
  return n !== null && valueProblem(kind, n) === null;
}

/** Lowercase, without accents: how keywords are compared ("è" = "e", "COMPLETATO" = "completato"). */
export function foldWord(word: string): string {
  return word
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase();
}

/**
 * What Slack and keyboards put in text that a reader does not see: control characters,
 * zero-width marks, odd spaces; and Slack's own escaping of &, < and >.
 */
export function cleanCommandText(text: string): string {
  return (
    text
      .normalize("NFKC")
      // With should_escape (needed for the user ids of "per @collega") Slack wraps links and channels.
      .replace(/<((?:https?|mailto):[^|>\s]+)(?:\|[^>]*)?>/g, "$1")
      .replace(/<#[CG][A-Z0-9]+\|([^>]*)>/g, "#$1")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&")
      .replace(/[\u200B-\u200D\u2060\uFEFF\u00AD]/g, "")
      .replace(/[\p{Cc}\p{Zs}\u2028\u2029]+/gu, " ")
      .replace(/[\p{Co}\p{Cs}]/gu, "")
      .trim()
  );
}

/** A plan code as typed: "3.1.2", "E1.2", "1005.1.4"; commas and a final dot forgiven ("3,1,2" or "3.1.2."). */
const CODE_PATTERN = /^(?:[a-z]{1,3}\d{0,4}|\d{1,5})(?:[.\-/][0-9a-z]{1,5}){0,5}$/i;

export function normalizeCode(token: string): string | null {
  const t = token.replace(/,/g, ".").replace(/[.:;]+$/, "");
  if (t.length === 0 || t.length > 24 || !/\d/.test(t) || !CODE_PATTERN.test(t)) return null;
  return t;
}

function err(message: string): { ok: false; message: string } {
  return { ok: false, message };
}

function usageHint(): string {
  return `Scrivi il codice dell'attività e cosa è successo, per esempio «/obiettivo ${EXAMPLE_CODE} completato» oppure «/obiettivo ${EXAMPLE_CODE} 60%». Per tutti i comandi: «/obiettivo aiuto».`;
}

function quote(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return `«${shown}»`;
}

/** The free text after a keyword: null when empty; an error when too long. */
function freeText(raw: string): { ok: true; value: string | null } | { ok: false; message: string } {
  const value = raw.trim();
  if (value.length === 0) return { ok: true, value: null };
  if (noteTooLong(value)) {
    return {
      ok: false,
      message: `La nota è troppo lunga (${value.length} caratteri): il massimo è ${MAX_REPORT_NOTE}. Per testi lunghi usa il modulo: «/obiettivo ${EXAMPLE_CODE}».`,
    };
  }
  return { ok: true, value };
}

export interface GrammarContext {
  /** Today in Rome (ISO): "ieri", and dates typed without a year. */
  today: string;
}

export function parseObiettivoText(input: string, ctx: GrammarContext): GrammarResult {
  if (typeof input !== "string") return err(usageHint());
  if (input.length > MAX_COMMAND_LENGTH * 4) {
    return err(`Il testo è troppo lungo (massimo ${MAX_COMMAND_LENGTH} caratteri). ${usageHint()}`);
  }
  const text = cleanCommandText(input);
  if (text.length === 0) return { ok: true, command: { kind: "picker" } };
  if (text.length > MAX_COMMAND_LENGTH) {
    return err(`Il testo è troppo lungo (${text.length} caratteri, massimo ${MAX_COMMAND_LENGTH}). ${usageHint()}`);
  }

  const behalf = splitOnBehalf(text);
  if (behalf && "error" in behalf) return err(behalf.error);
  const body = behalf ? behalf.text : text;
  const firstSpace = body.search(/\s/);
  const head = firstSpace < 0 ? body : body.slice(0, firstSpace);
  const rest = firstSpace < 0 ? "" : body.slice(firstSpace + 1).trim();
  const headWord = keyword(head);

  if (HELP_WORDS.has(headWord) && rest.length === 0) return { ok: true, command: { kind: "help" } };

  const code = normalizeCode(head);
  if (code === null) {
    // "completato 3.1.2": the right words in the wrong order deserve a precise hint.
    const second = rest.split(/\s+/)[0] ?? "";
    const secondCode = normalizeCode(second);
    if (secondCode && isActionWord(headWord)) {
      return err(
        `Metti prima il codice dell'attività e poi cosa è successo, per esempio «/obiettivo ${secondCode} ${head.toLowerCase()}». Per tutti i comandi: «/obiettivo aiuto».`,
      );
    }
    if (HELP_WORDS.has(headWord)) return { ok: true, command: { kind: "help" } };
    return err(
      `Non riconosco ${quote(head)} come codice di un'attività (un codice è fatto di numeri separati da punti, come ${EXAMPLE_CODE}). ${usageHint()}`,
    );
  }

  if (rest.length === 0) {
    if (behalf) return err(onBehalfOnlyForReports(code));
    return { ok: true, command: { kind: "open", code } };
  }
  const action = parseAction(rest, code, ctx);
  if (!action.ok) return action;
  if (action.value === "history") {
    if (behalf) return err(onBehalfOnlyForReports(code));
    return { ok: true, command: { kind: "history", code } };
  }
  return {
    ok: true,
    command: { kind: "report", code, action: action.value, ...(behalf ? { onBehalfOf: behalf.who } : {}) },
  };
}

const ON_BEHALF = /\s+per\s+(?:<@([UW][A-Z0-9]{2,20})(?:\|[^>]*)?>|@([\p{L}\p{N}._-]{1,80}))\s*$/iu;

/** The trailing `per <@U…>` clause, taken off the text; null when there is none. */
function splitOnBehalf(text: string): { text: string; who: OnBehalf } | { error: string } | null {
  const m = ON_BEHALF.exec(text);
  if (!m) {
    if (/\s+per\s+<@[^>]*>?\s*$/i.test(text))
      return {
        error: `Non riconosco la persona dopo «per»: scegli il collega dal menu di Slack scrivendo @, per esempio «/obiettivo ${EXAMPLE_CODE} completato per @Mario».`,
      };
    return null;
  }
  const rest = text.slice(0, m.index).trim();
  return { text: rest, who: m[1] ? { userId: m[1].toUpperCase() } : { name: m[2]! } };
}

function onBehalfOnlyForReports(code: string): string {
  return `«per @collega» serve solo per registrare un aggiornamento al posto di un collega, per esempio «/obiettivo ${code} completato per @Mario».`;
}

/** A keyword as compared: folded, without the punctuation people type after it ("completato:", "nota,"). */
function keyword(word: string): string {
  return foldWord(word).replace(/[:;,.!]+$/, "");
}

/** The text after the first `n` words, spacing inside it kept. */
function afterWords(text: string, n: number): string {
  const m = new RegExp(`^(?:\\S+\\s+){${n}}([\\s\\S]*)$`).exec(text);
  return m ? m[1]!.trim() : "";
}

function isActionWord(w: string): boolean {
  return (
    COMPLETE_WORDS.has(w) ||
    BLOCKED_WORDS.has(w) ||
    NOTE_WORDS.has(w) ||
    HISTORY_WORDS.has(w) ||
    STARTED_WORDS.has(w) ||
    /^\d+%$/.test(w)
  );
}

type ActionResult = { ok: true; value: ReportAction | "history" } | { ok: false; message: string };

function parseAction(rest: string, code: string, ctx: GrammarContext): ActionResult {
  const words = rest.split(/\s+/);
  const first = keyword(words[0]!);
  const afterFirst = afterWords(rest, 1);

  if (HISTORY_WORDS.has(first)) {
    if (afterFirst.length > 0) return err(`Dopo «storia» non serve altro: scrivi «/obiettivo ${code} storia».`);
    return { ok: true, value: "history" };
  }

  if (COMPLETE_WORDS.has(first)) return parseCompletion(afterFirst, code, ctx);

  if (first === "in" && words.length >= 2 && keyword(words[1]!) === "corso") {
    const note = freeText(afterWords(rest, 2));
    if (!note.ok) return note;
    return { ok: true, value: { kind: "in_progress", note: note.value } };
  }
  if (first === "incorso" || STARTED_WORDS.has(first)) {
    const note = freeText(afterFirst);
    if (!note.ok) return note;
    return { ok: true, value: { kind: "in_progress", note: note.value } };
  }
  if (first === "non" && words.length >= 2 && NOT_STARTED_AFTER_NON.has(keyword(words[1]!))) {
    const note = freeText(afterWords(rest, 2));
    if (!note.ok) return note;
    return { ok: true, value: { kind: "not_started", note: note.value } };
  }

  if (BLOCKED_WORDS.has(first)) {
    const reason = freeText(afterFirst.replace(/^(?:motivo|causa)\s*:\s*/i, ""));
    if (!reason.ok) return reason;
    if (!reason.value) {
      return err(
        `Scrivi anche il motivo del blocco, per esempio «/obiettivo ${code} bloccato in attesa del parere della Regione».`,
      );
    }
    return { ok: true, value: { kind: "blocked", reason: reason.value } };
  }

  if (NOTE_WORDS.has(first)) {
    const note = freeText(afterFirst);
    if (!note.ok) return note;
    if (!note.value)
      return err(
        `Scrivi il testo della nota, per esempio «/obiettivo ${code} nota inviata la richiesta all'ufficio tecnico».`,
      );
    return { ok: true, value: { kind: "note", text: note.value } };
  }

  // Percent: "60%", "60 %", "60,5%", "60 percento"
  const percent = /^(\d{1,3}(?:[.,]\d{1,2})?)\s*(?:%|percento|per\s+cento)(?=\s|$)(.*)$/i.exec(rest);
  if (percent) {
    const value = parseItalianNumber(percent[1]!.replace(".", ","));
    if (!accepted("percent", value))
      return err(
        `La percentuale deve essere tra 0% e 100%: hai scritto ${percent[1]}%. Per esempio «/obiettivo ${code} 60%».`,
      );
    const note = freeText(percent[2]!);
    if (!note.ok) return note;
    return { ok: true, value: { kind: "percent", percent: value, note: note.value } };
  }

  // Count increment: "+1", "+ 3 nota"
  const plus = /^\+\s*(\S+)(.*)$/.exec(rest);
  if (plus) {
    const n = /^\d{1,7}$/.test(plus[1]!) ? Number(plus[1]) : NaN;
    if (!accepted("count_add", n)) {
      return err(
        `Dopo «+» serve un numero intero da 1 a ${MAX_COUNT.toLocaleString("it-IT")}, per esempio «/obiettivo ${code} +1» oppure «/obiettivo ${code} +3 controlli in spiaggia».`,
      );
    }
    const note = freeText(plus[2]!);
    if (!note.ok) return note;
    return { ok: true, value: { kind: "count_add", delta: n, note: note.value } };
  }
  if (/^-\s*\d/.test(rest)) {
    return err(
      `Non si sottrae dal conteggio: per correggerlo imposta il totale, per esempio «/obiettivo ${code} = 5», oppure usa il pulsante «Annulla» sotto l'ultimo aggiornamento.`,
    );
  }

  // Percentage with counts: "= 45/47", "= 45 / 47 fonte: protocollo", "= 45/47 nota fonte: registro"
  const ratio = /^=\s*([^\s/]+)\s*\/\s*([^\s/]*)(.*)$/.exec(rest);
  if (ratio) return parseRatio(ratio[1]!, ratio[2]!, ratio[3]!, code);

  // Count total: "= 5", "=5 nota"
  const equals = /^=\s*(\S+)(.*)$/.exec(rest);
  if (equals) {
    const n = /^\d{1,7}(?:,\d{1,2})?$/.test(equals[1]!) ? parseItalianNumber(equals[1]!) : null;
    if (!accepted("count_set", n))
      return err(`Dopo «=» serve il totale raggiunto, un numero da 0 in su, per esempio «/obiettivo ${code} = 5».`);
    const note = freeText(equals[2]!);
    if (!note.ok) return note;
    return { ok: true, value: { kind: "count_set", value: n, note: note.value } };
  }

  // A bare number: the user meant a percentage or a count; say which forms exist.
  if (/^\d+(?:[.,]\d+)?$/.test(words[0]!)) {
    return err(
      `Non so se ${quote(words[0]!)} sia una percentuale o un conteggio. Scrivi «/obiettivo ${code} ${words[0]}%» per la percentuale, «/obiettivo ${code} = ${words[0]}» per il totale o «/obiettivo ${code} +1» per aggiungere al conteggio.`,
    );
  }

  return err(
    `Non capisco ${quote(rest)} dopo il codice ${code}. Dopo il codice scrivi per esempio «completato», «60%», «+1», «= 5», «in corso», «bloccato <motivo>», «nota <testo>» oppure «storia». Esempio: «/obiettivo ${code} completato». Per tutti i comandi: «/obiettivo aiuto».`,
  );
}

function parseRatio(numText: string, denText: string, after: string, code: string): ActionResult {
  const example = `«/obiettivo ${code} = 45/47 fonte: protocollo»`;
  if (!/^\d{1,9}$/.test(numText) || !/^\d{1,9}$/.test(denText)) {
    return err(
      `Numeratore e denominatore devono essere numeri interi da 0 in su, il denominatore maggiore di zero: per esempio ${example} (45 pratiche evase su 47).`,
    );
  }
  const checked = checkPercentCounts(Number(numText), Number(denText));
  if (!checked.ok) return err(`${checked.message} Esempio: ${example}.`);
  // "fonte:" (or "fonte") starts the source; what comes before it is a note.
  const m = /^(.*?)(?:^|\s)fonte\s*:?\s*(.*)$/i.exec(after.trim());
  const noteRaw = m ? m[1]! : after;
  const sourceRaw = m ? m[2]!.trim() : "";
  if (m && !sourceRaw) return err(`Dopo «fonte:» scrivi da dove viene il dato, per esempio ${example}.`);
  if (sourceRaw.length > MAX_SOURCE_LENGTH)
    return err(`La fonte è troppo lunga: il massimo è ${MAX_SOURCE_LENGTH} caratteri.`);
  const note = freeText(noteRaw);
  if (!note.ok) return note;
  return {
    ok: true,
    value: {
      kind: "ratio",
      numerator: Number(numText),
      denominator: Number(denText),
      percent: checked.percent,
      source: sourceRaw || null,
      note: note.value,
    },
  };
}

function parseCompletion(after: string, code: string, ctx: GrammarContext): ActionResult {
  if (after.length === 0) return { ok: true, value: { kind: "complete", on: null, note: null } };
  const words = after.split(/\s+/);
  // Optional lead word(s): "il", "in data", "data"
  let i = 0;
  if (words.length > 1 && DATE_LEAD_WORDS.has(`${keyword(words[0]!)} ${keyword(words[1]!)}`)) i = 2;
  else if (DATE_LEAD_WORDS.has(keyword(words[0]!))) i = 1;
  const candidate = words.slice(i);
  const first = keyword(candidate[0] ?? "");
  let on: string | null = null;
  let used = 0;
  if (first === "oggi") {
    on = ctx.today;
    used = 1;
  } else if (first === "ieri") {
    on = addDays(ctx.today, -1);
    used = 1;
  } else {
    // Try the longest prefix that is a date: "12/03/2024", "12 marzo 2024", "12 marzo".
    for (let n = Math.min(3, candidate.length); n >= 1; n--) {
      const d = parseItalianDate(candidate.slice(0, n).join(" "), Number(ctx.today.slice(0, 4)));
      if (d) {
        on = d;
        used = n;
        break;
      }
    }
  }
  if (on === null) {
    const looksLikeDate = i > 0 || /^\d/.test(candidate[0] ?? "");
    if (looksLikeDate) {
      return err(
        `Non riconosco ${quote(candidate.join(" ") || after)} come data. Scrivi la data come giorno/mese/anno, per esempio «/obiettivo ${code} completato il 12/03/2024».`,
      );
    }
    const note = freeText(after);
    if (!note.ok) return note;
    return { ok: true, value: { kind: "complete", on: null, note: note.value } };
  }
  const note = freeText(candidate.slice(used).join(" "));
  if (!note.ok) return note;
  return { ok: true, value: { kind: "complete", on, note: note.value } };
}
