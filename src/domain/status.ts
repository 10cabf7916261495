import { addDays, daysBetween } from "../clock.ts";
import type { Db, Tx } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { UserError } from "../errors.ts";
import { matchArea, normalizeWords } from "./area-query.ts";
import { activityCompletion, weightedMean } from "./completion.ts";
import { currentPlan, type PlanRef } from "./plan-repo.ts";

type Reader = Db | Tx;

/** How far ahead "in scadenza" looks, and how many items each list shows. */
export const DUE_SOON_DAYS = 30;
export const WORST_OVERDUE_SHOWN = 5;
export const DUE_SOON_SHOWN = 8;
export const LATEST_REPORTS_SHOWN = 5;
/** Objectives listed on one screen (Slack allows 50 blocks); the others are counted. */
export const OBJECTIVES_SHOWN = 40;

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

export type StatusResult = ({ kind: "all" } & AllAreasStatus) | ({ kind: "scope" } & ScopeStatus);

interface Query {
  year?: number;
  today: string;
}

/** Words that mean the Comune-wide objectives rather than an area. */
const ENTE_WORDS = new Set(["ente", "comune", "organizzativa", "trasversali"]);
/** Words that mean "every area", as `/stato` alone does. */
const ALL_WORDS = new Set(["tutte", "tutto", "tutti", "aree"]);

/**
 * Reads `/stato`'s text: nothing (or «tutte») = every area, «ente» = the Comune-wide
 * objectives, anything else names an area. A four-digit year picks another plan year.
 */
export function parseStatusQuery(text: string): { year?: number; scope: StatusScope | { kind: "query"; text: string } } {
  const words = normalizeWords(text);
  const yearWord = words.find((w) => /^20\d\d$/.test(w));
  const rest = words.filter((w) => w !== yearWord);
  const year = yearWord === undefined ? undefined : Number(yearWord);
  if (rest.length === 0 || (rest.length === 1 && ALL_WORDS.has(rest[0]!))) return { year, scope: { kind: "all" } };
  if (rest.length === 1 && ENTE_WORDS.has(rest[0]!)) return { year, scope: { kind: "ente" } };
  return { year, scope: { kind: "query", text: rest.join(" ") } };
}

/** The status `/stato <testo>` asks for. Unknown or ambiguous areas throw a UserError listing the areas. */
export async function statusForText(db: Reader, text: string, today: string): Promise<StatusResult> {
  const q = parseStatusQuery(text);
  if (q.scope.kind === "query") return { kind: "scope", ...(await areaStatus(db, { year: q.year, areaQuery: q.scope.text, today })) };
  return statusForScope(db, q.scope, { year: q.year, today });
}

/** The same status again (e.g. when "Condividi nel canale" is pressed). */
export async function statusForScope(db: Reader, scope: StatusScope, q: Query): Promise<StatusResult> {
  switch (scope.kind) {
    case "all":
      return { kind: "all", ...(await allAreasStatus(db, q)) };
    case "ente":
      return { kind: "scope", ...(await enteStatus(db, q)) };
    case "area":
      return { kind: "scope", ...(await areaStatus(db, { ...q, areaQuery: scope.code, exactCode: true })) };
  }
}

async function liveAreas(db: Reader, planId: number): Promise<AreaInfo[]> {
  return db.area.findMany({
    where: { planId, archivedAt: null },
    orderBy: { position: "asc" },
    select: { id: true, code: true, name: true, head: true },
  });
}

function areaList(areas: AreaInfo[]): string {
  return areas.map((a) => `• ${a.code} ${a.name}`).join("\n");
}

export async function areaStatus(
  db: Reader,
  q: Query & { areaQuery: string; exactCode?: boolean },
): Promise<ScopeStatus> {
  const plan = await currentPlan(db, q.year);
  const areas = await liveAreas(db, plan.id);
  const match = q.exactCode
    ? (() => {
        const a = areas.find((x) => x.code === q.areaQuery);
        return a ? ({ kind: "one", area: a } as const) : ({ kind: "none" } as const);
      })()
    : matchArea(areas, q.areaQuery);
  const asked = q.areaQuery.length > 60 ? `${q.areaQuery.slice(0, 59)}…` : q.areaQuery;
  const hint = "Scrivi il codice o una parola del nome, per esempio";
  const example = areas[0] ? ` «/stato ${areas[0].code}»` : "";
  if (match.kind === "none") {
    throw new UserError(
      "area_unknown",
      `Nessuna area del piano ${plan.year} corrisponde a «${asked}». ${hint}${example}. Aree:\n${areaList(areas)}\nOppure «/stato ente» per gli obiettivi dell'ente, «/stato» per tutte le aree.`,
    );
  }
  if (match.kind === "many") {
    throw new UserError(
      "area_ambiguous",
      `«${asked}» corrisponde a più aree:\n${areaList(match.areas)}\n${hint}${example}.`,
    );
  }
  return scopeStatus(db, plan, match.area, q.today);
}

/** The Comune-wide objectives (performance organizzativa), which belong to no single area. */
export async function enteStatus(db: Reader, q: Query): Promise<ScopeStatus> {
  const plan = await currentPlan(db, q.year);
  return scopeStatus(db, plan, null, q.today);
}

function objectiveFilter(plan: PlanRef, area: AreaInfo | null): Prisma.Sql {
  return area ? Prisma.sql`o.areaId = ${area.id}` : Prisma.sql`o.planId = ${plan.id} AND o.areaId IS NULL`;
}

/** One group of activities that score alike: same area, objective weight and size, target and progress. */
interface RollupRow {
  areaId: number | null;
  weight: number | null;
  /** Live activities of the objective (0 for activities without progress: they score 0 anyway). */
  n: bigint;
  targetKind: string;
  threshold: number | null;
  status: string | null;
  percent: number | null;
  count: number | null;
  achievedValue: number | null;
  activities: bigint;
  overdue: bigint;
  dueSoon: bigint;
}

/**
 * One pass over the activities of the scope, grouped by what their completion depends on,
 * so that a 20,000-activity area comes back as a few dozen rows and `activityCompletion`
 * stays the one definition of "how far". An objective's completion is the mean of its
 * activities' (each weighing 1), so an activity counts for (objective weight / n) in its area.
 */
async function rollupRows(db: Reader, plan: PlanRef, where: Prisma.Sql, today: string): Promise<RollupRow[]> {
  const horizon = addDays(today, DUE_SOON_DAYS);
  return db.$queryRaw<RollupRow[]>`
    SELECT o.areaId AS areaId, o.weight AS weight,
           CASE WHEN p.activityCode IS NULL THEN 0
                ELSE (SELECT COUNT(*) FROM Activity x WHERE x.objectiveId = o.id AND x.archivedAt IS NULL) END AS n,
           a.targetKind AS targetKind, a.threshold AS threshold,
           p.status AS status, p.percent AS percent, p.count AS count, p.achievedValue AS achievedValue,
           COUNT(*) AS activities,
           SUM(CASE WHEN COALESCE(p.status, '') <> 'completata' AND COALESCE(m.deadline, a.deadline) < ${today} THEN 1 ELSE 0 END) AS overdue,
           SUM(CASE WHEN COALESCE(p.status, '') <> 'completata' AND COALESCE(m.deadline, a.deadline) >= ${today}
                     AND COALESCE(m.deadline, a.deadline) <= ${horizon} THEN 1 ELSE 0 END) AS dueSoon
    FROM Objective o
    JOIN Activity a ON a.objectiveId = o.id AND a.archivedAt IS NULL
    LEFT JOIN Progress p ON p.planYear = ${plan.year} AND p.activityCode = a.code
    LEFT JOIN ManualDeadline m ON m.planYear = ${plan.year} AND m.activityCode = a.code
    WHERE ${where} AND o.archivedAt IS NULL
    GROUP BY o.areaId, o.weight, n, a.targetKind, a.threshold, p.status, p.percent, p.count, p.achievedValue`;
}

interface WeightRow {
  areaId: number | null;
  live: bigint;
  weighted: bigint;
  weightSum: number;
}

/** Per area: objectives that have activities, and the plan weights among them. */
async function weightRows(db: Reader, where: Prisma.Sql): Promise<WeightRow[]> {
  return db.$queryRaw<WeightRow[]>`
    SELECT o.areaId AS areaId, COUNT(*) AS live,
           SUM(CASE WHEN o.weight > 0 THEN 1 ELSE 0 END) AS weighted,
           TOTAL(CASE WHEN o.weight > 0 THEN o.weight END) AS weightSum
    FROM Objective o
    WHERE ${where} AND o.archivedAt IS NULL
      AND EXISTS (SELECT 1 FROM Activity a WHERE a.objectiveId = o.id AND a.archivedAt IS NULL)
    GROUP BY o.areaId`;
}

/**
 * The weight an objective counts with in its area: the plan's "Peso"; one the plan gives
 * no weight counts as much as the average weighted one (all alike when none has one).
 */
export function weightPolicy(w: { live: number; weighted: number; weightSum: number }): { of(weight: number | null): number; total: number } {
  const fallback = w.weighted > 0 ? w.weightSum / w.weighted : 1;
  return {
    of: (weight) => (weight !== null && weight > 0 ? weight : fallback),
    total: w.weightSum + (w.live - w.weighted) * fallback,
  };
}

function summarize(area: AreaInfo | null, rows: RollupRow[], weights: WeightRow | undefined): AreaSummary {
  const policy = weightPolicy({
    live: Number(weights?.live ?? 0),
    weighted: Number(weights?.weighted ?? 0),
    weightSum: weights?.weightSum ?? 0,
  });
  const parts: { value: number; weight: number }[] = [];
  let activities = 0;
  let completed = 0;
  let overdue = 0;
  let dueSoon = 0;
  for (const r of rows) {
    const k = Number(r.activities);
    const n = Number(r.n);
    activities += k;
    overdue += Number(r.overdue);
    dueSoon += Number(r.dueSoon);
    if (r.status === "completata") completed += k;
    if (n === 0) continue; // no progress recorded: scores 0
    const value = activityCompletion(r);
    parts.push({ value, weight: (policy.of(r.weight) / n) * k });
  }
  // weightedMean over the activities with progress, scaled to every objective's weight:
  // the others score 0 and only add to the denominator.
  const withProgress = parts.reduce((s, p) => s + p.weight, 0);
  const completion = policy.total > 0 ? (weightedMean(parts) * withProgress) / policy.total : 0;
  return { area, completion: Math.min(1, Math.max(0, completion)), activities, completed, overdue, dueSoon };
}

interface ShownRow {
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
  n: bigint;
}

/** The objectives a screen can show (plan order), each with its activities grouped like rollupRows. */
async function shownObjectives(db: Reader, plan: PlanRef, where: Prisma.Sql, limit: number): Promise<ObjectiveStatus[]> {
  const rows = await db.$queryRaw<ShownRow[]>`
    SELECT o.id AS objectiveId, o.code AS code, o.title AS title, o.weight AS weight,
           a.targetKind AS targetKind, a.threshold AS threshold,
           p.status AS status, p.percent AS percent, p.count AS count, p.achievedValue AS achievedValue,
           COUNT(a.id) AS n
    FROM (SELECT * FROM Objective o WHERE ${where} AND o.archivedAt IS NULL ORDER BY o.position, o.id LIMIT ${limit}) o
    LEFT JOIN Activity a ON a.objectiveId = o.id AND a.archivedAt IS NULL
    LEFT JOIN Progress p ON p.planYear = ${plan.year} AND p.activityCode = a.code
    GROUP BY o.id, a.targetKind, a.threshold, p.status, p.percent, p.count, p.achievedValue
    ORDER BY o.position, o.id`;
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

async function objectiveCount(db: Reader, where: Prisma.Sql): Promise<number> {
  const [row] = await db.$queryRaw<{ n: bigint }[]>`SELECT COUNT(*) AS n FROM Objective o WHERE ${where} AND o.archivedAt IS NULL`;
  return Number(row?.n ?? 0);
}

interface DeadlineRow {
  code: string;
  title: string;
  objectiveCode: string;
  deadline: string;
  status: string | null;
  late: bigint;
  rn: bigint;
}

/** The worst overdue and the soonest due activities, in one pass ordered by effective deadline. */
async function deadlineRows(db: Reader, plan: PlanRef, where: Prisma.Sql, today: string): Promise<DeadlineRow[]> {
  const horizon = addDays(today, DUE_SOON_DAYS);
  const shown = Math.max(WORST_OVERDUE_SHOWN, DUE_SOON_SHOWN);
  return db.$queryRaw<DeadlineRow[]>`
    WITH d AS (
      SELECT a.code AS code, a.title AS title, o.code AS objectiveCode,
             COALESCE(m.deadline, a.deadline) AS deadline, p.status AS status,
             CASE WHEN COALESCE(m.deadline, a.deadline) < ${today} THEN 1 ELSE 0 END AS late
      FROM Objective o
      JOIN Activity a ON a.objectiveId = o.id AND a.archivedAt IS NULL
      LEFT JOIN ManualDeadline m ON m.planYear = ${plan.year} AND m.activityCode = a.code
      LEFT JOIN Progress p ON p.planYear = ${plan.year} AND p.activityCode = a.code
      WHERE ${where} AND o.archivedAt IS NULL
        AND COALESCE(m.deadline, a.deadline) <= ${horizon}
        AND COALESCE(p.status, '') <> 'completata'
    ), r AS (
      SELECT d.*, ROW_NUMBER() OVER (PARTITION BY late ORDER BY deadline, code) AS rn FROM d
    )
    SELECT code, title, objectiveCode, deadline, status, late, rn FROM r WHERE rn <= ${shown}
    ORDER BY late DESC, deadline, code`;
}

interface ReportRow {
  id: number;
  activityCode: string;
  activityTitle: string;
  userId: string;
  kind: string;
  status: string | null;
  value: number | null;
  note: string | null;
  occurredOn: string;
  createdAt: Date | string | number;
}

async function latestReports(db: Reader, plan: PlanRef, where: Prisma.Sql): Promise<RecentReport[]> {
  const rows = await db.$queryRaw<ReportRow[]>`
    SELECT r.id AS id, r.activityCode AS activityCode, a.title AS activityTitle, r.userId AS userId, r.kind AS kind,
           r.status AS status, r.value AS value, r.note AS note, r.occurredOn AS occurredOn, r.createdAt AS createdAt
    FROM Report r
    JOIN Activity a ON a.planId = ${plan.id} AND a.code = r.activityCode AND a.archivedAt IS NULL
    JOIN Objective o ON o.id = a.objectiveId
    WHERE r.planYear = ${plan.year} AND r.undoneAt IS NULL AND ${where}
    ORDER BY r.createdAt DESC, r.id DESC
    LIMIT ${LATEST_REPORTS_SHOWN}`;
  return rows.map((r) => ({ ...r, id: Number(r.id), createdAt: r.createdAt instanceof Date ? r.createdAt : new Date(r.createdAt) }));
}

async function scopeStatus(db: Reader, plan: PlanRef, area: AreaInfo | null, today: string): Promise<ScopeStatus> {
  const where = objectiveFilter(plan, area);
  const summary = summarize(area, await rollupRows(db, plan, where, today), (await weightRows(db, where))[0]);
  const objectives = await shownObjectives(db, plan, where, OBJECTIVES_SHOWN);
  const objectiveTotal = objectives.length < OBJECTIVES_SHOWN ? objectives.length : await objectiveCount(db, where);
  const deadlines = await deadlineRows(db, plan, where, today);
  const item = (r: DeadlineRow): DeadlineItem => ({
    code: r.code,
    title: r.title,
    objectiveCode: r.objectiveCode,
    deadline: r.deadline,
    daysLeft: daysBetween(today, r.deadline),
    status: r.status,
  });
  return {
    scope: area ? { kind: "area", code: area.code } : { kind: "ente" },
    year: plan.year,
    entity: plan.entity,
    today,
    area,
    completion: summary.completion,
    activities: summary.activities,
    completed: summary.completed,
    objectives,
    objectiveTotal,
    overdue: { count: summary.overdue, worst: deadlines.filter((r) => Number(r.late) === 1 && Number(r.rn) <= WORST_OVERDUE_SHOWN).map(item) },
    dueSoon: {
      count: summary.dueSoon,
      days: DUE_SOON_DAYS,
      items: deadlines.filter((r) => Number(r.late) === 0 && Number(r.rn) <= DUE_SOON_SHOWN).map(item),
    },
    latestReports: await latestReports(db, plan, where),
  };
}

/** Every area in one pass over the plan, plus the Comune-wide objectives. */
export async function allAreasStatus(db: Reader, q: Query): Promise<AllAreasStatus> {
  const plan = await currentPlan(db, q.year);
  const areas = await liveAreas(db, plan.id);
  const where = Prisma.sql`o.planId = ${plan.id}`;
  const rows = await rollupRows(db, plan, where, q.today);
  const weights = new Map((await weightRows(db, where)).map((w) => [w.areaId, w]));
  const byArea = new Map<number | null, RollupRow[]>();
  for (const r of rows) {
    const list = byArea.get(r.areaId) ?? [];
    list.push(r);
    byArea.set(r.areaId, list);
  }
  const ente = byArea.get(null);
  return {
    year: plan.year,
    entity: plan.entity,
    today: q.today,
    areas: areas.map((a) => summarize(a, byArea.get(a.id) ?? [], weights.get(a.id))),
    ente: ente && ente.length ? summarize(null, ente, weights.get(null)) : null,
  };
}
