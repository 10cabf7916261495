import { addDays, daysBetween } from "../clock.ts";
import type { Db, Tx } from "../db/client.ts";
import { activityCompletion, weightedMean } from "./completion.ts";
import { currentPlan, type PlanRef } from "./plan-repo.ts";

/**
 * The weekly digest of an area: what is late, what is coming, which count indicators
 * are behind their pace, which Comune-wide activities are still open, and how far the
 * area is. Built for every area at once with a handful of set-based queries, so that a
 * 100,000-activity plan costs about as much as one scan of its activities.
 */

type Reader = Db | Tx;

export const DIGEST_DUE_SOON_DAYS = 14;
/** Items listed per section; the rest are counted ("… e altre 12"). */
export const DIGEST_ITEMS_SHOWN = 10;
/** Comune-wide activities are context, not alarms: fewer of them. */
export const DIGEST_WIDE_SHOWN = 5;

export type PacePeriod = "day" | "week" | "month" | "year";

export interface DigestArea {
  code: string;
  name: string;
}

export interface DigestHead {
  slackUserId: string;
  name: string | null;
}

export interface DeadlineEntry {
  code: string;
  title: string;
  objectiveCode: string;
  /** Effective deadline (ManualDeadline ?? the plan's). */
  deadline: string;
  /** today - deadline: > 0 when late, <= 0 when still due. */
  daysLate: number;
  status: string | null;
}

export interface PaceCheck {
  /** Whole units the pace asks for by today (rounded down: a part of a unit is not yet due). */
  expected: number;
  recorded: number;
}

export interface PaceEntry {
  code: string;
  title: string;
  objectiveCode: string;
  targetText: string;
  threshold: number;
  period: PacePeriod;
  /** The week or month under way; null when it coincides with the year or just began (a day). */
  currentPeriod: (PaceCheck & { period: "week" | "month"; start: string }) | null;
  yearToDate: PaceCheck;
}

export interface WideEntry {
  code: string;
  title: string;
  objectiveCode: string;
  deadline: string | null;
  /** null when the activity has no deadline. */
  daysLate: number | null;
  status: string | null;
}

export interface Listed<T> {
  total: number;
  items: T[];
}

export interface AreaDigest {
  planYear: number;
  entity: string;
  today: string;
  /** ISO week of `today`, e.g. "2024-W41". */
  week: string;
  area: DigestArea;
  /** Users with role responsabile for the area: mentioned when something is late. */
  heads: DigestHead[];
  overdue: Listed<DeadlineEntry>;
  dueSoon: Listed<DeadlineEntry> & { days: number };
  behindPace: Listed<PaceEntry>;
  /** Open Comune-wide activities that involve this area. */
  comuneWide: Listed<WideEntry>;
  completion: number;
  activities: number;
  completed: number;
  /** Nothing to flag: no overdue, due-soon or behind-pace activity of the area, and no Comune-wide one late or due soon. */
  quiet: boolean;
}

export interface DigestSet {
  plan: PlanRef;
  today: string;
  digests: AreaDigest[];
}

/** "2024-W41": the ISO 8601 week (Monday first; week 1 holds the year's first Thursday). */
export function isoWeekOf(isoDay: string): string {
  const t = Date.UTC(+isoDay.slice(0, 4), +isoDay.slice(5, 7) - 1, +isoDay.slice(8, 10));
  const dow = (new Date(t).getUTCDay() + 6) % 7;
  const thursday = new Date(t + (3 - dow) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** Monday of the ISO week holding `isoDay`. */
export function mondayOf(isoDay: string): string {
  const dow = (new Date(Date.UTC(+isoDay.slice(0, 4), +isoDay.slice(5, 7) - 1, +isoDay.slice(8, 10))).getUTCDay() + 6) % 7;
  return addDays(isoDay, -dow);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * How many periods of pace have gone by on `today` in the plan year, counting whole days
 * before today (the morning's digest does not yet expect today's work):
 * - `year`: from 1 January (or the whole year once it is over);
 * - `current`: of the week or month under way (null for a day, which has just begun,
 *   and for a year, which is the same as `year`).
 */
export interface PaceClock {
  /** false before the plan year starts: nothing is expected yet. */
  active: boolean;
  yearUnits: Record<PacePeriod, number>;
  current: { week: { start: string; units: number } | null; month: { start: string; units: number } | null };
  /** Last day whose reports count. */
  asOf: string;
}

export function paceClock(planYear: number, today: string): PaceClock {
  const yearStart = `${planYear}-01-01`;
  const yearEnd = `${planYear}-12-31`;
  const daysInYear = daysBetween(yearStart, `${planYear + 1}-01-01`);
  const none: PaceClock = { active: false, yearUnits: { day: 0, week: 0, month: 0, year: 0 }, current: { week: null, month: null }, asOf: today };
  if (today < yearStart) return none;
  const over = today > yearEnd;
  const end = over ? `${planYear + 1}-01-01` : today; // exclusive
  const elapsed = daysBetween(yearStart, end);
  const endMonth = over ? 13 : +today.slice(5, 7);
  const endDay = over ? 1 : +today.slice(8, 10);
  const monthUnits = endMonth - 1 + (over ? 0 : (endDay - 1) / daysInMonth(planYear, endMonth));
  const clock: PaceClock = {
    active: true,
    yearUnits: { day: elapsed, week: elapsed / 7, month: monthUnits, year: elapsed / daysInYear },
    current: { week: null, month: null },
    asOf: over ? yearEnd : today,
  };
  if (!over) {
    const monday = mondayOf(today);
    const weekStart = monday < yearStart ? yearStart : monday;
    clock.current.week = { start: weekStart, units: daysBetween(weekStart, today) / 7 };
    const monthStart = `${today.slice(0, 8)}01`;
    clock.current.month = { start: monthStart, units: (endDay - 1) / daysInMonth(planYear, endMonth) };
  }
  return clock;
}

/** Whole units due: 2 a month for 9.19 months = 18 (a fraction of a unit is not yet late). */
export function expectedCount(threshold: number, units: number): number {
  return Math.floor(threshold * units + 1e-9);
}

interface AreaRow {
  id: number;
  code: string;
  name: string;
}

interface HeadRow {
  areaCode: string;
  slackUserId: string;
  name: string | null;
}

interface DeadlineRow {
  areaCode: string;
  code: string;
  title: string;
  objectiveCode: string;
  deadline: string;
  status: string | null;
  late: bigint | number;
  total: bigint | number;
}

interface PaceRow {
  areaCode: string;
  code: string;
  title: string;
  objectiveCode: string;
  targetText: string;
  threshold: number;
  period: PacePeriod;
  periodCount: number | null;
  yearCount: number | null;
  periodExpected: bigint | number | null;
  yearExpected: bigint | number;
  total: bigint | number;
}

interface WideRow {
  code: string;
  title: string;
  objectiveCode: string;
  deadline: string | null;
  status: string | null;
  involvesAllAreas: boolean | bigint | number;
  involvedAreas: string;
}

interface CompletionRow {
  areaId: number;
  targetKind: string;
  threshold: number | null;
  status: string | null;
  percent: number | null;
  count: number | null;
  achievedValue: number | null;
  weight: number;
  n: bigint | number;
}

export interface DigestOptions {
  today: string;
  /** Plan year; the most recent plan when absent. */
  year?: number;
  /** Only these areas (codes as the plan writes them); every live area when absent. */
  areaCodes?: readonly string[];
  shown?: number;
  wideShown?: number;
}

/** Every live area's digest for `today` (pure reads, no posting). */
export async function buildDigests(db: Reader, opts: DigestOptions): Promise<DigestSet> {
  const plan = await currentPlan(db, opts.year);
  const today = opts.today;
  const shown = opts.shown ?? DIGEST_ITEMS_SHOWN;
  let areas = await db.$queryRaw<AreaRow[]>`
    SELECT id, code, name FROM Area WHERE planId = ${plan.id} AND archivedAt IS NULL ORDER BY position, code`;
  if (opts.areaCodes) {
    const wanted = new Set(opts.areaCodes);
    areas = areas.filter((a) => wanted.has(a.code));
  }
  if (areas.length === 0) return { plan, today, digests: [] };

  const [heads, deadlines, pace, wide, completion] = [
    await headRows(db),
    await deadlineRows(db, plan, today, shown),
    await paceRows(db, plan, today, shown),
    await wideRows(db, plan),
    await completionRows(db, plan),
  ];

  const week = isoWeekOf(today);
  const clock = paceClock(plan.year, today);
  const digests = areas.map((area): AreaDigest => {
    const mine = deadlines.filter((r) => r.areaCode === area.code);
    const entry = (r: DeadlineRow): DeadlineEntry => ({
      code: r.code,
      title: r.title,
      objectiveCode: r.objectiveCode,
      deadline: r.deadline,
      daysLate: daysBetween(r.deadline, today),
      status: r.status,
    });
    const late = mine.filter((r) => Number(r.late) === 1);
    const soon = mine.filter((r) => Number(r.late) === 0);
    const paceMine = pace.filter((r) => r.areaCode === area.code);
    const wideMine = wide.filter((w) => Number(w.involvesAllAreas) === 1 || w.involvedAreas.split(",").map((c) => c.trim()).includes(area.code));
    const wideEntries = wideMine.map(
      (w): WideEntry => ({
        code: w.code,
        title: w.title,
        objectiveCode: w.objectiveCode,
        deadline: w.deadline,
        daysLate: w.deadline ? daysBetween(w.deadline, today) : null,
        status: w.status,
      }),
    );
    const wideNeedsAttention = wideEntries.some((w) => w.daysLate !== null && w.daysLate >= -DIGEST_DUE_SOON_DAYS);
    const comp = completion.get(area.id) ?? { completion: 0, activities: 0, completed: 0 };
    const d: AreaDigest = {
      planYear: plan.year,
      entity: plan.entity,
      today,
      week,
      area: { code: area.code, name: area.name },
      heads: heads.filter((h) => h.areaCode === area.code).map((h) => ({ slackUserId: h.slackUserId, name: h.name })),
      overdue: { total: Number(late[0]?.total ?? 0), items: late.map(entry) },
      dueSoon: { total: Number(soon[0]?.total ?? 0), items: soon.map(entry), days: DIGEST_DUE_SOON_DAYS },
      behindPace: { total: Number(paceMine[0]?.total ?? 0), items: paceMine.map((r) => paceEntry(r, clock)) },
      comuneWide: { total: wideEntries.length, items: wideEntries.slice(0, opts.wideShown ?? DIGEST_WIDE_SHOWN) },
      completion: comp.completion,
      activities: comp.activities,
      completed: comp.completed,
      quiet: false,
    };
    d.quiet = d.overdue.total === 0 && d.dueSoon.total === 0 && d.behindPace.total === 0 && !wideNeedsAttention;
    return d;
  });
  return { plan, today, digests };
}

function paceEntry(r: PaceRow, clock: PaceClock): PaceEntry {
  const start = r.period === "week" ? clock.current.week?.start : r.period === "month" ? clock.current.month?.start : undefined;
  const current =
    r.periodExpected === null || start === undefined || (r.period !== "week" && r.period !== "month")
      ? null
      : { period: r.period, start, expected: Number(r.periodExpected), recorded: r.periodCount ?? 0 };
  return {
    code: r.code,
    title: r.title,
    objectiveCode: r.objectiveCode,
    targetText: r.targetText,
    threshold: r.threshold,
    period: r.period,
    currentPeriod: current,
    yearToDate: { expected: Number(r.yearExpected), recorded: r.yearCount ?? 0 },
  };
}

async function headRows(db: Reader): Promise<HeadRow[]> {
  return db.$queryRaw<HeadRow[]>`
    SELECT ua.areaCode AS areaCode, u.slackUserId AS slackUserId, u.name AS name
    FROM UserArea ua JOIN User u ON u.slackUserId = ua.slackUserId
    WHERE u.role = 'responsabile'
    ORDER BY ua.areaCode, COALESCE(u.name, u.slackUserId), u.slackUserId`;
}

/**
 * The area's open activities with an effective deadline up to 14 days ahead, split into
 * late and due soon: the first `shown` of each per area (worst first) with the totals,
 * in one pass ordered by effective deadline.
 */
async function deadlineRows(db: Reader, plan: PlanRef, today: string, shown: number): Promise<DeadlineRow[]> {
  const horizon = addDays(today, DIGEST_DUE_SOON_DAYS);
  return db.$queryRaw<DeadlineRow[]>`
    WITH d AS (
      SELECT ar.code AS areaCode, a.code AS code, a.title AS title, o.code AS objectiveCode,
             COALESCE(m.deadline, a.deadline) AS deadline, p.status AS status,
             CASE WHEN COALESCE(m.deadline, a.deadline) < ${today} THEN 1 ELSE 0 END AS late
      FROM Activity a
      JOIN Objective o ON o.id = a.objectiveId AND o.archivedAt IS NULL
      JOIN Area ar ON ar.id = o.areaId AND ar.archivedAt IS NULL
      LEFT JOIN ManualDeadline m ON m.planYear = ${plan.year} AND m.activityCode = a.code
      LEFT JOIN Progress p ON p.planYear = ${plan.year} AND p.activityCode = a.code
      WHERE a.planId = ${plan.id} AND a.archivedAt IS NULL
        AND COALESCE(m.deadline, a.deadline) <= ${horizon}
        AND COALESCE(p.status, '') <> 'completata'
    ), r AS (
      SELECT d.*, ROW_NUMBER() OVER (PARTITION BY areaCode, late ORDER BY deadline, code) AS rn,
             COUNT(*) OVER (PARTITION BY areaCode, late) AS total
      FROM d
    )
    SELECT areaCode, code, title, objectiveCode, deadline, status, late, total FROM r
    WHERE rn <= ${shown}
    ORDER BY areaCode, late DESC, deadline, code`;
}

/**
 * Count indicators with a pace ("> 2 al mese") that are behind it, on the current week or
 * month or on the year so far, from the reports dated up to today. A count set by hand
 * ("count_set") restarts the year's total; only added counts ("count_add") are dated
 * events, so only they fill the current period. Paces bound to a season ("nella stagione
 * estiva") are not checked: the plan does not say when the season is.
 */
async function paceRows(db: Reader, plan: PlanRef, today: string, shown: number): Promise<PaceRow[]> {
  const clock = paceClock(plan.year, today);
  if (!clock.active) return [];
  const u = clock.yearUnits;
  const weekStart = clock.current.week?.start ?? null;
  const weekUnits = clock.current.week?.units ?? null;
  const monthStart = clock.current.month?.start ?? null;
  const monthUnits = clock.current.month?.units ?? null;
  const yearStart = `${plan.year}-01-01`;
  return db.$queryRaw<PaceRow[]>`
    WITH pa AS (
      SELECT ar.code AS areaCode, a.code AS code, a.title AS title, o.code AS objectiveCode, a.targetText AS targetText,
             a.threshold AS threshold, a.period AS period, a.position AS position,
             CASE a.period WHEN 'week' THEN ${weekStart} WHEN 'month' THEN ${monthStart} ELSE NULL END AS periodStart,
             CAST(a.threshold * CASE a.period WHEN 'week' THEN ${weekUnits} WHEN 'month' THEN ${monthUnits} ELSE NULL END + 1e-9 AS INTEGER) AS periodExpected,
             CAST(a.threshold * CASE a.period WHEN 'day' THEN ${u.day} WHEN 'week' THEN ${u.week} WHEN 'month' THEN ${u.month} ELSE ${u.year} END + 1e-9 AS INTEGER) AS yearExpected
      FROM Activity a
      JOIN Objective o ON o.id = a.objectiveId AND o.archivedAt IS NULL
      JOIN Area ar ON ar.id = o.areaId AND ar.archivedAt IS NULL
      LEFT JOIN Progress p ON p.planYear = ${plan.year} AND p.activityCode = a.code
      WHERE a.planId = ${plan.id} AND a.archivedAt IS NULL AND a.targetKind = 'count'
        AND a.period IN ('day', 'week', 'month', 'year') AND a.threshold > 0
        AND (a.qualifier IS NULL OR a.qualifier = '')
        AND COALESCE(p.status, '') <> 'completata'
    ), rep AS (
      SELECT r.id AS id, r.activityCode AS code, r.kind AS kind, r.value AS value, r.occurredOn AS occurredOn, r.createdAt AS createdAt
      FROM Report r
      WHERE r.planYear = ${plan.year} AND r.undoneAt IS NULL AND r.kind IN ('count_add', 'count_set')
        AND r.occurredOn >= ${yearStart} AND r.occurredOn <= ${clock.asOf}
        AND r.activityCode IN (SELECT code FROM pa)
    ), lastSet AS (
      SELECT code, value, createdAt, id FROM (
        SELECT code, value, createdAt, id, ROW_NUMBER() OVER (PARTITION BY code ORDER BY createdAt DESC, id DESC) AS rn
        FROM rep WHERE kind = 'count_set'
      ) WHERE rn = 1
    ), counted AS (
      SELECT pa.code AS code,
             COALESCE(MAX(ls.value), 0) + COALESCE(SUM(CASE WHEN rep.kind = 'count_add'
                 AND (ls.code IS NULL OR rep.createdAt > ls.createdAt OR (rep.createdAt = ls.createdAt AND rep.id > ls.id))
                 THEN rep.value END), 0) AS yearCount,
             COALESCE(SUM(CASE WHEN rep.kind = 'count_add' AND rep.occurredOn >= pa.periodStart THEN rep.value END), 0) AS periodCount
      FROM pa
      LEFT JOIN rep ON rep.code = pa.code
      LEFT JOIN lastSet ls ON ls.code = pa.code
      GROUP BY pa.code
    ), behind AS (
      SELECT pa.*, c.yearCount AS yearCount, c.periodCount AS periodCount,
             CASE WHEN pa.yearExpected > 0 THEN (pa.yearExpected - c.yearCount) * 1.0 / pa.yearExpected ELSE 0 END AS gap
      FROM pa JOIN counted c ON c.code = pa.code
      WHERE c.yearCount < pa.yearExpected OR (pa.periodExpected IS NOT NULL AND c.periodCount < pa.periodExpected)
    ), r AS (
      SELECT behind.*, ROW_NUMBER() OVER (PARTITION BY areaCode ORDER BY gap DESC, position, code) AS rn,
             COUNT(*) OVER (PARTITION BY areaCode) AS total
      FROM behind
    )
    SELECT areaCode, code, title, objectiveCode, targetText, threshold, period, periodCount, yearCount,
           periodExpected, yearExpected, total
    FROM r WHERE rn <= ${shown}
    ORDER BY areaCode, rn`;
}

/** Open Comune-wide activities (objectives of no area), ordered by effective deadline, undated last. */
async function wideRows(db: Reader, plan: PlanRef): Promise<WideRow[]> {
  return db.$queryRaw<WideRow[]>`
    SELECT a.code AS code, a.title AS title, o.code AS objectiveCode, COALESCE(m.deadline, a.deadline) AS deadline,
           p.status AS status, a.involvesAllAreas AS involvesAllAreas, a.involvedAreas AS involvedAreas
    FROM Activity a
    JOIN Objective o ON o.id = a.objectiveId AND o.areaId IS NULL AND o.archivedAt IS NULL
    LEFT JOIN ManualDeadline m ON m.planYear = ${plan.year} AND m.activityCode = a.code
    LEFT JOIN Progress p ON p.planYear = ${plan.year} AND p.activityCode = a.code
    WHERE a.planId = ${plan.id} AND a.archivedAt IS NULL AND COALESCE(p.status, '') <> 'completata'
    ORDER BY COALESCE(m.deadline, a.deadline) IS NULL, COALESCE(m.deadline, a.deadline), o.position, a.position, a.code`;
}

/**
 * An area's weighted completion: objectives weighted by the plan's "Peso" (an objective
 * without one weighs the area's average weight, all alike when none has one), each
 * objective the mean of its activities. That equals a weighted mean over activities
 * with weight Peso/activities-of-its-objective, so activities are grouped by what their
 * completion depends on and `activityCompletion` stays the one definition of "how far":
 * a few rows per area whatever the plan's size.
 */
async function completionRows(
  db: Reader,
  plan: PlanRef,
): Promise<Map<number, { completion: number; activities: number; completed: number }>> {
  const rows = await db.$queryRaw<CompletionRow[]>`
    WITH ow AS (
      SELECT o.id AS id, o.areaId AS areaId, o.weight AS weight, COUNT(a.id) AS n
      FROM Objective o JOIN Activity a ON a.objectiveId = o.id AND a.archivedAt IS NULL
      WHERE o.planId = ${plan.id} AND o.archivedAt IS NULL AND o.areaId IS NOT NULL
      GROUP BY o.id
    ), fb AS (
      SELECT areaId, AVG(CASE WHEN weight > 0 THEN weight END) AS avgWeight FROM ow GROUP BY areaId
    )
    SELECT ow.areaId AS areaId, a.targetKind AS targetKind, a.threshold AS threshold,
           p.status AS status, p.percent AS percent, p.count AS count, p.achievedValue AS achievedValue,
           SUM((CASE WHEN ow.weight > 0 THEN ow.weight ELSE COALESCE(fb.avgWeight, 1) END) * 1.0 / ow.n) AS weight,
           COUNT(*) AS n
    FROM Activity a
    JOIN ow ON ow.id = a.objectiveId
    JOIN fb ON fb.areaId = ow.areaId
    LEFT JOIN Progress p ON p.planYear = ${plan.year} AND p.activityCode = a.code
    WHERE a.archivedAt IS NULL
    GROUP BY ow.areaId, a.targetKind, a.threshold, p.status, p.percent, p.count, p.achievedValue`;
  const parts = new Map<number, { items: { value: number; weight: number }[]; activities: number; completed: number }>();
  for (const r of rows) {
    let acc = parts.get(r.areaId);
    if (!acc) parts.set(r.areaId, (acc = { items: [], activities: 0, completed: 0 }));
    const n = Number(r.n);
    acc.items.push({ value: activityCompletion(r), weight: r.weight });
    acc.activities += n;
    if (r.status === "completata") acc.completed += n;
  }
  const out = new Map<number, { completion: number; activities: number; completed: number }>();
  for (const [areaId, acc] of parts) out.set(areaId, { completion: weightedMean(acc.items), activities: acc.activities, completed: acc.completed });
  return out;
}
