/**
 * Reads the text export of a PIAO "Piano della Performance" (cells separated by tabs)
 * into areas, objectives and activities, with a report of what had to be interpreted.
 * Pure: no database, no clock. Nothing about a particular Comune is assumed.
 */
import { parseTarget, type ParsedTarget } from "../domain/plan/targets.ts";
import { parseBehaviourCriteria, type ParsedCriterion } from "./behaviour-criteria.ts";
import { PlanFormatError } from "./errors.ts";

export interface PlanArea {
  code: string;
  name: string;
  head: string | null;
  position: number;
}

export interface PlanObjective {
  code: string;
  /** null: a Comune-wide objective (performance organizzativa), shared by every area. */
  areaCode: string | null;
  title: string;
  description: string;
  publicValue: string;
  weight: number | null;
  position: number;
}

export interface PlanActivity {
  /** Canonical, unique in the plan. */
  code: string;
  /** As printed in the document; "" for Comune-wide activities, which have no number. */
  printedCode: string;
  objectiveCode: string;
  title: string;
  description: string;
  indicatorName: string;
  indicatorIndex: string | null;
  targetText: string;
  involved: string | null;
  involvesAllAreas: boolean;
  involvedAreaCodes: string[];
  position: number;
  target: ParsedTarget;
  /** The phase's weight inside its objective (% or points), null when the document gives none. */
  weight: number | null;
}

export type PlanAnomalyKind =
  | "duplicate_code"
  | "foreign_code"
  | "misplaced_code"
  | "manual_deadline"
  | "missing_target"
  | "split_row"
  | "duplicate_objective"
  | "empty_objective"
  | "missing_entity";

export interface PlanAnomaly {
  kind: PlanAnomalyKind | (string & {});
  /** The canonical code the anomaly is about (activity or objective). */
  code: string;
  message: string;
  printedCode?: string;
}

export interface ParsedPlan {
  year: number;
  entity: string;
  sourceName: string;
  areas: PlanArea[];
  objectives: PlanObjective[];
  activities: PlanActivity[];
  anomalies: PlanAnomaly[];
  /** SMVP behaviour criteria the document lists ("punteggio attribuibile da 0 a N punti"); absent or empty: none. */
  behaviourCriteria?: ParsedCriterion[];
}

// ---------------------------------------------------------------------------
// Text and cells

const ENTITIES: Record<string, string> = {
  nbsp: " ",
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  laquo: "«",
  raquo: "»",
  rsquo: "'",
  lsquo: "'",
  ldquo: "“",
  rdquo: "”",
  ndash: "–",
  mdash: "—",
  euro: "€",
  deg: "°",
  hellip: "…",
  ordm: "º",
  middot: "·",
  bull: "•",
  agrave: "à",
  egrave: "è",
  eacute: "é",
  igrave: "ì",
  ograve: "ò",
  ugrave: "ù",
  Agrave: "À",
  Egrave: "È",
  Eacute: "É",
  Igrave: "Ì",
  Ograve: "Ò",
  Ugrave: "Ù",
};

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (all, name: string) => {
    if (name.startsWith("#")) {
      const cp = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : all;
    }
    return ENTITIES[name] ?? ENTITIES[name.toLowerCase()] ?? all;
  });
}

function collapse(s: string): string {
  return s.replace(/[ \t\u00A0]+/g, " ").trim();
}

function stripTags(html: string): string {
  const text = html
    .replace(/<\s*br\s*\/?\s*>/gi, "\n")
    .replace(/<\s*li\b[^>]*>/gi, "\n- ")
    .replace(/<\s*\/\s*(?:li|ul|ol|div|h\d)\s*>/gi, "\n")
    .replace(/<[^>]*>/g, " ");
  return decodeEntities(text)
    .split("\n")
    .map(collapse)
    .filter((line) => line.length > 0)
    .join("\n");
}

interface Cell {
  /** One line, spaces collapsed: for recognising things. */
  text: string;
  /** Paragraphs kept on separate lines: for descriptions. */
  multiline: string;
  paragraphs: string[];
}

function toCell(raw: string): Cell {
  if (!/[<&]/.test(raw)) {
    const text = collapse(raw);
    return { text, multiline: text, paragraphs: text ? [text] : [] };
  }
  const pieces = /<\s*p[\s>]/i.test(raw) ? raw.split(/<\s*\/\s*p\s*>/i) : [raw];
  const paragraphs = pieces.map(stripTags).filter((p) => p.length > 0);
  const multiline = paragraphs.join("\n");
  return { text: collapse(multiline.replace(/\n/g, " ")), multiline, paragraphs };
}

interface Row {
  hasTab: boolean;
  cells: Cell[];
  nonEmpty: Cell[];
  joined: string;
  joinedMulti: string;
}

function toRow(line: string): Row {
  const cells = line.split("\t").map(toCell);
  const nonEmpty = cells.filter((c) => c.text.length > 0);
  return {
    hasTab: line.includes("\t"),
    cells,
    nonEmpty,
    joined: nonEmpty.map((c) => c.text).join(" "),
    joinedMulti: nonEmpty.map((c) => c.multiline).join(" "),
  };
}

function normalizeDocument(text: string): string {
  return text
    .replace(/^\uFEFF/, "")
    .replace(/\r\n?/g, "\n")
    .replace(/[\u00A0\u2007\u202F]/g, " ")
    .replace(/[\u200B\u200C\u200D\u2060\uFEFF]/g, "")
    .replace(/[\u2018\u2019\u02BC]/g, "'");
}

function looksBinary(text: string): boolean {
  if (text.startsWith("%PDF") || text.startsWith("PK\u0003\u0004") || text.includes("\u0000")) return true;
  const sample = text.slice(0, 20_000);
  let odd = 0;
  for (const ch of sample) {
    const c = ch.charCodeAt(0);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd) odd++;
  }
  return odd > Math.max(3, sample.length * 0.01);
}

// ---------------------------------------------------------------------------
// Recognisers

const CENTRO_RE = /^CENTRO\s+(?:DI\s+)?RESPONSABILIT(?:A'?|À)\s*:?\s*(\d{1,3})\s*[.)\-–]?\s*(.*)$/i;
/** The same row in a table naming the area otherwise: "SETTORE 2 – Tecnico", "AREA 03 Servizi sociali", "U.O. 4 …". */
const AREA_ROW_RE =
  /^(?:AREA|SETTORE|SERVIZIO|U\.?\s?O\.?|UNIT(?:A'?|À)\s+ORGANIZZATIVA)\s*(?:N\.?\s*)?:?\s*(\d{1,3})\s*[.)\-–:]?\s*(.*)$/i;
/** The head of the area, however the row calls them. */
const HEAD_LABEL_RE =
  /\s*(?:\bRESPONSABILE\b|\bTITOLARE(?:\s+DI)?(?:\s+(?:INCARICO\s+DI\s+)?(?:E\.?\s?Q\.?|P\.?\s?O\.?|ELEVATA\s+QUALIFICAZIONE|POSIZIONE\s+ORGANIZZATIVA))?(?=[\s:]|$)|\bP\.\s?O\.(?=[\s:]|$)|\bE\.\s?Q\.(?=[\s:]|$))\s*:?\s*/i;
const AREA_OBJECTIVE_RE = /^OBIETTIVO\s+(\d{1,4}(?:\s*\.\s*\d{1,4})+)\.?(?=\s|$)\s*[-–:]?\s*([\s\S]*)$/i;
const ACTIVITY_CODE_RE = /^(\d{1,4}(?:\s*\.\s*\d{1,4}){2,})\.?$/;
const ACTIVITY_CODE_WITH_TEXT_RE = /^(\d{1,4}(?:\.\d{1,4}){2,})\.?\s+(\S[\s\S]*)$/;

type Role = "activity" | "indicator" | "index" | "target" | "involved";

function headerRole(text: string): Role | null {
  const t = text.toUpperCase().replace(/À/g, "A'").replace(/\s+/g, " ").trim();
  if (/^ATTIVITA'?(?: E FASI)?$/.test(t) || t === "FASI") return "activity";
  if (/^INDICATOR[EI](?: DI RISULTATO)?$/.test(t)) return "indicator";
  if (/^INDIC[EI]$/.test(t)) return "index";
  if (/^(?:VALORE ATTESO|VALORI ATTESI|TARGET|RISULTATO ATTESO)$/.test(t)) return "target";
  if (/^PERSONALE COINVOLTO$/.test(t)) return "involved";
  return null;
}

interface Layout {
  width: number;
  roles: (Role | null)[];
}

function headerLayout(row: Row): Layout | null {
  if (row.nonEmpty.length === 0 || !row.nonEmpty.every((c) => headerRole(c.text) !== null)) return null;
  return { width: row.cells.length, roles: row.cells.map((c) => (c.text ? headerRole(c.text) : null)) };
}

/**
 * The "Personale coinvolto" cell of an activity row, trusted only where the row lines up with
 * its header, counting from the right (the header may or may not have a cell over the code).
 */
function involvedCell(layout: Layout | null, row: Row): Cell | null {
  const at = layout ? layout.roles.indexOf("involved") : -1;
  if (!layout || at < 0 || row.cells.length < layout.width || row.cells.length > layout.width + 1) return null;
  return row.cells[row.cells.length - (layout.width - at)] ?? null;
}

function normalizeCode(code: string): string {
  return code.replace(/\s+/g, "");
}

/** "10%", or points: "20 punti", "20 pt", "20". */
function parseWeight(text: string): number | null {
  const m = /(\d+(?:[.,]\d+)?)\s*%/.exec(text) ?? /^\s*(\d+(?:[.,]\d+)?)\s*(?:punti|punto|pt\.?|p\.)?\s*$/i.exec(text);
  return m ? Number(m[1]!.replace(",", ".")) : null;
}

/** "Migliorare le competenze ... 10%" (VALORE PUBBLICO and PESO on one row). */
function splitTrailingWeight(text: string): { text: string; weight: number | null } {
  const m = /^([\s\S]*?)\s*(\d+(?:[.,]\d+)?)\s*%\s*$/.exec(text);
  return m ? { text: m[1]!.trim(), weight: Number(m[2]!.replace(",", ".")) } : { text: text.trim(), weight: null };
}

/** The indice printed in the same cell as the target: "Tempo previsto 30 Giugno 2024", "N° tavoli > 3". */
function indexPrefix(target: string): string | null {
  let m = /^(tempo previsto|scadenza|data prevista)\s*:?\s+\S/i.exec(target);
  if (m) return m[1]!;
  m = /^([^\d<>=≤≥]{3,80}?)\s*(?:>=|=>|<=|=<|≥|≤|>|<|=)\s*\d/.exec(target);
  return m ? m[1]!.trim() : null;
}

const INVOLVED_HINT =
  /\b(?:tutt[ei]\s+(?:le\s+)?(?:EQ|E\.Q\.|P\.?O\.?|aree|responsabili)|titolare|personale coinvolto|RPCT|responsabil[ei]|uffic[io]|servizi?o?|area|dipendenti|segretari[oa])\b/i;
const ALL_AREAS =
  /\btutt[ei]\s+(?:le\s+|i\s+)?(?:EQ|E\.Q\.|P\.\s?O\.|PO|aree|responsabili(?:\s+di\s+area)?|titolari)\b/i;

// ---------------------------------------------------------------------------
// Titles: the activity cell prints a short title and then the description, with no separator.

const FUNCTION_WORDS = new Set([
  "di",
  "da",
  "del",
  "dello",
  "della",
  "dei",
  "degli",
  "delle",
  "il",
  "lo",
  "la",
  "i",
  "gli",
  "le",
  "un",
  "una",
  "uno",
  "in",
  "nel",
  "nello",
  "nella",
  "nei",
  "negli",
  "nelle",
  "per",
  "con",
  "su",
  "sul",
  "sullo",
  "sulla",
  "sui",
  "sugli",
  "sulle",
  "a",
  "ad",
  "al",
  "allo",
  "alla",
  "ai",
  "agli",
  "alle",
  "e",
  "ed",
  "o",
  "od",
  "tra",
  "fra",
  "dal",
  "dallo",
  "dalla",
  "dai",
  "dagli",
  "dalle",
  "verso",
  "presso",
  "come",
  "che",
  "cui",
  "-",
  "–",
  "/",
]);

function core(word: string): string {
  return word.replace(/^[(«"“]+/, "");
}
function isElided(word: string): boolean {
  return /^[a-zà-ù]+'/i.test(word);
}
function isCapitalWord(word: string): boolean {
  const c = core(word);
  if (isElided(c)) return false;
  return /^[A-ZÀ-Ú][a-zà-ú]/.test(c) || /^[A-ZÀ-Ú]$/.test(c);
}
function isAcronym(word: string): boolean {
  return /^[A-Z]{2,}[.,;:]?$/.test(word);
}
function isElidedCapital(word: string): boolean {
  return /^[a-zà-ù]+'[A-ZÀ-Ú]/.test(word);
}
function startsProperNoun(word: string): boolean {
  return isCapitalWord(word) || isElidedCapital(word) || isAcronym(word) || /^[«"“]/.test(word);
}

/** "Comune di Sangiano", "Polizia Locale": a capital followed by more of the same name. */
function continuesProperNoun(words: string[], i: number): boolean {
  let j = i + 1;
  while (j < words.length && FUNCTION_WORDS.has(words[j]!.toLowerCase())) j++;
  if (j >= words.length) return false;
  return j === i + 1 ? startsProperNoun(words[j]!) : isCapitalWord(words[j]!) || isElidedCapital(words[j]!);
}

const MAX_TITLE_WORDS = 40;
const MAX_TITLE_CHARS = 140;

/**
 * The title ends where a capitalised word starts the description ("Piano operativo | Stesura piano...").
 * Capitals that continue a name ("Comune di Sangiano", "Polizia Locale") or follow an article do not count.
 */
function splitTitle(text: string): string | null {
  const words = text.split(/\s+/);
  let depth = 0;
  for (let i = 0; i < Math.min(words.length, MAX_TITLE_WORDS + 1); i++) {
    const w = words[i]!;
    const inQuote = depth > 0 || /^[«"“]/.test(w);
    for (const ch of w) {
      if (ch === "«" || ch === "“") depth++;
      else if (ch === "»" || ch === "”") depth = Math.max(0, depth - 1);
      else if (ch === '"') depth = depth > 0 ? depth - 1 : 1;
    }
    if (i < 2 || inQuote || !isCapitalWord(w)) continue;
    const prev = words[i - 1]!;
    if (FUNCTION_WORDS.has(prev.toLowerCase()) || /[,;:'(]$/.test(prev) || /^\d+[.)]$/.test(prev)) continue;
    if (continuesProperNoun(words, i)) continue;
    return words
      .slice(0, i)
      .join(" ")
      .replace(/([^.])\.$/, "$1");
  }
  return null;
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, "")}…`;
}

function firstSentence(text: string): string {
  const firstLine = text.split("\n")[0] ?? "";
  const m = /^(.{20,}?[a-zà-ù)»"])\.\s+[A-ZÀ-Ú]/.exec(firstLine);
  return m ? m[1]! : firstLine;
}

function activityTitle(text: string, printsTitle: boolean): string {
  const single = text.replace(/\n/g, " ");
  const split = printsTitle ? splitTitle(single) : null;
  return truncate(split ?? firstSentence(text), MAX_TITLE_CHARS);
}

// ---------------------------------------------------------------------------
// Structure pass

interface ObjectiveDraft {
  printedCode: string;
  code: string;
  areaCode: string | null;
  orgWide: boolean;
  title: string;
  description: string;
  publicValue: string;
  weight: number | null;
  position: number;
}

interface ActivityDraft {
  objective: ObjectiveDraft;
  printedCode: string;
  text: string;
  indicatorName: string;
  indicatorIndex: string | null;
  targetText: string;
  involved: string | null;
  splitGroup: number | null;
}

interface Structure {
  areas: PlanArea[];
  objectives: ObjectiveDraft[];
  activities: ActivityDraft[];
  splitGroups: Map<number, { objective: ObjectiveDraft; parts: number }>;
}

interface Parts {
  text: string;
  indicatorName: string;
  indicatorIndex: string | null;
  targetText: string;
}

/** Cells in reading order when their columns cannot be trusted: activity, indicator, [indice], target. */
function partsByMeaning(cells: Cell[]): Parts {
  const texts = cells.map((c) => c.multiline);
  const plain = cells.map((c) => c.text);
  const parts: Parts = { text: texts[0] ?? "", indicatorName: "", indicatorIndex: null, targetText: "" };
  if (cells.length === 2) {
    const t = parseTarget(plain[1]!);
    if (t.kind !== "text" || t.needsManualDate) parts.targetText = plain[1]!;
    else parts.indicatorName = plain[1]!;
  } else if (cells.length === 3) {
    parts.indicatorName = plain[1]!;
    parts.targetText = plain[2]!;
    parts.indicatorIndex = indexPrefix(plain[2]!);
  } else if (cells.length >= 4) {
    parts.indicatorName = plain[1]!;
    parts.indicatorIndex = plain.slice(2, -1).join(" ");
    parts.targetText = plain[plain.length - 1]!;
  }
  return parts;
}

function parseStructure(lines: string[]): Structure {
  const areas = new Map<string, PlanArea>();
  const objectives: ObjectiveDraft[] = [];
  const activities: ActivityDraft[] = [];
  const splitGroups = new Map<number, { objective: ObjectiveDraft; parts: number }>();

  let currentArea: PlanArea | null = null;
  let objective: ObjectiveDraft | null = null;
  let state: "none" | "header" | "activities" = "none";
  let lastField: "description" | "publicValue" | null = null;
  let currentLayout: Layout | null = null;
  let lastActivity: ActivityDraft | null = null;
  let blank = true;
  let orgWideCount = 0;

  const newObjective = (
    draft: Omit<ObjectiveDraft, "position" | "description" | "publicValue" | "weight">,
  ): ObjectiveDraft => {
    const created = { ...draft, description: "", publicValue: "", weight: null, position: objectives.length + 1 };
    objectives.push(created);
    return created;
  };

  const addActivity = (
    obj: ObjectiveDraft,
    printedCode: string,
    parts: Parts,
    involved: string | null,
    splitGroup: number | null = null,
  ): ActivityDraft => {
    const created = { objective: obj, printedCode, ...parts, involved, splitGroup };
    activities.push(created);
    return created;
  };

  const continueActivity = (previous: ActivityDraft, text: string, involved: string | null, targetCells: Cell[]) => {
    if (text) previous.text = previous.text ? `${previous.text}\n${text}` : text;
    if (involved) previous.involved = previous.involved ? `${previous.involved}; ${involved}` : involved;
    if (!previous.targetText && targetCells.length > 0) {
      const last = targetCells[targetCells.length - 1]!.text;
      const t = parseTarget(last);
      if (t.kind !== "text" || t.needsManualDate) previous.targetText = last;
    }
  };

  /**
   * A row of the Comune-wide table, whose columns (with "Personale coinvolto") are printed in place.
   * Returns the activity the next continuation row would extend.
   */
  const orgWideRow = (
    obj: ObjectiveDraft,
    row: Row,
    previous: ActivityDraft | null,
    afterBlank: boolean,
  ): ActivityDraft | null => {
    const layout = currentLayout;
    const aligned =
      layout !== null &&
      layout.width === row.cells.length &&
      layout.roles.includes("activity") &&
      layout.roles.includes("target");
    if (!aligned) {
      const cells = [...row.nonEmpty];
      let involved: string | null = null;
      if (
        cells.length >= 3 &&
        INVOLVED_HINT.test(cells[cells.length - 1]!.text) &&
        parseTarget(cells[cells.length - 1]!.text).kind === "text"
      ) {
        involved = cells.pop()!.text;
      }
      if (cells.length <= 1 && previous && previous.objective === obj && !afterBlank) {
        continueActivity(previous, cells[0]?.multiline ?? "", involved, []);
        return previous;
      }
      return addActivity(obj, "", partsByMeaning(cells), involved);
    }
    const at = (role: Role): Cell => {
      const i = layout.roles.indexOf(role);
      return i >= 0 ? row.cells[i]! : toCell("");
    };
    const activity = at("activity");
    const indicator = at("indicator");
    const index = at("index");
    const target = at("target");
    const involved = at("involved");
    if (!indicator.text && !index.text && !target.text) {
      // Merged cells in the source table: the row only continues the activity above.
      if (previous && previous.objective === obj && !afterBlank) {
        continueActivity(previous, activity.multiline, involved.text || null, []);
        return previous;
      }
      return addActivity(
        obj,
        "",
        { text: activity.multiline, indicatorName: "", indicatorIndex: null, targetText: "" },
        involved.text || null,
      );
    }
    const n = target.paragraphs.length;
    if (n >= 2 && indicator.paragraphs.length === n && index.paragraphs.length === n) {
      // Several indicators typed into one row (one paragraph each): one activity per indicator.
      const group = splitGroups.size + 1;
      splitGroups.set(group, { objective: obj, parts: n });
      let last: ActivityDraft | null = null;
      for (let k = 0; k < n; k++) {
        const pick = (c: Cell) => (c.paragraphs.length === n ? c.paragraphs[k]! : c.multiline);
        last = addActivity(
          obj,
          "",
          {
            text: pick(activity),
            indicatorName: indicator.paragraphs[k]!,
            indicatorIndex: index.paragraphs[k]!,
            targetText: target.paragraphs[k]!,
          },
          pick(involved).replace(/\n/g, " ") || null,
          group,
        );
      }
      return last;
    }
    let targetText = target.text;
    let indexText: string | null = index.text || null;
    if (!targetText && indexText && parseTarget(indexText).kind !== "text") {
      targetText = indexText;
      indexText = null;
    }
    return addActivity(
      obj,
      "",
      { text: activity.multiline, indicatorName: indicator.text, indicatorIndex: indexText, targetText },
      involved.text || null,
    );
  };

  for (const line of lines) {
    const row = toRow(line);
    if (row.nonEmpty.length === 0) {
      blank = true;
      continue;
    }
    const wasBlank = blank;
    blank = false;

    const centroRow = CENTRO_RE.exec(row.joined);
    const areaRow = centroRow
      ? null
      : row.hasTab && HEAD_LABEL_RE.test(row.joined)
        ? AREA_ROW_RE.exec(row.joined)
        : null;
    const centro = centroRow ?? areaRow;
    if (centro) {
      const code = centro[1]!.padStart(2, "0");
      const [namePart, ...headParts] = centro[2]!.split(HEAD_LABEL_RE);
      let name = collapse(namePart ?? "").replace(/[\s.:-]+$/, "");
      if (areaRow) {
        // "SETTORE 2 – Servizi Tecnici": the kind of area is part of its name.
        const label = /^\S+/.exec(row.joined)![0];
        const kind = label === label.toUpperCase() ? label.charAt(0) + label.slice(1).toLowerCase() : label;
        if (!name.toLowerCase().startsWith(kind.toLowerCase())) name = collapse(`${kind} ${name}`);
      }
      const head = collapse(headParts.join(" ")) || null;
      const existing = areas.get(code);
      if (existing) {
        if (!existing.head && head) existing.head = head;
        if (!existing.name && name) existing.name = name;
      } else {
        areas.set(code, { code, name, head, position: areas.size + 1 });
      }
      currentArea = areas.get(code)!;
      objective = null;
      state = "none";
      continue;
    }

    const areaObjective =
      row.hasTab || /^OBIETTIVO\b/.test(row.joined) ? AREA_OBJECTIVE_RE.exec(row.joinedMulti) : null;
    if (areaObjective) {
      const printedCode = normalizeCode(areaObjective[1]!);
      let areaCode = currentArea?.code ?? null;
      if (!areaCode) {
        const byNumber = [...areas.values()].find((a) => Number(a.code) === Number(printedCode.split(".")[0]));
        areaCode = byNumber?.code ?? null;
      }
      objective = newObjective({
        printedCode,
        code: printedCode,
        areaCode,
        orgWide: false,
        title: collapse(areaObjective[2]!.replace(/\n/g, " ")),
      });
      state = "header";
      lastField = null;
      currentLayout = null;
      lastActivity = null;
      continue;
    }

    const first = row.nonEmpty[0]!;
    if (/^obiettivo\s*:?$/i.test(first.text) && row.nonEmpty.length >= 2) {
      currentArea = null;
      orgWideCount++;
      objective = newObjective({
        printedCode: "",
        code: `E${orgWideCount}`,
        areaCode: null,
        orgWide: true,
        title: row.nonEmpty
          .slice(1)
          .map((c) => c.text)
          .join(" "),
      });
      state = "header";
      lastField = null;
      currentLayout = null;
      lastActivity = null;
      continue;
    }

    if (!objective) continue;
    const obj: ObjectiveDraft = objective;

    const header = headerLayout(row);
    if (header) {
      state = "activities";
      if (header.roles.filter((r) => r !== null).length >= 3) currentLayout = header;
      continue;
    }

    const codeCell = ACTIVITY_CODE_RE.exec(first.text);
    const codeWithText = codeCell ? null : ACTIVITY_CODE_WITH_TEXT_RE.exec(first.multiline);
    if (row.hasTab && (codeCell || codeWithText)) {
      const printedCode = normalizeCode((codeCell ?? codeWithText)![1]!);
      const involved = involvedCell(currentLayout, row);
      const rest = row.nonEmpty.slice(1).filter((c) => c !== involved);
      if (codeWithText) rest.unshift(toCell(codeWithText[2]!));
      lastActivity = addActivity(obj, printedCode, partsByMeaning(rest), involved?.text || null);
      state = "activities";
      continue;
    }

    if (state === "header") {
      const t = row.joinedMulti;
      let m: RegExpExecArray | null;
      if ((m = /^descrizione\b\s*:?\s*([\s\S]*)$/i.exec(t))) {
        obj.description = m[1]!.trim();
        lastField = "description";
      } else if ((m = /^valore pubblico\s+peso\b\s*:?\s*([\s\S]*)$/i.exec(t))) {
        const split = splitTrailingWeight(m[1]!);
        obj.publicValue = split.text;
        obj.weight = split.weight;
        lastField = "publicValue";
      } else if ((m = /^valore pubblico\b\s*:?\s*([\s\S]*)$/i.exec(t))) {
        obj.publicValue = m[1]!.trim();
        lastField = "publicValue";
      } else if ((m = /^peso\b\s*:?\s*([\s\S]*)$/i.exec(t))) {
        obj.weight = parseWeight(m[1]!);
        lastField = null;
      } else if (lastField && !wasBlank) {
        obj[lastField] = obj[lastField] ? `${obj[lastField]}\n${t}` : t;
      }
      continue;
    }

    if (state === "activities") {
      if (!row.hasTab) {
        // Prose or a section heading: the table is over.
        state = "none";
        continue;
      }
      if (obj.orgWide) {
        lastActivity = orgWideRow(obj, row, lastActivity, wasBlank);
      } else if (lastActivity && lastActivity.objective === obj && !wasBlank) {
        continueActivity(lastActivity, row.nonEmpty[0]!.multiline, null, row.nonEmpty.slice(1));
      }
    }
  }

  return { areas: [...areas.values()], objectives, activities, splitGroups };
}

// ---------------------------------------------------------------------------
// Plan-level facts

/** The year from a title line ("OBIETTIVI ESECUTIVI 2024"), never from prose or table cells. */
export function findYear(lines: string[]): number | null {
  const patterns = [
    /OBIETTIVI\s+ESECUTIVI\s+(?:ANNO\s+)?((?:19|20|21)\d{2})\b/i,
    /ANNUALIT(?:A'?|À)\s+((?:19|20|21)\d{2})\b/i,
    /PIANO\s+DETTAGLIATO\s+DEGLI\s+OBIETTIVI\s+(?:ANNO\s+)?((?:19|20|21)\d{2})\b/i,
  ];
  const titles = lines.filter((l) => !l.includes("\t") && l.length <= 200);
  for (const re of patterns) {
    for (const line of titles) {
      const m = re.exec(line);
      if (m) return Number(m[1]);
    }
  }
  return null;
}

function mostCommon<T>(values: T[]): T | null {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: T | null = null;
  let bestCount = 0;
  for (const [v, n] of counts) {
    if (n > bestCount) {
      best = v;
      bestCount = n;
    }
  }
  return best;
}

const PLACE_NAME = /^[A-ZÀ-Ú][\p{L}'’.-]*(?:\s+(?:[A-ZÀ-Ú][\p{L}'’.-]*|d[ei]l?|sul|in|di|de|al|a))*$/u;

export function findEntity(lines: string[]): string | null {
  const trimmed = lines.map((l) => collapse(l.replace(/\t/g, " ")));
  // The title page prints "Comune di" and the name on two lines, or on one.
  for (let i = 0; i < Math.min(trimmed.length, 400); i++) {
    const line = trimmed[i]!;
    if (/^comune di$/i.test(line)) {
      const next = trimmed.slice(i + 1, i + 4).find((l) => l.length > 0);
      if (next && next.length <= 60 && PLACE_NAME.test(next)) return `Comune di ${next}`;
    }
    const single = /^comune di\s+(.{2,60})$/i.exec(line);
    if (single && PLACE_NAME.test(single[1]!)) return `Comune di ${single[1]}`;
  }
  const names: string[] = [];
  for (const line of trimmed) {
    for (const m of line.matchAll(/\bComune di ([A-ZÀ-Ú][\p{L}'-]+(?:\s+[A-ZÀ-Ú][\p{L}'-]+)*)/gu)) names.push(m[1]!);
  }
  const name = mostCommon(names);
  return name ? `Comune di ${name}` : null;
}

function involvedAreas(involved: string | null, areas: PlanArea[]): { all: boolean; codes: string[] } {
  if (!involved) return { all: false, codes: [] };
  const text = involved.toLowerCase().replace(/\s+/g, " ");
  const all = ALL_AREAS.test(involved);
  const named = new Set(areas.filter((a) => a.name && text.includes(a.name.toLowerCase())).map((a) => a.code));
  const codes = new Set<string>(named);
  const heads = new Map<string, PlanArea[]>();
  for (const a of areas) {
    if (!a.head) continue;
    const key = a.head.toLowerCase().replace(/\s+/g, " ");
    heads.set(key, [...(heads.get(key) ?? []), a]);
  }
  for (const [head, led] of heads) {
    if (!text.includes(head)) continue;
    // A head of several areas: the area named next to them, or else all of theirs.
    const explicit = led.filter((a) => named.has(a.code));
    for (const a of explicit.length > 0 ? explicit : led) codes.add(a.code);
  }
  return { all, codes: areas.filter((a) => codes.has(a.code)).map((a) => a.code) };
}

function quote(text: string, max = 70): string {
  const short = truncate(text.replace(/\s+/g, " "), max);
  return /[«»]/.test(short) ? `“${short}”` : `«${short}»`;
}

// ---------------------------------------------------------------------------

/**
 * Parses the text of a PIAO performance plan.
 * Throws PlanFormatError (Italian message) when the text is not such a plan.
 */
export function parsePiaoText(text: string, sourceName: string): ParsedPlan {
  if (typeof text !== "string" || text.trim().replace(/^\uFEFF/, "").length === 0) {
    throw new PlanFormatError("empty", sourceName);
  }
  if (looksBinary(text)) throw new PlanFormatError("binary", sourceName);

  const normalized = normalizeDocument(text);
  const lines = normalized.split("\n");
  const structure = parseStructure(lines);
  const { areas, objectives: objectiveDrafts, activities: drafts } = structure;

  if (areas.length === 0 && objectiveDrafts.length === 0) {
    throw new PlanFormatError("not_a_plan", sourceName);
  }
  if (drafts.length === 0) {
    throw new PlanFormatError("no_activities", sourceName, objectiveDrafts.length);
  }

  const anomalies: PlanAnomaly[] = [];

  const year =
    findYear(lines) ??
    mostCommon(
      drafts
        .map((d) => parseTarget(d.targetText, { indice: d.indicatorIndex }).deadline)
        .filter((d): d is string => d !== null)
        .map((d) => Number(d.slice(0, 4))),
    );
  if (year === null) throw new PlanFormatError("no_year", sourceName);

  // Objective codes are the keys of the plan: a number printed twice gets the next free one.
  const objectiveCodes = new Set<string>();
  for (const o of objectiveDrafts) {
    if (!o.orgWide && objectiveCodes.has(o.code)) {
      const prefix = o.code.split(".").slice(0, -1).join(".");
      let n = Number(o.code.split(".").pop());
      while (objectiveCodes.has(`${prefix}.${n}`)) n++;
      o.code = `${prefix}.${n}`;
      anomalies.push({
        kind: "duplicate_objective",
        code: o.code,
        printedCode: o.printedCode,
        message: `L'obiettivo ${o.printedCode} compare due volte nel documento: il secondo (${quote(o.title)}) è registrato come ${o.code}.`,
      });
    }
    objectiveCodes.add(o.code);
  }

  // Activity codes: printed codes that sit under their own objective are kept; the others
  // become objective + last number (or the next free one), and each case is reported.
  const printedCount = new Map<string, number>();
  const printedUnder = new Map<string, string[]>();
  for (const d of drafts) {
    if (!d.printedCode) continue;
    printedCount.set(d.printedCode, (printedCount.get(d.printedCode) ?? 0) + 1);
    printedUnder.set(d.printedCode, [...(printedUnder.get(d.printedCode) ?? []), d.objective.code]);
  }
  const prefixOf = (code: string) => code.split(".").slice(0, -1).join(".");
  const codes = new Map<ActivityDraft, string>();
  const taken = new Set<string>();
  for (const d of drafts) {
    if (d.printedCode && prefixOf(d.printedCode) === d.objective.code && !taken.has(d.printedCode)) {
      codes.set(d, d.printedCode);
      taken.add(d.printedCode);
    }
  }
  const orgWideNext = new Map<ObjectiveDraft, number>();
  const codeAnomalies = new Map<ActivityDraft, PlanAnomaly>();
  for (const d of drafts) {
    if (codes.has(d)) continue;
    if (!d.printedCode) {
      const n = (orgWideNext.get(d.objective) ?? 0) + 1;
      orgWideNext.set(d.objective, n);
      let code = `${d.objective.code}.${n}`;
      let k = n;
      while (taken.has(code)) code = `${d.objective.code}.${++k}`;
      codes.set(d, code);
      taken.add(code);
      continue;
    }
    let n = Math.max(1, Number(d.printedCode.split(".").pop()));
    while (taken.has(`${d.objective.code}.${n}`)) n++;
    const code = `${d.objective.code}.${n}`;
    codes.set(d, code);
    taken.add(code);
    codeAnomalies.set(d, { kind: "", code, printedCode: d.printedCode, message: "" });
  }

  const activities: PlanActivity[] = [];
  for (const [i, d] of drafts.entries()) {
    const code = codes.get(d)!;
    const indicatorIndex = d.indicatorIndex && d.indicatorIndex.length > 0 ? d.indicatorIndex : null;
    const target = parseTarget(d.targetText, { indice: indicatorIndex, indicator: d.indicatorName, year });
    const { all, codes: areaCodes } = involvedAreas(d.involved, areas);
    const title = activityTitle(d.text, !d.objective.orgWide) || truncate(d.indicatorName, MAX_TITLE_CHARS);
    activities.push({
      code,
      printedCode: d.printedCode,
      objectiveCode: d.objective.code,
      title,
      description: d.text,
      indicatorName: d.indicatorName,
      indicatorIndex,
      targetText: d.targetText,
      involved: d.involved,
      involvesAllAreas: all,
      involvedAreaCodes: areaCodes,
      position: i + 1,
      target,
      weight: null,
    });

    const codeAnomaly = codeAnomalies.get(d);
    if (codeAnomaly) {
      const printed = d.printedCode;
      const owner = prefixOf(printed);
      const what = `l'attività ${quote(title)} dell'obiettivo ${d.objective.code} è registrata come ${code}`;
      if ((printedCount.get(printed) ?? 0) > 1) {
        const under = [...new Set(printedUnder.get(printed) ?? [])];
        const times = printedCount.get(printed) === 2 ? "due volte" : `${printedCount.get(printed)} volte`;
        codeAnomaly.kind = "duplicate_code";
        codeAnomaly.message =
          under.length > 1
            ? `Il codice ${printed} è stampato ${times} (sotto gli obiettivi ${under.join(" e ")}): ${what}.`
            : `Il codice ${printed} è stampato ${times} sotto l'obiettivo ${under[0]}: ${what}.`;
      } else if (objectiveCodes.has(owner)) {
        codeAnomaly.kind = "misplaced_code";
        codeAnomaly.message = `Il codice ${printed} appartiene all'obiettivo ${owner} ma è stampato sotto l'obiettivo ${d.objective.code}: ${what}.`;
      } else {
        codeAnomaly.kind = "foreign_code";
        codeAnomaly.message = `Il codice ${printed} non corrisponde a nessun obiettivo del piano: ${what}.`;
      }
      anomalies.push(codeAnomaly);
    }
    if (d.splitGroup !== null && drafts[i - 1]?.splitGroup !== d.splitGroup) {
      const group = structure.splitGroups.get(d.splitGroup)!;
      const parts = drafts.filter((x) => x.splitGroup === d.splitGroup).map((x) => codes.get(x)!);
      anomalies.push({
        kind: "split_row",
        code,
        message: `Nell'obiettivo ${group.objective.code} ${quote(group.objective.title, 60)} una riga riporta ${group.parts} indicatori nelle stesse celle: registrata come ${group.parts} attività (${parts.join(", ")}), una per indicatore.`,
      });
    }
    if (!d.targetText) {
      anomalies.push({
        kind: "missing_target",
        code,
        message: `L'attività ${code} ${quote(title)} non ha un valore atteso: va indicato a mano.`,
      });
    } else if (target.needsManualDate) {
      anomalies.push({
        kind: "manual_deadline",
        code,
        message: `L'attività ${code} ${quote(title)} ha come valore atteso ${quote(d.targetText, 90)}: non c'è una data certa, la scadenza va inserita a mano.`,
      });
    }
  }

  const objectives: PlanObjective[] = objectiveDrafts.map((o) => ({
    code: o.code,
    areaCode: o.areaCode,
    title: o.title,
    description: o.description,
    publicValue: o.publicValue,
    weight: o.weight,
    position: o.position,
  }));
  const withActivities = new Set(activities.map((a) => a.objectiveCode));
  for (const o of objectives) {
    if (!withActivities.has(o.code)) {
      anomalies.push({
        kind: "empty_objective",
        code: o.code,
        message: `L'obiettivo ${o.code} ${quote(o.title)} non ha nessuna attività.`,
      });
    }
  }

  const entity = findEntity(lines);
  if (!entity) {
    anomalies.push({
      kind: "missing_entity",
      code: "",
      message: "Non ho trovato il nome del Comune nel documento (atteso «Comune di …» nel titolo).",
    });
  }

  return {
    year,
    entity: entity ?? "",
    sourceName,
    areas: areas.map((a) => ({ code: a.code, name: a.name, head: a.head, position: a.position })),
    objectives,
    activities,
    anomalies,
    behaviourCriteria: parseBehaviourCriteria(normalized),
  };
}
