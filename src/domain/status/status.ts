import { addDays } from "../calendar/days.ts";
import { UserError } from "../../errors.ts";
import { matchArea, normalizeWords, type AreaMatch } from "../plan/areas.ts";
import { activityCompletion, scopeCompletion, weightedMean } from "../progress/completion.ts";

/** How far ahead "in scadenza" looks, and how many items each list shows. */
export const DUE_SOON_DAYS = 30;
export const WORST_OVERDUE_SHOWN = 5;
export const DUE_SOON_SHOWN = 8;
export const LATEST_REPORTS_SHOWN = 5;
/** Objectives listed on one screen (Slack allows 50 blocks); the others are counted. */
export const OBJECTIVES_SHOWN = 40;
/** From this many activities a scope's lists are found along plan-wide indexes rather than read whole. */
export const BIG_SCOPE = 1000;

export type StatusScope = { kind: "all" } | { kind: "ente" } | { kind: "area"; code: string };

export interface AreaInfo {
  id: number;
  code: string;
  name: string;
  head: string | null;
}

export interface ObjectiveStatus {
  code: string;
  title: string;
  /** The plan's weight ("Peso 10%" = 10); null when the plan gives none. */
  weight: number | null;
  activities: number;
  completed: number;
  /** 0..1: mean of its activities' completion, each weighing 1. */
  completion: number;
}

export interface DeadlineItem {
  code: string;
  title: string;
  objectiveCode: string;
  /** Effective deadline: the one set by hand, else the plan's. */
  deadline: string;
  /** Days from today to the deadline: negative when late. */
  daysLeft: number;
  status: string | null;
}

export interface RecentReport {
  id: number;
  activityCode: string;
  activityTitle: string;
  userId: string;
  kind: string;
  status: string | null;
  value: number | null;
  note: string | null;
  occurredOn: string;
  createdAt: Date;
}

/** One area's (or the Comune-wide objectives') state: what /stato shows on one screen. */
export interface ScopeStatus {
  scope: { kind: "ente" } | { kind: "area"; code: string };
  year: number;
  entity: string;
  today: string;
  /** null for the Comune-wide objectives. */
  area: AreaInfo | null;
  completion: number;
  activities: number;
  completed: number;
  /** The first OBJECTIVES_SHOWN objectives in plan order. */
  objectives: ObjectiveStatus[];
  /** How many objectives the scope has in all. */
  objectiveTotal: number;
  overdue: { count: number; worst: DeadlineItem[] };
  dueSoon: { count: number; days: number; items: DeadlineItem[] };
  latestReports: RecentReport[];
}

export interface AreaSummary {
  /** null for the Comune-wide objectives. */
  area: AreaInfo | null;
  completion: number;
  activities: number;
  completed: number;
  overdue: number;
  dueSoon: number;
}

export interface AllAreasStatus {
  year: number;
  entity: string;
  today: string;
  areas: AreaSummary[];
  /** Comune-wide objectives, when the plan has any. */
  ente: AreaSummary | null;
}

export interface StatusQuery {
  year?: number;
  today: string;
}

export type StatusResult = ({ kind: "all" } & AllAreasStatus) | ({ kind: "scope" } & ScopeStatus);

/** Words that mean the Comune-wide objectives rather than an area. */
const ENTE_WORDS = new Set(["ente", "comune", "organizzativa", "trasversali"]);
/** Words that mean "every area", as `/stato` alone does. */
const ALL_WORDS = new Set(["tutte", "tutto", "tutti", "aree"]);

/**
 * Reads `/stato`'s text: nothing (or «tutte») = every area, «ente» = the Comune-wide
 * objectives, anything else names an area. A four-digit year picks another plan year.
 */
export function parseStatusQuery(text: string): {
  year?: number;
  scope: StatusScope | { kind: "query"; text: string };
} {
  const words = normalizeWords(text);
  const yearWord = words.find((w) => /^20\d\d$/.test(w));
  const rest = words.filter((w) => w !== yearWord);
  const year = yearWord === undefined ? undefined : Number(yearWord);
  if (rest.length === 0 || (rest.length === 1 && ALL_WORDS.has(rest[0]!))) return { year, scope: { kind: "all" } };
  if (rest.length === 1 && ENTE_WORDS.has(rest[0]!)) return { year, scope: { kind: "ente" } };
  return { year, scope: { kind: "query", text: rest.join(" ") } };
}

/**
 * The area `/stato <testo>` names among the plan's live areas; unknown or ambiguous
 * throws a UserError listing the areas. `exactCode`: a code as stored (a button's value), no guessing.
 */
export function statusArea(year: number, areas: AreaInfo[], query: string, exactCode = false): AreaInfo {
  const match = exactCode ? exactArea(areas, query) : matchArea(areas, query);
  const asked = query.length > 60 ? `${query.slice(0, 59)}…` : query;
  const example = areas[0]?.code ?? null;
  if (match.kind === "none")
    throw new UserError({
      code: "area_unknown",
      context: "status",
      query: asked,
      year,
      example,
      list: areaList(areas),
    });
  if (match.kind === "many")
    throw new UserError({
      code: "area_ambiguous",
      context: "status",
      query: asked,
      example,
      list: areaList(match.areas),
    });
  return match.area;
}

function exactArea(areas: AreaInfo[], code: string): AreaMatch<AreaInfo> {
  const area = areas.find((a) => a.code === code);
  return area ? { kind: "one", area } : { kind: "none" };
}

function areaList(areas: AreaInfo[]): string {
  return areas.map((a) => `• ${a.code} ${a.name}`).join("\n");
}

/** A deadline set by hand in a scope, with the plan's one it replaces. */
export interface ManualRow {
  areaId: number | null;
  planDeadline: string | null;
  manualDeadline: string;
  status: string | null;
}
/** One area's aggregate over its objectives (integers may come back from SQLite as bigint). */
export interface TotalsRow {
  areaId: number | null;
  /** Objectives with at least one live activity. */
  live: bigint | number;
  activities: bigint | number;
  completed: bigint | number;
  overdue: bigint | number;
  dueSoon: bigint | number;
  /** Among the live objectives: how many have a weight, their sum, and the scores. */
  weighted: bigint | number;
  weightSum: number;
  weightedScore: number;
  unweightedScore: number;
}
/** One group of alike activities of a shown objective. */
export interface ShownRow {
  objectiveId: number;
  code: string;
  title: string;
  weight: number | null;
  targetKind: string | null;
  threshold: number | null;
  status: string | null;
  percent: number | null;
  count: number | null;
  achievedValue: number | null;
  n: bigint | number;
}
export interface DeadlineRow {
  code: string;
  title: string;
  objectiveCode: string;
  deadline: string;
  status: string | null;
}

/** The objectives a screen shows, from their grouped rows: each activity weighs 1 in its objective. */
export function objectivesFromRows(rows: readonly ShownRow[]): ObjectiveStatus[] {
  const byId = new Map<number, ObjectiveStatus & { parts: { value: number; weight: number }[] }>();
  for (const r of rows) {
    let o = byId.get(r.objectiveId);
    if (!o) {
      o = { code: r.code, title: r.title, weight: r.weight, activities: 0, completed: 0, completion: 0, parts: [] };
      byId.set(r.objectiveId, o);
    }
    const n = Number(r.n);
    if (n === 0 || r.targetKind === null) continue;
    o.parts.push({ value: activityCompletion({ ...r, targetKind: r.targetKind }), weight: n });
    o.activities += n;
    if (r.status === "completata") o.completed += n;
  }
  return [...byId.values()].map(({ parts, ...o }) => ({ ...o, completion: weightedMean(parts) }));
}

type DeadlineClass = "overdue" | "dueSoon" | null;

function classify(deadline: string | null, today: string): DeadlineClass {
  if (deadline === null) return null;
  if (deadline < today) return "overdue";
  return deadline <= addDays(today, DUE_SOON_DAYS) ? "dueSoon" : null;
}

/** Moves an open activity from the class of its plan deadline to the class of the one set by hand. */
export function applyManualDeadlines(
  counts: { overdue: number; dueSoon: number },
  rows: ManualRow[],
  today: string,
): void {
  for (const r of rows) {
    if (r.status === "completata") continue;
    const was = classify(r.planDeadline, today);
    const is = classify(r.manualDeadline, today);
    if (was) counts[was] -= 1;
    if (is) counts[is] += 1;
  }
}

export function summarize(
  area: AreaInfo | null,
  t: TotalsRow | undefined,
  manual: ManualRow[],
  today: string,
): AreaSummary {
  const counts = { overdue: Number(t?.overdue ?? 0), dueSoon: Number(t?.dueSoon ?? 0) };
  applyManualDeadlines(counts, manual, today);
  return {
    area,
    completion: t
      ? scopeCompletion({
          live: Number(t.live),
          weighted: Number(t.weighted),
          weightSum: t.weightSum,
          weightedScore: t.weightedScore,
          unweightedScore: t.unweightedScore,
        })
      : 0,
    activities: Number(t?.activities ?? 0),
    completed: Number(t?.completed ?? 0),
    ...counts,
  };
}
