/**
 * The "scheda obiettivo" layout: for each objective a key/value scheda (Obiettivo n., Titolo,
 * Descrizione, Peso, Responsabile, Collegamento al DUP…) followed by a table of its phases, whose
 * columns come in any order under common synonyms, with the schedule either as a deadline column
 * or as a Gantt grid of months (deadline = end of the last marked month). Areas come from headings
 * (Area, Settore, Servizio, Centro di responsabilità, U.O.) or from the scheda itself. Pure.
 */
import { parseItalianDate, parseTarget, type ParsedTarget } from "../../domain/plan/targets.ts";
import { ITALIAN_MONTHS } from "../../domain/text/italian.ts";
import {
  type DocCell,
  type DocTable,
  type DocumentBlock,
  cellText,
  collapseSpaces,
  gridCells,
} from "../document/model.ts";
import { PlanFormatError } from "../errors.ts";
import {
  findEntity,
  type ParsedPlan,
  type PlanActivity,
  type PlanAnomaly,
  type PlanArea,
  type PlanObjective,
} from "../parse-piao.ts";

type Key = "number" | "title" | "description" | "weight" | "head" | "area" | "dup" | "publicValue" | "type";

function norm(text: string): string {
  return collapseSpaces(text)
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/à/g, "a'")
    .replace(/[èé]/g, "e")
    .replace(/ì/g, "i")
    .replace(/ò/g, "o")
    .replace(/ù/g, "u")
    .replace(/[:.\s]+$/, "")
    .replace(/\s*\(%\)|\s*%$/, "")
    .trim();
}

const AREA_WORD = String.raw`(?:area|settore|servizio|centro\s+di\s+responsabilita'?|u\.?\s?o\.?|unita'\s+organizzativa|struttura)`;
const HEAD_WORD = String.raw`(?:responsabile(?:\s+(?:dell'area|del\s+settore|del\s+servizio|di\s+area|dell'obiettivo|di\s+p\.?\s?o\.?|di\s+e\.?\s?q\.?))?|titolare(?:\s+(?:di\s+)?(?:e\.?\s?q\.?|p\.?\s?o\.?|posizione\s+organizzativa|incarico\s+di\s+elevata\s+qualificazione))?|(?:e\.?\s?q\.?|p\.?\s?o\.?)(?:\s+responsabile)?|incaricat[oa]\s+di\s+(?:e\.?\s?q\.?|p\.?\s?o\.?)|dirigente|referente)`;

const KEY_PATTERNS: [Key, RegExp][] = [
  [
    "number",
    /^(?:(?:scheda\s+)?obiettivo\s*(?:n\.?|n°|nr\.?|numero|codice|cod\.?|num\.?)|n\.?\s*(?:obiettivo|ob\.?)|codice(?:\s+obiettivo)?|numero(?:\s+obiettivo)?|n°|id)$/,
  ],
  [
    "title",
    /^(?:titolo|denominazione|obiettivo(?:\s+operativo|\s+esecutivo|\s+gestionale)?|nome(?:\s+obiettivo)?|titolo\s+(?:dell'\s?)?obiettivo|descrizione\s+sintetica)$/,
  ],
  [
    "description",
    /^(?:descrizione(?:\s+(?:dell'\s?obiettivo|estesa|analitica|dettagliata))?|finalita'|contenuto|risultato\s+atteso)$/,
  ],
  [
    "weight",
    /^(?:peso(?:\s+(?:dell'\s?obiettivo|obiettivo|ponderale|%|in\s+punti|percentuale))?|punti|punteggio|ponderazione)$/,
  ],
  ["head", new RegExp(`^${HEAD_WORD}$`)],
  ["area", new RegExp(`^${AREA_WORD}(?:\\s+(?:di\\s+riferimento|competente|responsabile))?$`)],
  [
    "dup",
    /^(?:collegamento\s+(?:al\s+|con\s+il\s+)?(?:d\.?u\.?p\.?|documento\s+unico\s+di\s+programmazione)|obiettivo\s+strategico(?:\s+(?:dup|d\.u\.p\.))?|missione(?:\s+e\s+programma)?|programma|linea\s+(?:di\s+mandato|strategica))$/,
  ],
  ["publicValue", /^(?:valore\s+pubblico|impatto|outcome)$/],
  ["type", /^(?:tipo(?:logia)?(?:\s+(?:di\s+)?obiettivo)?|ambito|natura)$/],
];

function keyOf(label: string): Key | null {
  const t = norm(label);
  if (t.length === 0 || t.length > 60) return null;
  for (const [key, re] of KEY_PATTERNS) if (re.test(t)) return key;
  return null;
}

type Role = "code" | "activity" | "indicator" | "target" | "deadline" | "weight" | "head";

const ROLE_PATTERNS: [Role, RegExp][] = [
  ["code", /^(?:n\.?|n°|nr\.?|#|codice|cod\.?|num\.?|numero|fase\s+n\.?)$/],
  ["weight", /^(?:peso(?:\s+(?:della\s+fase|fase|dell'attivita'|attivita'|%|percentuale))?|punti|ponderazione)$/],
  [
    "deadline",
    /^(?:scadenza|scadenze|termine|termini|tempi|tempistica|tempi\s+di\s+(?:realizzazione|attuazione)|data\s+(?:di\s+)?(?:fine|scadenza|conclusione|termine)|entro|data|fine)$/,
  ],
  ["indicator", /^(?:indicator[ei](?:\s+di\s+(?:risultato|performance|realizzazione))?|misura|metrica)$/],
  [
    "target",
    /^(?:target|valore\s+atteso|valori\s+attesi|valore\s+obiettivo|valore\s+target|risultato\s+atteso|obiettivo\s+atteso)$/,
  ],
  [
    "activity",
    /^(?:fase|fasi|attivita'|attivita'\s+e\s+fasi|azione|azioni|descrizione(?:\s+della)?\s+(?:fase|attivita'|azione)|fasi\s+(?:di\s+)?(?:attuazione|realizzazione)|attivita'\s+previste|step)$/,
  ],
  ["head", /^(?:responsabile(?:\s+della\s+fase)?|chi|soggetto\s+responsabile|personale\s+coinvolto)$/],
];

function roleOf(label: string): Role | null {
  const t = norm(label);
  if (t.length === 0 || t.length > 50) return null;
  for (const [role, re] of ROLE_PATTERNS) if (re.test(t)) return role;
  return null;
}

const MONTH_NAMES: readonly string[] = ITALIAN_MONTHS;
const MONTH_LETTERS = "gfmamglasond";

/** Month number (1-12) of a header cell by name or abbreviation ("gen", "Febbraio", "set."). */
function monthByName(text: string): number | null {
  const t = norm(text).replace(/\.$/, "");
  if (t.length < 3) return null;
  const i = MONTH_NAMES.findIndex(
    (m) => m === t || (t.length >= 3 && m.startsWith(t)) || (t === "sett" && m === "settembre"),
  );
  return i >= 0 ? i + 1 : null;
}

/** Columns of a header row that are months: by name, or a run of the initials G F M A M G L A S O N D. */
function monthColumns(texts: string[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const [i, t] of texts.entries()) {
    const m = monthByName(t);
    if (m !== null) out.set(i, m);
  }
  if (out.size >= 3) return out;
  out.clear();
  const letters = texts.map((t) => norm(t));
  for (let start = 0; start < letters.length; start++) {
    for (let offset = 0; offset < 12; offset++) {
      let run = 0;
      while (start + run < letters.length && run < 12 && letters[start + run] === MONTH_LETTERS[(offset + run) % 12])
        run++;
      if (run >= 6) {
        for (let k = 0; k < run; k++) out.set(start + k, ((offset + k) % 12) + 1);
        return out;
      }
    }
  }
  return out;
}

const MARK = /^[xX✕✖✗✘✓✔●•■▪◼█▓▒░*+■□◆♦]+$/u;

function lastDayOfMonth(year: number, month: number): string {
  const d = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** A deadline cell: a date, a month ("giugno", "entro giugno 2025"), or a target-like date. */
function deadlineOf(text: string, year: number | null): string | null {
  const t = collapseSpaces(text).replace(/^(?:entro\s+(?:il\s+)?|scadenza\s*:?\s*|al\s+|fine\s+)/i, "");
  if (!t) return null;
  const date = parseItalianDate(t, year);
  if (date) return date;
  const target = parseTarget(text, { indice: "Tempo previsto", year });
  if (target.deadline) return target.deadline;
  const m =
    /\b(gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre|gen|feb|mar|apr|mag|giu|lug|ago|set|ott|nov|dic)\.?(?:\s+((?:19|20)\d{2}))?\b/i.exec(
      t,
    );
  if (m) {
    const month = monthByName(m[1]!);
    const y = m[2] ? Number(m[2]) : year;
    if (month && y) return lastDayOfMonth(y, month);
  }
  const q = /\b(i|ii|iii|iv|primo|secondo|terzo|quarto|1°|2°|3°|4°)\s+(trimestre|semestre)\b/i.exec(t);
  if (q && year) {
    const n = ["i", "primo", "1°"].includes(q[1]!.toLowerCase())
      ? 1
      : ["ii", "secondo", "2°"].includes(q[1]!.toLowerCase())
        ? 2
        : ["iii", "terzo", "3°"].includes(q[1]!.toLowerCase())
          ? 3
          : 4;
    const month = q[2]!.toLowerCase() === "trimestre" ? n * 3 : Math.min(12, n * 6);
    return lastDayOfMonth(year, month);
  }
  return null;
}

function numberOf(text: string): number | null {
  const m = /(\d+(?:[.,]\d+)?)/.exec(text);
  if (!m) return null;
  const n = Number(m[1]!.replace(",", "."));
  return Number.isFinite(n) ? n : null;
}

const ORG_WIDE =
  /\b(?:trasversal[ei]|di\s+ente|dell'ente|performance\s+organizzativa|intersettorial[ei]|comuni\s+a\s+tutt[ei])\b/i;

// ---------------------------------------------------------------------------

interface AreaDraft extends PlanArea {}

interface PhaseDraft {
  printedNumber: string;
  text: string;
  indicator: string;
  target: string;
  deadline: string | null;
  deadlineText: string;
  weight: number | null;
}

interface ObjectiveDraft {
  number: string;
  title: string;
  description: string;
  publicValue: string;
  dup: string;
  weight: number | null;
  weightText: string;
  head: string | null;
  areaName: string | null;
  area: AreaDraft | null;
  orgWide: boolean;
  phases: PhaseDraft[];
}

interface HeaderLayout {
  roles: Map<number, Role>;
  months: Map<number, number>;
  rows: number;
}

/** The phase table's header: one or two rows whose cells are column names or months. */
function phaseHeader(table: DocTable, from: number): HeaderLayout | null {
  const roles = new Map<number, Role>();
  const months = new Map<number, number>();
  let used = 0;
  for (let r = from; r < Math.min(table.rows.length, from + 3); r++) {
    const cells = gridCells(table.rows[r]!);
    const texts = cells.map((c) => (c.merged ? "" : cellText(c)));
    const rowRoles = new Map<number, Role>();
    for (const [i, t] of texts.entries()) {
      const role = t ? roleOf(t) : null;
      if (role) rowRoles.set(i, role);
    }
    const rowMonths = monthColumns(texts);
    const nonEmpty = texts.filter((t) => t.length > 0).length;
    const recognised = rowRoles.size + rowMonths.size;
    // A header row: most of its cells are names of columns (a title cell such as "Cronoprogramma 2025" may sit among them).
    if (recognised === 0 || (recognised < Math.max(2, Math.ceil(nonEmpty * 0.6)) && rowMonths.size < 6)) {
      if (used > 0 && recognised === 0 && nonEmpty <= 2 && r === from) continue;
      break;
    }
    for (const [i, role] of rowRoles) if (!roles.has(i)) roles.set(i, role);
    for (const [i, m] of rowMonths) months.set(i, m);
    used = r - from + 1;
  }
  const values = new Set(roles.values());
  if (used === 0 || !values.has("activity")) return null;
  if (!values.has("deadline") && months.size === 0 && !values.has("target") && !values.has("weight")) return null;
  return { roles, months, rows: used };
}

function kvPairs(texts: string[]): [Key, string][] {
  const out: [Key, string][] = [];
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i]!;
    if (!t) continue;
    const key = keyOf(t);
    if (key) {
      let j = i + 1;
      while (j < texts.length && !texts[j]) j++;
      if (j < texts.length && !keyOf(texts[j]!)) {
        out.push([key, texts[j]!]);
        i = j;
      } else if (j >= texts.length && key === "title") {
        // "Obiettivo" alone over the whole row: a heading, not a pair.
      }
      continue;
    }
    const inline = /^([^:]{2,60}?)\s*:\s*(.+)$/.exec(t);
    if (inline) {
      const k = keyOf(inline[1]!);
      if (k) out.push([k, inline[2]!.trim()]);
    }
  }
  return out;
}

/** "Obiettivo n. 3 – Titolo", "SCHEDA OBIETTIVO N. 2: Titolo", "Obiettivo 1.2 - Titolo". */
const OBJECTIVE_HEADING =
  /^(?:scheda\s+)?obiettivo\s*(?:n\.?|n°|nr\.?|numero)?\s*(\d{1,3}(?:\.\d{1,3})*)\s*(?:[-–—:.)]\s*(.*))?$/i;

interface Context {
  year: number | null;
  areas: AreaDraft[];
  area: AreaDraft | null;
  orgWide: boolean;
  objectives: ObjectiveDraft[];
  current: ObjectiveDraft | null;
}

function areaHeading(text: string): { number: string | null; name: string; head: string | null } | null {
  const t = collapseSpaces(text);
  if (t.length > 160 || (/[.;]$/.test(t) && t.split(" ").length > 14)) return null;
  const re = new RegExp(`^(${AREA_WORD})\\s*(?:n\\.?\\s*)?(\\d{1,3})?\\s*[-–—:.)]?\\s*(.*)$`, "i");
  const m = re.exec(norm(t) === t.toLowerCase() ? t : t);
  if (!m) return null;
  const headSplit = new RegExp(`\\s*[-–—,;]?\\s*\\b${HEAD_WORD}\\b\\s*[:–-]?\\s*`, "i");
  const rest = m[3] ?? "";
  const [namePart, ...headParts] = rest.split(headSplit);
  const head = collapseSpaces(headParts.filter((p) => p !== undefined).join(" ")) || null;
  const label = collapseSpaces(t.slice(0, m[1]!.length));
  const name = collapseSpaces(`${label} ${(namePart ?? "").replace(/[\s\-–—:]+$/, "")}`);
  // Prose that happens to begin with "Area" or "Servizio" is not a heading.
  if (!m[2] && (namePart ?? "").split(" ").length > 10) return null;
  return {
    number: m[2] ?? null,
    name,
    head: head ? head.replace(/^[:\s]+/, "") : null,
  };
}

function headLine(text: string): string | null {
  const m = new RegExp(
    `^${HEAD_WORD}\\s*(?:dell'area|del\\s+settore|del\\s+servizio)?\\s*[:–—-]\\s*(.{2,80})$`,
    "i",
  ).exec(collapseSpaces(text));
  return m ? m[1]!.trim() : null;
}

function useArea(ctx: Context, number: string | null, name: string, head: string | null): AreaDraft {
  const key = name.toLowerCase();
  let area = ctx.areas.find(
    (a) => (number !== null && Number(a.code) === Number(number)) || a.name.toLowerCase() === key,
  );
  if (!area) {
    const code = number !== null ? number.padStart(2, "0") : String(ctx.areas.length + 1).padStart(2, "0");
    area = { code, name, head, position: ctx.areas.length + 1 };
    ctx.areas.push(area);
  } else if (!area.head && head) {
    area.head = head;
  }
  ctx.area = area;
  ctx.orgWide = false;
  return area;
}

function newObjective(ctx: Context): ObjectiveDraft {
  const o: ObjectiveDraft = {
    number: "",
    title: "",
    description: "",
    publicValue: "",
    dup: "",
    weight: null,
    weightText: "",
    head: null,
    areaName: null,
    area: ctx.orgWide ? null : ctx.area,
    orgWide: ctx.orgWide,
    phases: [],
  };
  ctx.objectives.push(o);
  ctx.current = o;
  return o;
}

function applyPair(ctx: Context, key: Key, value: string) {
  let o = ctx.current;
  const starts = key === "number" || key === "title";
  if (starts && (!o || o.phases.length > 0 || (key === "number" ? o.number !== "" : o.title !== "")))
    o = newObjective(ctx);
  if (!o) {
    if (key === "area") useArea(ctx, /^\d+/.exec(value)?.[0] ?? null, value, null);
    else if (key === "head" && ctx.area && !ctx.area.head) ctx.area.head = value;
    return;
  }
  switch (key) {
    case "number": {
      const m = OBJECTIVE_HEADING.exec(`obiettivo ${value}`) ?? /(\d{1,3}(?:\.\d{1,3})*)/.exec(value);
      o.number = m ? m[1]! : value;
      if (m?.[2] && !o.title) o.title = m[2].trim();
      break;
    }
    case "title":
      o.title = value;
      break;
    case "description":
      o.description = o.description ? `${o.description}\n${value}` : value;
      break;
    case "weight":
      o.weight = numberOf(value);
      o.weightText = value;
      break;
    case "head":
      o.head = value;
      break;
    case "area":
      o.areaName = value;
      break;
    case "dup":
      o.dup = o.dup ? `${o.dup}; ${value}` : value;
      break;
    case "publicValue":
      o.publicValue = value;
      break;
    case "type":
      if (ORG_WIDE.test(value)) o.orgWide = true;
      break;
  }
}

function readPhases(ctx: Context, table: DocTable, header: HeaderLayout, from: number) {
  const o = ctx.current ?? newObjective(ctx);
  const colOf = (role: Role) => [...header.roles.entries()].filter(([, r]) => r === role).map(([i]) => i);
  const pick = (cells: DocCell[], role: Role) =>
    colOf(role)
      .map((i) => cellText(cells[i]))
      .filter((t) => t.length > 0)
      .join(" ");
  let last: PhaseDraft | null = null;
  for (let r = from; r < table.rows.length; r++) {
    const row = table.rows[r]!;
    const cells = gridCells(row);
    const texts = cells.map((c) => (c.merged ? "" : cellText(c)));
    if (texts.every((t) => !t) && ![...header.months.keys()].some((i) => cells[i]?.shaded)) continue;
    // A header row printed again (a table continuing on the next page).
    if (phaseHeader(table, r)) {
      r += phaseHeader(table, r)!.rows - 1;
      continue;
    }
    const activityCol = colOf("activity");
    const activityCell = activityCol.map((i) => cells[i]).find((c) => c && !c.merged && cellText(c));
    const text = activityCell ? activityCell.paragraphs.join("\n") : "";
    const nonEmpty = texts.filter((t) => t).length;
    const total = /^(?:totale|tot\.?|totale\s+pesi|somma)\b/i.test(texts.find((t) => t) ?? "");
    if (total) continue;
    let lastMonth: number | null = null;
    for (const [i, m] of header.months) {
      const c = cells[i];
      if (c && (c.shaded || MARK.test(cellText(c)))) lastMonth = lastMonth === null ? m : Math.max(lastMonth, m);
    }
    if (!text) {
      // The rest of a phase whose row was split (across pages, or merged cells).
      if (last && nonEmpty > 0) {
        const more = (role: Role) => pick(cells, role);
        if (more("indicator")) last.indicator = collapseSpaces(`${last.indicator} ${more("indicator")}`);
        if (more("target")) last.target = collapseSpaces(`${last.target} ${more("target")}`);
      }
      continue;
    }
    const deadlineText = pick(cells, "deadline");
    const year = ctx.year;
    const deadline =
      (deadlineText ? deadlineOf(deadlineText, year) : null) ??
      (lastMonth !== null && year !== null ? lastDayOfMonth(year, lastMonth) : null);
    const weightText = pick(cells, "weight");
    last = {
      printedNumber: pick(cells, "code"),
      text,
      indicator: pick(cells, "indicator"),
      target: pick(cells, "target"),
      deadline,
      deadlineText,
      weight: weightText ? numberOf(weightText) : null,
    };
    o.phases.push(last);
  }
}

function tableHasScheda(table: DocTable): boolean {
  const keys = new Set<Key>();
  for (const row of table.rows) for (const [k] of kvPairs(row.cells.map(cellText))) keys.add(k);
  return (keys.has("title") || keys.has("number")) && keys.size >= 2;
}

function findPlanYear(paragraphs: string[]): number | null {
  const patterns = [
    /\b(?:anno|annualit[aà]'?|esercizio)\s+((?:19|20)\d{2})\b/i,
    /\b(?:piano|obiettivi|p\.?\s?d\.?\s?o\.?|p\.?\s?e\.?\s?g\.?|piao)\b[^.]{0,80}?\b((?:19|20)\d{2})\b/i,
  ];
  for (const re of patterns) {
    for (const p of paragraphs) {
      if (p.length > 200) continue;
      const m = re.exec(p);
      if (m) return Number(m[1]);
    }
  }
  return null;
}

/**
 * Reads the document as schede + phases, or returns null when it has no scheda (another layout).
 * Throws PlanFormatError when schede are there but no phase could be read.
 */
export function readSchedaLayout(blocks: DocumentBlock[], sourceName: string): ParsedPlan | null {
  const tables = blocks.filter((b): b is DocTable => b.kind === "table");
  const schedaTables = tables.filter(tableHasScheda).length;
  // A scheda may also be written as paragraphs: "Obiettivo n. 1 – Titolo", "Titolo: …".
  const schedaParagraphs = blocks.filter(
    (b) =>
      b.kind === "paragraph" &&
      b.text.length <= 160 &&
      (OBJECTIVE_HEADING.test(collapseSpaces(b.text)) ||
        kvPairs([collapseSpaces(b.text)]).some(([k]) => k === "title" || k === "number")),
  ).length;
  const phaseTables = tables.filter((t) => t.rows.some((_, r) => phaseHeader(t, r) !== null)).length;
  if (schedaTables + schedaParagraphs === 0 || phaseTables === 0) return null;

  const paragraphs = blocks.filter((b) => b.kind === "paragraph").map((b) => b.text);
  const ctx: Context = {
    year: findPlanYear(paragraphs),
    areas: [],
    area: null,
    orgWide: false,
    objectives: [],
    current: null,
  };
  // A Gantt header such as "Cronoprogramma 2025" tells the year when the title does not.
  if (ctx.year === null) {
    for (const t of tables) {
      for (const row of t.rows.slice(0, 3)) {
        const m = /\b((?:19|20)\d{2})\b/.exec(row.cells.map(cellText).join(" "));
        if (m) {
          ctx.year = Number(m[1]);
          break;
        }
      }
      if (ctx.year !== null) break;
    }
  }

  for (const b of blocks) {
    if (b.kind === "paragraph") {
      const text = collapseSpaces(b.text);
      if (!text) continue;
      const short = text.length <= 120;
      const area = short ? areaHeading(text) : null;
      if (area) {
        useArea(ctx, area.number, area.name, area.head);
        ctx.current = null;
        continue;
      }
      const head = short ? headLine(text) : null;
      if (head) {
        if (ctx.area && !ctx.area.head) ctx.area.head = head;
        continue;
      }
      const heading = short ? OBJECTIVE_HEADING.exec(text) : null;
      if (heading) {
        const o = newObjective(ctx);
        o.number = heading[1]!;
        o.title = (heading[2] ?? "").trim();
        continue;
      }
      // "Obiettivi trasversali", "Obiettivi di ente", or a bare heading "Performance organizzativa".
      if (short && ORG_WIDE.test(text) && (/\bobiettiv/i.test(text) || (text.length <= 60 && !/[.;]$/.test(text)))) {
        ctx.orgWide = true;
        ctx.area = null;
        ctx.current = null;
        continue;
      }
      const pairs = short ? kvPairs([text]) : [];
      for (const [k, v] of pairs) applyPair(ctx, k, v);
      continue;
    }
    let r = 0;
    while (r < b.rows.length) {
      const header = phaseHeader(b, r);
      if (header) {
        readPhases(ctx, b, header, r + header.rows);
        break;
      }
      const row = b.rows[r]!;
      const texts = row.cells.map(cellText);
      const filled = texts.filter((t) => t);
      if (filled.length === 1) {
        const only = filled[0]!;
        const heading = OBJECTIVE_HEADING.exec(only);
        const area = areaHeading(only);
        if (heading) {
          applyPair(ctx, "number", heading[1]!);
          if (heading[2]) applyPair(ctx, "title", heading[2]);
        } else if (area && !ctx.current?.title) {
          useArea(ctx, area.number, area.name, area.head);
        } else {
          for (const [k, v] of kvPairs(texts)) applyPair(ctx, k, v);
        }
      } else {
        for (const [k, v] of kvPairs(texts)) applyPair(ctx, k, v);
      }
      r++;
    }
  }

  return buildPlan(ctx, blocks, sourceName);
}

function buildPlan(ctx: Context, blocks: DocumentBlock[], sourceName: string): ParsedPlan {
  const anomalies: PlanAnomaly[] = [];
  const drafts = ctx.objectives.filter((o) => o.title || o.phases.length > 0);
  if (drafts.every((o) => o.phases.length === 0)) {
    throw new PlanFormatError({ code: "document_no_phases", source: sourceName, schede: drafts.length });
  }
  const year =
    ctx.year ??
    (() => {
      const years = drafts
        .flatMap((o) => o.phases.map((p) => p.deadline))
        .filter((d): d is string => d !== null)
        .map((d) => Number(d.slice(0, 4)));
      return years.length ? years.sort((a, b) => a - b)[Math.floor(years.length / 2)]! : null;
    })();
  if (year === null) {
    throw new PlanFormatError({ code: "document_no_year", source: sourceName });
  }

  // Areas named in the scheda ("Settore: …") and heads given only there.
  for (const o of drafts) {
    if (o.areaName && ORG_WIDE.test(o.areaName)) {
      o.orgWide = true;
      o.area = null;
    } else if (o.areaName && !o.orgWide) {
      const key = o.areaName.toLowerCase();
      const found = ctx.areas.find(
        (a) => a.name.toLowerCase() === key || a.name.toLowerCase().endsWith(key) || key.endsWith(a.name.toLowerCase()),
      );
      if (found) o.area = found;
      else {
        const saved = { area: ctx.area, orgWide: ctx.orgWide };
        o.area = useArea(ctx, /^\d+/.exec(o.areaName)?.[0] ?? null, o.areaName, o.head);
        ctx.area = saved.area;
        ctx.orgWide = saved.orgWide;
      }
    }
    if (o.orgWide) o.area = null;
    if (o.area && !o.area.head && o.head) o.area.head = o.head;
  }

  const objectives: PlanObjective[] = [];
  const activities: PlanActivity[] = [];
  const taken = new Set<string>();
  const perArea = new Map<string, number>();
  let orgWideCount = 0;
  for (const o of drafts) {
    let code: string;
    if (!o.area) {
      orgWideCount++;
      code = `E${orgWideCount}`;
    } else {
      const areaNumber = String(Number(o.area.code));
      const n = (perArea.get(o.area.code) ?? 0) + 1;
      perArea.set(o.area.code, n);
      const printed = o.number;
      code = /^\d+\.\d+/.test(printed)
        ? printed
        : /^\d+$/.test(printed)
          ? `${areaNumber}.${Number(printed)}`
          : `${areaNumber}.${n}`;
      if (taken.has(code)) {
        const prefix = code.split(".").slice(0, -1).join(".");
        let k = Number(code.split(".").pop());
        while (taken.has(`${prefix}.${k}`)) k++;
        const next = `${prefix}.${k}`;
        anomalies.push({
          kind: "duplicate_objective",
          code: next,
          printedCode: printed,
          message: `L'obiettivo ${printed} compare due volte nel documento: il secondo («${o.title}») è registrato come ${next}.`,
        });
        code = next;
      }
    }
    taken.add(code);
    const description = [o.description, o.dup ? `Collegamento al DUP: ${o.dup}` : ""].filter((s) => s).join("\n");
    objectives.push({
      code,
      areaCode: o.area?.code ?? null,
      title: o.title || o.phases[0]?.text.split("\n")[0] || code,
      description,
      publicValue: o.publicValue,
      weight: o.weight,
      position: objectives.length + 1,
    });
    if (o.phases.length === 0) {
      anomalies.push({
        kind: "empty_objective",
        code,
        message: `L'obiettivo ${code} «${o.title}» non ha nessuna fase.`,
      });
    }
    const phaseCodes = new Set<string>();
    for (const [i, p] of o.phases.entries()) {
      const printed = /(\d+)\s*$/.exec(p.printedNumber)?.[1];
      let n = printed ? Number(printed) : i + 1;
      while (phaseCodes.has(`${code}.${n}`)) n++;
      const activityCode = `${code}.${n}`;
      phaseCodes.add(activityCode);
      const targetText = p.target || p.deadlineText;
      const parsed: ParsedTarget = targetText
        ? parseTarget(targetText, {
            indicator: p.indicator,
            indice: p.target ? null : "Tempo previsto",
            year,
          })
        : {
            kind: "deadline",
            deadline: null,
            threshold: null,
            comparator: null,
            period: null,
            unit: null,
            qualifier: null,
            needsManualDate: false,
          };
      const target: ParsedTarget = { ...parsed };
      if (p.deadline && !target.deadline) target.deadline = p.deadline;
      if (target.deadline) {
        target.needsManualDate = false;
        if (!p.target) target.kind = "deadline";
      }
      const firstLine = p.text.split("\n")[0]!;
      const title =
        firstLine.length > 140
          ? `${firstLine.slice(0, firstLine.lastIndexOf(" ", 138)).replace(/[\s,;:.-]+$/, "")}…`
          : firstLine;
      activities.push({
        code: activityCode,
        printedCode: p.printedNumber,
        objectiveCode: code,
        title,
        description: p.text,
        indicatorName: p.indicator,
        indicatorIndex: null,
        targetText,
        involved: null,
        involvesAllAreas: !o.area,
        involvedAreaCodes: [],
        position: activities.length + 1,
        target,
        weight: p.weight,
      });
      if (!target.deadline && !targetText) {
        anomalies.push({
          kind: "missing_target",
          code: activityCode,
          message: `L'attività ${activityCode} «${title}» non ha né un valore atteso né una scadenza: va indicata a mano.`,
        });
      } else if (!target.deadline && (target.needsManualDate || target.kind === "text")) {
        anomalies.push({
          kind: "manual_deadline",
          code: activityCode,
          message: `L'attività ${activityCode} «${title}» non ha una scadenza certa: va inserita a mano.`,
        });
      }
    }
    const weights = o.phases.map((p) => p.weight);
    if (weights.some((w) => w !== null)) {
      const sum = weights.reduce<number>((s, w) => s + (w ?? 0), 0);
      if (weights.some((w) => w === null) || Math.abs(sum - 100) > 0.5) {
        anomalies.push({
          kind: "phase_weights",
          code,
          message: `Nell'obiettivo ${code} i pesi delle fasi sommano a ${sum}${weights.some((w) => w === null) ? " e alcune fasi non hanno peso" : ""}: attesi 100.`,
        });
      }
    }
  }

  // Objective weights: % or points, 100 for each area.
  for (const area of ctx.areas) {
    const own = objectives.filter((o) => o.areaCode === area.code);
    if (own.length === 0 || own.every((o) => o.weight === null)) continue;
    const sum = own.reduce((s, o) => s + (o.weight ?? 0), 0);
    if (Math.abs(sum - 100) > 0.5 || own.some((o) => o.weight === null)) {
      anomalies.push({
        kind: "objective_weights",
        code: own[0]!.code,
        message: `Nell'area ${area.code} «${area.name}» i pesi degli obiettivi sommano a ${sum}: attesi 100 (in % o in punti).`,
      });
    }
  }

  const usedAreas = ctx.areas;
  const lines = blocks.flatMap((b) =>
    b.kind === "paragraph" ? [b.text] : b.rows.map((r) => r.cells.map(cellText).join("\t")),
  );
  const entity = findEntity(lines);
  if (!entity)
    anomalies.push({
      kind: "missing_entity",
      code: "",
      message: "Non ho trovato il nome del Comune nel documento (atteso «Comune di …» nel titolo).",
    });

  return {
    year,
    entity: entity ?? "",
    sourceName,
    areas: usedAreas.map((a, i) => ({
      code: a.code,
      name: a.name,
      head: a.head,
      position: i + 1,
    })),
    objectives,
    activities,
    anomalies,
  };
}
