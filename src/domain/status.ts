import { addDays, daysBetween } from "../clock.ts";
import type { Db, Tx } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { UserError } from "../errors.ts";
import { matchArea, normalizeWords, type AreaMatch } from "./area-query.ts";
import { activityCompletion, weightedMean } from "./completion.ts";
import { currentPlan, type PlanRef } from "./plan-repo.ts";
import { variedObjectives, type VariedObjective, type VariedObjectives } from "../store/varied-objectives.ts";

type Reader = Db | Tx;

/** How far ahead "in scadenza" looks, and how many items each list shows. */
export const DUE_SOON_DAYS = 30;
export const WORST_OVERDUE_SHOWN = 5;
export const DUE_SOON_SHOWN = 8;
export const LATEST_REPORTS_SHOWN = 5;
/** Objectives listed on one screen (Slack allows 50 blocks); the others are counted. */
export const OBJECTIVES_SHOWN = 40;
/** From this many activities a scope's lists are found along plan-wide indexes rather than read whole. */
const BIG_SCOPE = 1000;

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

/** A code as stored (a button's value): no guessing. */
function exactArea(areas: AreaInfo[], code: string): AreaMatch<AreaInfo> {
  const area = areas.find((a) => a.code === code);
  return area ? { kind: "one", area } : { kind: "none" };
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
  const match = q.exactCode ? exactArea(areas, q.areaQuery) : matchArea(areas, q.areaQuery);
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
  // `+o.planId`: the Comune-wide objectives are found through the areaId index (NULL), not among every objective of the plan.
  return area ? Prisma.sql`o.areaId = ${area.id}` : Prisma.sql`o.areaId IS NULL AND +o.planId = ${plan.id}`;
}

interface ManualRow {
  areaId: number | null;
  planDeadline: string | null;
  manualDeadline: string;
  status: string | null;
}

/**
 * Deadlines set by hand in the scope: few, so the big pass counts plan deadlines and these
 * correct it. CROSS JOIN keeps ManualDeadline outermost (the planner would walk the plan).
 */
async function manualDeadlineRows(db: Reader, plan: PlanRef, where: Prisma.Sql, varied: VariedObjectives | null): Promise<ManualRow[]> {
  return db.$queryRaw<ManualRow[]>`
    SELECT o.areaId AS areaId, a.deadline AS planDeadline, m.deadline AS manualDeadline, p.status AS status
    FROM ManualDeadline m
    CROSS JOIN Activity a ON a.planId = ${plan.id} AND a.code = m.activityCode AND a.archivedAt IS NULL
    CROSS JOIN Objective o ON o.id = a.objectiveId
    LEFT JOIN Progress p ON p.planYear = ${plan.year} AND p.activityCode = a.code
    WHERE m.planYear = ${plan.year} AND ${where} AND o.archivedAt IS NULL${notVaried(varied)}`;
}

/** Leaves out the objectives a variation touches: they are added back from variedObjectives. */
function notVaried(varied: VariedObjectives | null): Prisma.Sql {
  return varied?.excludeIds.length ? Prisma.sql` AND o.id NOT IN (${Prisma.join(varied.excludeIds)})` : Prisma.empty;
}

/** The varied objectives in force that belong to the scope (an area, the Comune-wide ones, or all). */
function variedInScope(varied: VariedObjectives | null, area: AreaInfo | null | "all"): VariedObjective[] {
  if (!varied) return [];
  if (area === "all") return varied.objectives;
  return varied.objectives.filter((o) => (area === null ? o.areaCode === null : o.areaId === area.id));
}

/** The same per-objective figures as totalsRows' inner query, by the TS twin of its SQL, grouped by area. */
function variedTotals(objectives: readonly VariedObjective[], today: string): Map<number | null, TotalsRow> {
  const horizon = addDays(today, DUE_SOON_DAYS);
  const out = new Map<number | null, TotalsRow>();
  for (const o of objectives) {
    const n = o.activities.length;
    if (n === 0) continue;
    let score = 0;
    let done = 0;
    let od = 0;
    let ds = 0;
    for (const a of o.activities) {
      score += activityCompletion(a);
      if (a.status === "completata") {
        done += 1;
        continue;
      }
      if (a.deadline !== null && a.deadline < today) od += 1;
      else if (a.deadline !== null && a.deadline <= horizon) ds += 1;
    }
    const t = out.get(o.areaId) ?? { areaId: o.areaId, live: 0n, activities: 0n, completed: 0n, overdue: 0n, dueSoon: 0n, weighted: 0n, weightSum: 0, weightedScore: 0, unweightedScore: 0 };
    t.live = BigInt(Number(t.live) + 1);
    t.activities = BigInt(Number(t.activities) + n);
    t.completed = BigInt(Number(t.completed) + done);
    t.overdue = BigInt(Number(t.overdue) + od);
    t.dueSoon = BigInt(Number(t.dueSoon) + ds);
    if (o.weight !== null && o.weight > 0) {
      t.weighted = BigInt(Number(t.weighted) + 1);
      t.weightSum += o.weight;
      t.weightedScore += (o.weight * score) / n;
    } else {
      t.unweightedScore += score / n;
    }
    out.set(o.areaId, t);
  }
  return out;
}

function addTotals(a: TotalsRow | undefined, b: TotalsRow | undefined): TotalsRow | undefined {
  if (!a || !b) return a ?? b;
  return {
    areaId: a.areaId,
    live: BigInt(Number(a.live) + Number(b.live)),
    activities: BigInt(Number(a.activities) + Number(b.activities)),
    completed: BigInt(Number(a.completed) + Number(b.completed)),
    overdue: BigInt(Number(a.overdue) + Number(b.overdue)),
    dueSoon: BigInt(Number(a.dueSoon) + Number(b.dueSoon)),
    weighted: BigInt(Number(a.weighted) + Number(b.weighted)),
    weightSum: a.weightSum + b.weightSum,
    weightedScore: a.weightedScore + b.weightedScore,
    unweightedScore: a.unweightedScore + b.unweightedScore,
  };
}

type DeadlineClass = "overdue" | "dueSoon" | null;

function classify(deadline: string | null, today: string): DeadlineClass {
  if (deadline === null) return null;
  if (deadline < today) return "overdue";
  return deadline <= addDays(today, DUE_SOON_DAYS) ? "dueSoon" : null;
}

/** Moves an open activity from the class of its plan deadline to the class of the one set by hand. */
function applyManualDeadlines(counts: { overdue: number; dueSoon: number }, rows: ManualRow[], today: string): void {
  for (const r of rows) {
    if (r.status === "completata") continue;
    const was = classify(r.planDeadline, today);
    const is = classify(r.manualDeadline, today);
    if (was) counts[was] -= 1;
    if (is) counts[is] += 1;
  }
}

/**
 * The SQL twin of `activityCompletion` (completion.ts), for the one aggregate pass over a
 * scope: fetching 20,000 activities to score them in JS costs more than the rest of /stato.
 * Both must agree on every kind: test/domain/status.test.ts compares them on a grid of cases.
 * The objectives a screen shows are still scored by `activityCompletion` itself.
 */
export const ACTIVITY_COMPLETION_SQL = Prisma.sql`COALESCE(CASE
    WHEN p.status = 'completata' THEN 1.0
    WHEN a.targetKind = 'percentage' THEN
      CASE WHEN p.percent IS NULL THEN 0.0
           ELSE MIN(1.0, MAX(0.0, p.percent / CASE WHEN a.threshold > 0 THEN a.threshold ELSE 100.0 END)) END
    WHEN a.targetKind = 'count' AND p.count IS NOT NULL AND a.threshold IS NOT NULL AND a.threshold <> 0 THEN
      MIN(1.0, MAX(0.0, p.count / a.threshold))
    WHEN a.targetKind = 'amount' AND p.achievedValue IS NOT NULL AND a.threshold IS NOT NULL AND a.threshold <> 0 THEN
      MIN(1.0, MAX(0.0, p.achievedValue / a.threshold))
    WHEN p.percent IS NULL THEN 0.0
    ELSE MIN(1.0, MAX(0.0, p.percent / 100.0))
  END, 0.0)`;

interface TotalsRow {
  areaId: number | null;
  /** Objectives with at least one live activity. */
  live: bigint;
  activities: bigint;
  completed: bigint;
  overdue: bigint;
  dueSoon: bigint;
  /** Among the live objectives: how many have a weight, their sum, and the scores. */
  weighted: bigint;
  weightSum: number;
  weightedScore: number;
  unweightedScore: number;
}

/**
 * One streaming pass per scope (objectives in the order of the index that finds them: id
 * within an area, code within a plan; so no sort): per objective the
 * mean completion of its activities (each weighing 1), then per area the objectives' mean
 * weighted by the plan's "Peso". Overdue and due-soon counts use the plan deadlines here;
 * the few set by hand correct them afterwards.
 */
async function totalsRows(db: Reader, plan: PlanRef, where: Prisma.Sql, today: string, planWide = false, varied: VariedObjectives | null = null): Promise<TotalsRow[]> {
  const horizon = addDays(today, DUE_SOON_DAYS);
  return db.$queryRaw<TotalsRow[]>`
    SELECT areaId, COUNT(*) AS live, SUM(n) AS activities, SUM(done) AS completed, SUM(od) AS overdue, SUM(ds) AS dueSoon,
           SUM(CASE WHEN weight > 0 THEN 1 ELSE 0 END) AS weighted,
           TOTAL(CASE WHEN weight > 0 THEN weight END) AS weightSum,
           TOTAL(CASE WHEN weight > 0 THEN weight * score / n END) AS weightedScore,
           TOTAL(CASE WHEN weight > 0 THEN 0.0 ELSE score / n END) AS unweightedScore
    FROM (
      SELECT o.id AS id, o.areaId AS areaId, o.weight AS weight, COUNT(*) AS n,
             TOTAL(${ACTIVITY_COMPLETION_SQL}) AS score,
             SUM(CASE WHEN p.status = 'completata' THEN 1 ELSE 0 END) AS done,
             SUM(CASE WHEN COALESCE(p.status, '') <> 'completata' AND a.deadline < ${today} THEN 1 ELSE 0 END) AS od,
             SUM(CASE WHEN COALESCE(p.status, '') <> 'completata' AND a.deadline >= ${today} AND a.deadline <= ${horizon} THEN 1 ELSE 0 END) AS ds
      FROM Objective o
      JOIN Activity a ON a.objectiveId = o.id AND a.archivedAt IS NULL
      LEFT JOIN Progress p ON p.planYear = ${plan.year} AND p.activityCode = a.code
      WHERE ${where} AND o.archivedAt IS NULL${notVaried(varied)}
      GROUP BY ${planWide ? Prisma.sql`o.code` : Prisma.sql`o.id`}
    )
    GROUP BY areaId`;
}

/**
 * An area's completion from its objectives' scores. An objective the plan gives no weight
 * counts as much as the average weighted one (all alike when none has one); an objective
 * without activities cannot move and is left out.
 */
export function scopeCompletion(t: { live: number; weighted: number; weightSum: number; weightedScore: number; unweightedScore: number }): number {
  const fallback = t.weighted > 0 ? t.weightSum / t.weighted : 1;
  const total = t.weightSum + (t.live - t.weighted) * fallback;
  if (total <= 0) return 0;
  return Math.min(1, Math.max(0, (t.weightedScore + fallback * t.unweightedScore) / total));
}

function summarize(area: AreaInfo | null, t: TotalsRow | undefined, manual: ManualRow[], today: string): AreaSummary {
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

/** The shown list with the varied objectives as in force: recomputed, dropped when not in force here, added when moved here. */
function withVaried(shown: ObjectiveStatus[], varied: VariedObjectives | null, here: readonly VariedObjective[]): ObjectiveStatus[] {
  if (!varied) return shown;
  const inForce = new Map(here.map((o) => [o.code, o]));
  const view = (v: VariedObjective): ObjectiveStatus => ({
    code: v.code,
    title: v.title,
    weight: v.weight,
    activities: v.activities.length,
    completed: v.activities.filter((a) => a.status === "completata").length,
    completion: weightedMean(v.activities.map((a) => ({ value: activityCompletion(a), weight: 1 }))),
  });
  const out: ObjectiveStatus[] = [];
  const seen = new Set<string>();
  for (const s of shown) {
    if (!varied.excludedCodes.has(s.code)) {
      out.push(s);
      continue;
    }
    const v = inForce.get(s.code);
    if (v) out.push(view(v));
    seen.add(s.code);
  }
  for (const v of here) if (!seen.has(v.code) && out.length < OBJECTIVES_SHOWN) out.push(view(v));
  return out;
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
}

/**
 * Open activities whose effective deadline falls in [from, to), earliest first, at most
 * `limit`. Deadlines from the plan are read in the order of their index (CROSS JOIN keeps
 * Activity outermost, `+a.planId` keeps the planner off the planId index), so the query
 * stops after `limit` hits instead of sorting the whole area; the few set by hand are merged in.
 */
async function openByDeadline(
  db: Reader,
  plan: PlanRef,
  where: Prisma.Sql,
  range: { from: string | null; to: string },
  limit: number,
  bigScope: boolean,
  varied: VariedObjectives | null = null,
  variedHere: readonly VariedObjective[] = [],
): Promise<DeadlineRow[]> {
  const from = range.from ?? "";
  // A small scope is cheaper to read whole and sort than to look for along the plan-wide index.
  const drive = bigScope
    ? Prisma.sql`Activity a CROSS JOIN Objective o ON o.id = a.objectiveId`
    : Prisma.sql`Objective o JOIN Activity a ON a.objectiveId = o.id`;
  const rows = await db.$queryRaw<DeadlineRow[]>`
    SELECT * FROM (
      SELECT a.code AS code, a.title AS title, o.code AS objectiveCode, a.deadline AS deadline, p.status AS status
      FROM ${drive}
      LEFT JOIN Progress p ON p.planYear = ${plan.year} AND p.activityCode = a.code
      WHERE a.deadline >= ${from} AND a.deadline < ${range.to} AND +a.planId = ${plan.id} AND a.archivedAt IS NULL
        AND ${where} AND o.archivedAt IS NULL${notVaried(varied)}
        AND COALESCE(p.status, '') <> 'completata'
        AND NOT EXISTS (SELECT 1 FROM ManualDeadline mx WHERE mx.planYear = ${plan.year} AND mx.activityCode = a.code)
      ORDER BY a.deadline, a.code
      LIMIT ${limit})
    UNION ALL
    SELECT * FROM (
      SELECT a.code AS code, a.title AS title, o.code AS objectiveCode, m.deadline AS deadline, p.status AS status
      FROM ManualDeadline m
      JOIN Activity a ON a.planId = ${plan.id} AND a.code = m.activityCode AND a.archivedAt IS NULL
      JOIN Objective o ON o.id = a.objectiveId
      LEFT JOIN Progress p ON p.planYear = ${plan.year} AND p.activityCode = a.code
      WHERE m.planYear = ${plan.year} AND m.deadline >= ${from} AND m.deadline < ${range.to}
        AND ${where} AND o.archivedAt IS NULL${notVaried(varied)}
        AND COALESCE(p.status, '') <> 'completata'
      ORDER BY m.deadline, a.code
      LIMIT ${limit})`;
  for (const o of variedHere) {
    for (const a of o.activities) {
      if (a.status === "completata" || a.deadline === null || a.deadline < from || a.deadline >= range.to) continue;
      rows.push({ code: a.code, title: a.title, objectiveCode: o.code, deadline: a.deadline, status: a.status });
    }
  }
  return rows
    .sort((a, b) => (a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
    .slice(0, limit);
}

/** A RecentReport as read by raw SQL, where createdAt may come back as text or a number. */
type ReportRow = Omit<RecentReport, "createdAt"> & { createdAt: Date | string | number };

/**
 * Newest first. In a big scope, along the createdAt index (Report outermost), stopping at
 * the first few of the scope; in a small one, from its activities' reports.
 */
async function latestReports(db: Reader, plan: PlanRef, where: Prisma.Sql, bigScope: boolean): Promise<RecentReport[]> {
  const drive = bigScope
    ? Prisma.sql`Report r CROSS JOIN Activity a ON a.planId = ${plan.id} AND a.code = r.activityCode CROSS JOIN Objective o ON o.id = a.objectiveId`
    : Prisma.sql`Objective o CROSS JOIN Activity a ON a.objectiveId = o.id CROSS JOIN Report r ON r.planYear = ${plan.year} AND r.activityCode = a.code`;
  const rows = await db.$queryRaw<ReportRow[]>`
    SELECT r.id AS id, r.activityCode AS activityCode, a.title AS activityTitle, r.userId AS userId, r.kind AS kind,
           r.status AS status, r.value AS value, r.note AS note, r.occurredOn AS occurredOn, r.createdAt AS createdAt
    FROM ${drive}
    WHERE +r.planYear = ${plan.year} AND r.undoneAt IS NULL AND a.archivedAt IS NULL AND ${where}
    ORDER BY r.createdAt DESC, r.id DESC
    LIMIT ${LATEST_REPORTS_SHOWN}`;
  return rows.map((r) => ({ ...r, id: Number(r.id), createdAt: r.createdAt instanceof Date ? r.createdAt : new Date(r.createdAt) }));
}

async function scopeStatus(db: Reader, plan: PlanRef, area: AreaInfo | null, today: string): Promise<ScopeStatus> {
  const where = objectiveFilter(plan, area);
  // The definitions in force today: objectives a variation touches are computed apart.
  const varied = await variedObjectives(db, plan, today);
  const here = variedInScope(varied, area);
  const totals = addTotals((await totalsRows(db, plan, where, today, false, varied))[0], variedTotals(here, today).get(area?.id ?? null));
  const summary = summarize(area, totals, await manualDeadlineRows(db, plan, where, varied), today);
  const objectives = withVaried(await shownObjectives(db, plan, where, OBJECTIVES_SHOWN), varied, here);
  const objectiveTotal = objectives.length < OBJECTIVES_SHOWN ? objectives.length : await objectiveCount(db, where);
  const big = summary.activities >= BIG_SCOPE;
  const worst = await openByDeadline(db, plan, where, { from: null, to: today }, WORST_OVERDUE_SHOWN, big, varied, here);
  const soon = await openByDeadline(db, plan, where, { from: today, to: addDays(today, DUE_SOON_DAYS + 1) }, DUE_SOON_SHOWN, big, varied, here);
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
    overdue: { count: summary.overdue, worst: worst.map(item) },
    dueSoon: { count: summary.dueSoon, days: DUE_SOON_DAYS, items: soon.map(item) },
    latestReports: await latestReports(db, plan, where, big),
  };
}

/** Every area in one pass over the plan, plus the Comune-wide objectives. */
export async function allAreasStatus(db: Reader, q: Query): Promise<AllAreasStatus> {
  const plan = await currentPlan(db, q.year);
  const areas = await liveAreas(db, plan.id);
  const where = Prisma.sql`o.planId = ${plan.id}`;
  const varied = await variedObjectives(db, plan, q.today);
  const sqlTotals = new Map((await totalsRows(db, plan, where, q.today, true, varied)).map((t) => [t.areaId, t]));
  const extra = variedTotals(variedInScope(varied, "all"), q.today);
  const totals = new Map<number | null, TotalsRow>();
  for (const key of new Set([...sqlTotals.keys(), ...extra.keys()])) totals.set(key, addTotals(sqlTotals.get(key), extra.get(key))!);
  const manual = await manualDeadlineRows(db, plan, where, varied);
  const manualOf = (areaId: number | null) => manual.filter((m) => m.areaId === areaId);
  const ente = totals.get(null);
  return {
    year: plan.year,
    entity: plan.entity,
    today: q.today,
    areas: areas.map((a) => summarize(a, totals.get(a.id), manualOf(a.id), q.today)),
    ente: ente ? summarize(null, ente, manualOf(null), q.today) : null,
  };
}
