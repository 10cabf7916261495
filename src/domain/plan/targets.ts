/**
 * Reading the "Valore atteso" of a PIAO activity into something we can measure.
 * The rule everywhere: when the text does not say it plainly, the result is "text";
 * we never invent a date or a number.
 */

import { ITALIAN_MONTHS } from "../text/italian.ts";

export type TargetKind = "deadline" | "percentage" | "count" | "boolean" | "amount" | "upper_bound" | "text";
export type Period = "day" | "week" | "month" | "year";
export type Comparator = ">" | ">=" | "<" | "<=" | "=";

export interface ParsedTarget {
  kind: TargetKind;
  /** ISO yyyy-mm-dd, only for kind "deadline". */
  deadline: string | null;
  threshold: number | null;
  comparator: Comparator | null;
  period: Period | null;
  unit: string | null;
  /** Text in parentheses after the target, e.g. "stagione estiva". */
  qualifier: string | null;
  /** A time target whose date the document does not give ("Entro termini di legge"). */
  needsManualDate: boolean;
}

export interface TargetContext {
  /** The "Indice" column: "Tempo previsto", "%", "Numero utenti"... */
  indice?: string | null;
  indicator?: string | null;
  /** The plan's year, for dates printed without one ("31 Dicembre"). */
  year?: number | null;
}

const MONTHS: Record<string, number> = {
  gennaio: 1,
  gen: 1,
  febbraio: 2,
  feb: 2,
  febb: 2,
  marzo: 3,
  mar: 3,
  aprile: 4,
  apr: 4,
  maggio: 5,
  mag: 5,
  giugno: 6,
  giu: 6,
  luglio: 7,
  lug: 7,
  agosto: 8,
  ago: 8,
  settembre: 9,
  set: 9,
  sett: 9,
  ottobre: 10,
  ott: 10,
  novembre: 11,
  nov: 11,
  dicembre: 12,
  dic: 12,
};

const MONTH_NAMES: readonly string[] = ITALIAN_MONTHS;

const MONTH_WORD = `(?:${Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join("|")})`;
const WEEKDAY_PREFIX = /^(?:luned[iì]|marted[iì]|mercoled[iì]|gioved[iì]|venerd[iì]|sabato|domenica),?\s+/;
const DAY_MONTH_YEAR = new RegExp(`^(\\d{1,2})\\s*[°º]?\\s*(${MONTH_WORD})\\.?(?:\\s+(\\d{4}))?$`);
const MONTH_YEAR = new RegExp(`^(${MONTH_WORD})\\.?(?:\\s+(\\d{4}))?$`);
const MONTH_RANGE = new RegExp(
  `^(?:da\\s+)?(${MONTH_WORD})\\.?(?:\\s+(\\d{4}))?\\s*(?:-|/|a|al)\\s*(${MONTH_WORD})\\.?(?:\\s+(\\d{4}))?$`,
);
const MENTIONS_DATE = new RegExp(
  `\\b\\d{1,2}\\s*[°º]?\\s*${MONTH_WORD}\\b|\\b(?:${MONTH_NAMES.join("|")})\\b|\\b\\d{1,2}[./-]\\d{1,2}[./-]\\d{2,4}\\b`,
);
const MONTH_IN_TEXT = new RegExp(`(?:^|\\s)${MONTH_WORD}\\.?(?:\\s|$)`);

/** Longer inputs are prose, not a target: also keeps every regex below on short strings. */
const MAX_TARGET_LENGTH = 300;

function normalizeText(text: string): string {
  return text
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/gi, " ")
    .replace(/&amp;/gi, "&")
    .replace(/&lt;/gi, "<")
    .replace(/&gt;/gi, ">")
    .replace(/&euro;/gi, "€")
    .replace(/[\u00A0\u2007\u202F\t\r\n]/g, " ")
    .replace(/[\u200B\uFEFF]/g, "")
    .replace(/[\u2018\u2019\u02BC\u00B4`]/g, "'")
    .replace(/[\u201C\u201D\u00AB\u00BB]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, "-")
    .replace(/\s+/g, " ")
    .trim();
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isoDate(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return null;
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) return null;
  if (day > daysInMonth(year, month)) return null;
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

function endOfMonth(year: number, month: number): string | null {
  if (month < 1 || month > 12) return null;
  return isoDate(year, month, daysInMonth(year, month));
}

function fullYear(text: string): number {
  const n = Number(text);
  return text.length === 2 ? 2000 + n : n;
}

function monthNumber(word: string): number | null {
  return MONTHS[word.toLowerCase().replace(/\.$/, "")] ?? null;
}

function validYear(year: number | null | undefined): number | null {
  return typeof year === "number" && Number.isInteger(year) && year >= 1900 && year <= 2199 ? year : null;
}

/**
 * A single calendar date written the ways Italian offices write it:
 * "12/03/2024", "12-03-2024", "12.03.2024", "2024-03-12", "12 marzo 2024", "1° marzo 2024".
 * Without a year in the text, `year` is used; otherwise null. Impossible dates give null.
 */
export function parseItalianDate(text: string, year?: number | null): string | null {
  return parseDate(text, year, true);
}

/** `dayMonthOnly`: accept "12/03" with the given year (fine for a typed command, too loose for a plan cell: "2/3"). */
function parseDate(text: string, year: number | null | undefined, dayMonthOnly: boolean): string | null {
  if (typeof text !== "string") return null;
  const s = normalizeText(text)
    .toLowerCase()
    .replace(WEEKDAY_PREFIX, "")
    .replace(/^(?:il|l')\s*/, "")
    .trim();
  if (s.length === 0 || s.length > 40) return null;
  const fallbackYear = validYear(year);

  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));

  m = /^(\d{1,2})\s*([./-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})$/.exec(s);
  if (m) return isoDate(fullYear(m[4]!), Number(m[3]), Number(m[1]));

  m = /^(\d{1,2})\s*([./-])\s*(\d{1,2})$/.exec(s);
  if (m && dayMonthOnly) return fallbackYear === null ? null : isoDate(fallbackYear, Number(m[3]), Number(m[1]));

  m = DAY_MONTH_YEAR.exec(s);
  if (m) {
    const month = monthNumber(m[2]!);
    const y = m[3] ? Number(m[3]) : fallbackYear;
    return month === null || y === null ? null : isoDate(y, month, Number(m[1]));
  }
  return null;
}

/** "2024-12-31" -> "31 dicembre 2024". Anything that is not an ISO date comes back unchanged. */
export function formatItalianDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m || isoDate(Number(m[1]), Number(m[2]), Number(m[3])) === null) return iso;
  return `${Number(m[3])} ${MONTH_NAMES[Number(m[2]) - 1]} ${m[1]}`;
}

/**
 * The end of the period a deadline text names: a date, a month ("Dicembre 2024"),
 * a range of months or dates ("Ottobre - Dicembre 2024"), or "entro il 2024".
 * `s` is lowercase, normalized.
 */
function parseDeadline(s: string, year: number | null): string | null {
  let rest = s;
  let hadEntro = false;
  // Leading words that only say "this is a time limit".
  for (let i = 0; i < 5; i++) {
    const m =
      /^(?:tempo previsto|data prevista|data|scadenza|termine ultimo|entro e non oltre|non oltre|entro|al|il|fine|a)\b[\s:,]*/.exec(
        rest,
      );
    if (!m || m[0].length === 0) break;
    if (/^(?:entro|non oltre|fine|termine)/.test(m[0])) hadEntro = true;
    rest = rest.slice(m[0].length);
  }
  rest = rest.replace(/[.;:]$/, "").trim();
  if (rest.length === 0) return null;

  const single = parseDate(rest, year, false);
  if (single) return single;

  let m = MONTH_YEAR.exec(rest);
  if (m) {
    const y = m[2] ? Number(m[2]) : year;
    return y === null ? null : endOfMonth(y, monthNumber(m[1]!)!);
  }

  // "ottobre - dicembre 2024", "da ottobre a dicembre 2024", "ottobre 2024 - gennaio 2025"
  m = MONTH_RANGE.exec(rest);
  if (m) {
    const y = m[4] ? Number(m[4]) : year;
    return y === null ? null : endOfMonth(y, monthNumber(m[3]!)!);
  }

  // "1 ottobre - 31 dicembre 2024", "dal 01.10.2024 al 31.12.2024": the end of the range
  const range = rest.replace(/^dal\s+/, "");
  for (const separator of [/\s+-\s+/, /\s+al\s+/, /\s+a\s+/]) {
    const parts = range.split(separator);
    if (parts.length !== 2) continue;
    const end = parseDate(parts[1]!, year, false);
    if (!end) continue;
    const start = parseDate(parts[0]!, Number(end.slice(0, 4)), false);
    if (start && start <= end) return end;
  }

  // "entro il 2024", "entro l'anno 2024", "entro fine anno" (with the plan's year)
  if (hadEntro) {
    m = /^(?:l'anno|anno|dell'anno|l'esercizio|esercizio)?\s*(\d{4})$/.exec(rest);
    if (m) return isoDate(Number(m[1]), 12, 31);
    if (/^(?:l'anno|anno|dell'anno|l'esercizio|esercizio)$/.test(rest) && year !== null) return isoDate(year, 12, 31);
  }
  return null;
}

/** Italian number format: "200.000,00" -> 200000, "2,5" -> 2.5, "1.5" -> 1.5. */
export function parseItalianNumber(text: string): number | null {
  const s = text.trim();
  let value: number | null = null;
  if (/^\d{1,3}(?:\.\d{3})+(?:,\d+)?$/.test(s)) value = Number(s.replace(/\./g, "").replace(",", "."));
  else if (/^\d+(?:,\d+)?$/.test(s)) value = Number(s.replace(",", "."));
  else if (/^\d+\.\d+$/.test(s)) value = Number(s);
  return value !== null && Number.isFinite(value) ? value : null;
}

const SYMBOL_COMPARATORS: Record<string, Comparator> = {
  ">=": ">=",
  "=>": ">=",
  "≥": ">=",
  ">": ">",
  "<=": "<=",
  "=<": "<=",
  "≤": "<=",
  "<": "<",
  "=": "=",
};

const WORD_COMPARATORS: [RegExp, Comparator][] = [
  [/^(?:almeno|non meno di|non inferiore a|minimo|min\.|pari o superiore a|uguale o superiore a)\s+/, ">="],
  [/^(?:più di|oltre|superiore a|maggiore di)\s+/, ">"],
  [/^(?:massimo|max\.?|non più di|non oltre|non superiore a|fino a|pari o inferiore a|uguale o inferiore a)\s+/, "<="],
  [/^(?:meno di|inferiore a|minore di)\s+/, "<"],
  [/^(?:pari a|uguale a)\s+/, "="],
];

const PERIODS: [RegExp, Period][] = [
  [/^(?:al giorno|al di|al dì|per giorno|ogni giorno|giornalier[oiae]|quotidian[oiae])$/, "day"],
  [/^(?:a settimana|alla settimana|per settimana|ogni settimana|settimanal[ei])$/, "week"],
  [/^(?:al mese|per mese|ogni mese|mensil[ei])$/, "month"],
  [/^(?:all'anno|l'anno|per anno|ogni anno|nell'anno|annu[oiae]|annual[ei])$/, "year"],
];

const TIME_UNITS = /^(?:giorni|giorno|gg\.?|ore|ora|settimane|settimana|mesi|mese|anni|anno|minuti)$/;
const NUMBER = String.raw`\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?`;
const NUMBER_THEN_REST = new RegExp(`^(${NUMBER})(?:\\s+(.*))?$`);
const WITHIN_DURATION = new RegExp(`^entro\\s+(${NUMBER})\\s+([a-z.]+)(?:\\s+(.*))?$`);

interface NumericExpression {
  label: string;
  comparator: Comparator | null;
  value: number;
  unit: string | null;
  period: Period | null;
}

/** "[label] [comparator] number [unit words] [period]", e.g. "n° tavoli convocati > 3", "> 2 al mese". */
function parseNumericExpression(s: string): NumericExpression | null {
  let label = "";
  let comparator: Comparator | null = null;
  let rest = s;

  const symbol = /^([^\d<>=≤≥]*?)\s*(>=|=>|<=|=<|≥|≤|>|<|=)\s*(.*)$/.exec(s);
  if (symbol) {
    label = symbol[1]!.trim();
    comparator = SYMBOL_COMPARATORS[symbol[2]!]!;
    rest = symbol[3]!;
  } else {
    for (const [re, cmp] of WORD_COMPARATORS) {
      const m = re.exec(s);
      if (m) {
        comparator = cmp;
        rest = s.slice(m[0].length);
        break;
      }
    }
  }
  if (label.length > 80) return null;

  const m = NUMBER_THEN_REST.exec(rest.trim());
  if (!m) return null;
  const value = parseItalianNumber(m[1]!);
  if (value === null) return null;

  let tail = (m[2] ?? "").trim();
  let period: Period | null = null;
  const words = tail.length === 0 ? [] : tail.split(" ");
  for (let take = Math.min(3, words.length); take >= 1 && period === null; take--) {
    const candidate = words.slice(words.length - take).join(" ");
    for (const [re, p] of PERIODS) {
      if (re.test(candidate)) {
        period = p;
        tail = words.slice(0, words.length - take).join(" ");
        break;
      }
    }
  }
  // What is left must be a plain unit ("giorni", "interventi"), nothing we would have to interpret.
  if (tail.length > 0 && !/^[a-zà-ù'°/]+(?: [a-zà-ù'°/]+){0,3}$/.test(tail)) return null;
  // "31 dicembre" is a date without its year, not 31 of something.
  if (MONTH_IN_TEXT.test(` ${tail} `)) return null;
  if (/^(?:al|alla|a|per|ogni|nel|nella|entro|dal|dalla)\b/.test(tail)) return null;
  return { label, comparator, value, unit: tail.length > 0 ? tail : null, period };
}

function looksLikeTimeTarget(s: string, indice: string): boolean {
  if (
    /^(?:entro|termine|termini|scadenz|tempo|data|nei termini|rispetto dei termini|secondo i termini|fine |inizio )/.test(
      s,
    )
  )
    return true;
  if (/\b(?:entro|scadenz[ae]|termine|termini|cronoprogramma)\b/.test(s)) return true;
  if (MENTIONS_DATE.test(s)) return true;
  return /\b(?:tempo previsto|tempi|scadenz[ae]|termine|data)\b/.test(indice);
}

/** A unit word suggested by the indice: "Numero utenti" -> "utenti", "Giorni" -> "giorni". */
function unitFromIndice(indice: string): string | null {
  const m = /^(?:n(?:umero|°|\.|r\.?)\s*)(?:(?:minimo|massimo)\s+)?(?:di\s+)?([a-zà-ù]+)/.exec(indice);
  if (m && !["di", "del", "dei", "delle"].includes(m[1]!)) return m[1]!;
  if (/^(?:giorni|ore|mesi|settimane|euro)$/.test(indice)) return indice;
  return null;
}

function unitFromLabel(label: string): string | null {
  const cleaned = label.replace(/^(?:n(?:umero|°|\.|r\.?)\s*)(?:di\s+)?/, "").trim();
  return cleaned.length > 0 && cleaned !== label.trim() ? cleaned : null;
}

function textTarget(s: string, indice: string, qualifier: string | null): ParsedTarget {
  return {
    kind: "text",
    deadline: null,
    threshold: null,
    comparator: null,
    period: null,
    unit: null,
    qualifier,
    needsManualDate: looksLikeTimeTarget(s, indice),
  };
}

/**
 * Reads a target ("Valore atteso") into a kind and its measure.
 * `opts.indice` helps only where the target alone is ambiguous (a bare "2" under
 * "Numero minimo di persone"); when they disagree the target text decides.
 */
export function parseTarget(text: string, opts: TargetContext = {}): ParsedTarget {
  const raw =
    typeof text === "string"
      ? normalizeText(text.length > 4 * MAX_TARGET_LENGTH ? text.slice(0, 4 * MAX_TARGET_LENGTH) : text)
      : "";
  const indice = typeof opts.indice === "string" ? normalizeText(opts.indice).toLowerCase() : "";
  const year = validYear(opts.year);
  const empty: ParsedTarget = {
    kind: "text",
    deadline: null,
    threshold: null,
    comparator: null,
    period: null,
    unit: null,
    qualifier: null,
    needsManualDate: false,
  };
  if (raw.length === 0) return { ...empty, needsManualDate: looksLikeTimeTarget("", indice) };
  if (raw.length > MAX_TARGET_LENGTH) return textTarget(raw.slice(0, MAX_TARGET_LENGTH).toLowerCase(), indice, null);

  let main = raw;
  let qualifier: string | null = null;
  const paren = /^(.*?)\s*\(([^()]+)\)$/.exec(raw);
  if (paren && paren[1]!.trim().length > 0) {
    main = paren[1]!.trim();
    qualifier = paren[2]!.trim();
  }
  const s = main.toLowerCase();
  const result = (fields: Partial<ParsedTarget>): ParsedTarget => ({ ...empty, qualifier, ...fields });

  if (/^(?:s[iìí]|yes|tutto l'anno(?: scolastico| solare)?|sempre|continuativ[oa])$/.test(s)) {
    return result({ kind: "boolean" });
  }

  const deadline = parseDeadline(s, year);
  if (deadline) return result({ kind: "deadline", deadline });

  // "entro 30 giorni (dalla richiesta)": a maximum duration, not a date.
  const within = WITHIN_DURATION.exec(s);
  if (within && TIME_UNITS.test(within[2]!)) {
    const value = parseItalianNumber(within[1]!);
    if (value !== null) {
      const extra = within[3] ? raw.slice(raw.length - within[3].length) : null;
      return result({
        kind: "upper_bound",
        threshold: value,
        comparator: "<=",
        unit: within[2]!.replace(/\.$/, ""),
        qualifier: qualifier ?? extra,
      });
    }
  }

  const currency = /€|\beur(?:o)?\b/;
  if (currency.test(s)) {
    const stripped = s
      .replace(/€|\beuro\b|\beur\b/g, " ")
      .replace(/\s+/g, " ")
      .trim();
    const expr = parseNumericExpression(stripped);
    if (expr && expr.unit === null && expr.period === null && expr.label === "") {
      return result({ kind: "amount", threshold: expr.value, comparator: expr.comparator ?? ">=", unit: "euro" });
    }
    return textTarget(s, indice, qualifier);
  }

  const percentIndice = /^%|percentual|\bper ?cento\b|%$/.test(indice);
  const isPercent = /%|\bper ?cento\b/.test(s);
  if (isPercent) {
    const stripped = s
      .replace(/%|\bper ?cento\b/g, " ")
      .replace(/\s+/g, " ")
      .trim();
    const expr = parseNumericExpression(stripped);
    if (expr && expr.unit === null && expr.period === null && expr.label === "") {
      return result({ kind: "percentage", threshold: expr.value, comparator: expr.comparator ?? ">=" });
    }
    return textTarget(s, indice, qualifier);
  }

  const expr = parseNumericExpression(s);
  if (!expr) return textTarget(s, indice, qualifier);
  if (expr.label !== "" && expr.comparator === null) return textTarget(s, indice, qualifier);

  const unit = expr.unit ?? unitFromLabel(expr.label) ?? unitFromIndice(indice);
  if (expr.comparator === "<" || expr.comparator === "<=") {
    return result({
      kind: "upper_bound",
      threshold: expr.value,
      comparator: expr.comparator,
      unit,
      period: expr.period,
    });
  }
  if (expr.comparator !== null) {
    return result({ kind: "count", threshold: expr.value, comparator: expr.comparator, unit, period: expr.period });
  }

  // A bare number: its meaning comes from the indice or from a period/unit printed with it.
  if (percentIndice && expr.unit === null && expr.period === null) {
    return result({ kind: "percentage", threshold: expr.value, comparator: ">=" });
  }
  const countIndice = /^(?:n(?:umero|°|\.|r\.?)\b|n°|quantit|numero)/.test(indice) || /\bnumero\b/.test(indice);
  if (/\bmassim[oa]\b/.test(indice) && countIndice) {
    return result({ kind: "upper_bound", threshold: expr.value, comparator: "<=", unit, period: expr.period });
  }
  const plainUnit = expr.unit !== null && !TIME_UNITS.test(expr.unit);
  if (countIndice || expr.period !== null || plainUnit) {
    return result({ kind: "count", threshold: expr.value, comparator: ">=", unit, period: expr.period });
  }
  return textTarget(s, indice, qualifier);
}
