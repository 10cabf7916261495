import { addDays, daysBetween } from "../clock.ts";
import type { Db, Tx } from "../db/client.ts";
import { currentPlan, type PlanRef } from "./plan-repo.ts";
import { deriveProgress, periodKey, type ReportFact } from "./progress.ts";
import { ACTIVITY_COMPLETION_SQL, scopeCompletion } from "./status.ts";

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
  /** People of the area away during the week (absences). */
  away: AwayPerson[];
  /** People of the area with open activities and no report in `weeks` weeks; null when not computed. */
  notReported: { weeks: number; people: SilentPerson[] } | null;
  /** Nothing to flag: no overdue, due-soon or behind-pace activity of the area, no Comune-wide one late or due soon, nobody silent. */
  quiet: boolean;
}

export interface AwayPerson {
  slackUserId: string;
  name: string | null;
  from: string;
  to: string;
}

export interface SilentPerson {
  slackUserId: string;
  name: string | null;
  /** Their last report (by them or on their behalf); null: never. */
  lastReportAt: Date | null;
}

/** Per area code: who is away this week, and who has open work but no report in `weeks` weeks. */
export type DigestPeople = Map<string, { away: AwayPerson[]; notReported: { weeks: number; people: SilentPerson[] } }>;

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
  position: number | bigint;
  // Integral sums may come back as BigInt.
  periodCount: number | bigint | null;
  yearCount: number | bigint | null;
  periodExpected: bigint | number | null;
  yearExpected: bigint | number;
  /** 1: a count was set by hand on this activity; its counts are replayed in JS. */
  replay: bigint | number;
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

export interface DigestOptions {
  today: string;
  /** Plan year; the most recent plan when absent. */
  year?: number;
  /** Only these areas (codes as the plan writes them); every live area when absent. */
  areaCodes?: readonly string[];
  shown?: number;
  wideShown?: number;
  /** Absences and silent people per area (store/digest-people.ts); none when absent. */
  people?: DigestPeople;
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
      away: opts.people?.get(area.code)?.away ?? [],
      notReported: opts.people?.get(area.code)?.notReported ?? null,
      quiet: false,
    };
    d.quiet =
      d.overdue.total === 0 && d.dueSoon.total === 0 && d.behindPace.total === 0 && !wideNeedsAttention && (d.notReported?.people.length ?? 0) === 0;
    return d;
  });
  return { plan, today, digests };
}

function paceEntry(r: PaceRow, clock: PaceClock): PaceEntry {
  const start = r.period === "week" ? clock.current.week?.start : r.period === "month" ? clock.current.month?.start : undefined;
  const current =
    r.periodExpected === null || start === undefined || (r.period !== "week" && r.period !== "month")
      ? null
      : { period: r.period, start, expected: Number(r.periodExpected), recorded: Number(r.periodCount ?? 0) };
  return {
    code: r.code,
    title: r.title,
    objectiveCode: r.objectiveCode,
    targetText: r.targetText,
    threshold: Number(r.threshold),
    period: r.period,
    currentPeriod: current,
    yearToDate: { expected: Number(r.yearExpected), recorded: Number(r.yearCount ?? 0) },
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
  // Ranked on narrow rows (ids and dates); titles are fetched only for the rows shown.
  return db.$queryRaw<DeadlineRow[]>`
    WITH d AS (
      SELECT o.areaId AS areaId, a.id AS id, COALESCE(m.deadline, a.deadline) AS deadline, p.status AS status,
             CASE WHEN COALESCE(m.deadline, a.deadline) < ${today} THEN 1 ELSE 0 END AS late
      FROM Activity a
      JOIN Objective o ON o.id = a.objectiveId
      LEFT JOIN ManualDeadline m ON m.planYear = ${plan.year} AND m.activityCode = a.code
      LEFT JOIN Progress p ON p.planYear = ${plan.year} AND p.activityCode = a.code
      WHERE +a.planId = ${plan.id} AND a.archivedAt IS NULL AND o.archivedAt IS NULL AND o.areaId IS NOT NULL
        AND COALESCE(m.deadline, a.deadline) <= ${horizon}
        AND COALESCE(p.status, '') <> 'completata'
    ), r AS (
      SELECT d.*, ROW_NUMBER() OVER (PARTITION BY areaId, late ORDER BY deadline, id) AS rn,
             COUNT(*) OVER (PARTITION BY areaId, late) AS total
      FROM d
    )
    SELECT ar.code AS areaCode, a.code AS code, a.title AS title, o.code AS objectiveCode,
           r.deadline AS deadline, r.status AS status, r.late AS late, r.total AS total
    FROM r
    JOIN Activity a ON a.id = r.id
    JOIN Objective o ON o.id = a.objectiveId
    JOIN Area ar ON ar.id = r.areaId AND ar.archivedAt IS NULL
    WHERE r.rn <= ${shown}
    ORDER BY ar.code, r.late DESC, r.deadline, a.code`;
}

/**
 * Count indicators with a pace ("> 2 al mese") that are behind it, on the current week or
 * month or on the year so far, from the reports dated up to today, counted as /obiettivo
 * counts them. Paces bound to a season ("nella stagione estiva") are not checked: the
 * plan does not say when the season is. Returns, per area, the first `shown` (furthest
 * behind first) and how many there are.
 */
async function paceRows(db: Reader, plan: PlanRef, today: string, shown: number): Promise<PaceRow[]> {
  const clock = paceClock(plan.year, today);
  if (!clock.active) return [];
  const u = clock.yearUnits;
  // Past the plan year there is no week or month under way: NULL matches no report.
  const weekStart = clock.current.week?.start ?? null;
  const weekUnits = clock.current.week?.units ?? null;
  const monthStart = clock.current.month?.start ?? null;
  const monthUnits = clock.current.month?.units ?? null;
  // Added counts are summed in one streaming pass along the (planYear, activityCode)
  // index. A count set by hand ("count_set") makes the totals depend on the order of the
  // reports: those activities (rare) come back flagged `replay` and are recounted in JS by
  // the progress service's own deriveProgress.
  const rows = await db.$queryRaw<PaceRow[]>`
    WITH agg AS (
      SELECT r.activityCode AS code,
             TOTAL(CASE WHEN r.kind = 'count_add' THEN r.value END) AS addYear,
             TOTAL(CASE WHEN r.kind = 'count_add' AND r.occurredOn >= ${monthStart} THEN r.value END) AS addMonth,
             TOTAL(CASE WHEN r.kind = 'count_add' AND r.occurredOn >= ${weekStart} THEN r.value END) AS addWeek,
             SUM(CASE WHEN r.kind = 'count_set' THEN 1 ELSE 0 END) AS sets
      FROM Report r
      WHERE r.planYear = ${plan.year} AND r.kind IN ('count_add', 'count_set') AND r.undoneAt IS NULL
        AND r.value IS NOT NULL AND r.occurredOn <= ${clock.asOf}
      GROUP BY r.activityCode
    ), pa AS (
      SELECT ar.code AS areaCode, a.code AS code, a.title AS title, o.code AS objectiveCode, a.targetText AS targetText,
             a.threshold AS threshold, a.period AS period, a.position AS position,
             CAST(a.threshold * CASE a.period WHEN 'week' THEN ${weekUnits} WHEN 'month' THEN ${monthUnits} ELSE NULL END + 1e-9 AS INTEGER) AS periodExpected,
             CAST(a.threshold * CASE a.period WHEN 'day' THEN ${u.day} WHEN 'week' THEN ${u.week} WHEN 'month' THEN ${u.month} ELSE ${u.year} END + 1e-9 AS INTEGER) AS yearExpected
      FROM Activity a
      JOIN Objective o ON o.id = a.objectiveId AND o.archivedAt IS NULL
      JOIN Area ar ON ar.id = o.areaId AND ar.archivedAt IS NULL
      LEFT JOIN Progress p ON p.planYear = ${plan.year} AND p.activityCode = a.code
      WHERE +a.planId = ${plan.id} AND a.archivedAt IS NULL AND a.targetKind = 'count'
        AND a.period IN ('day', 'week', 'month', 'year') AND a.threshold > 0
        AND (a.qualifier IS NULL OR a.qualifier = '')
        AND COALESCE(p.status, '') <> 'completata'
    ), counted AS (
      SELECT pa.*, COALESCE(agg.addYear, 0) AS yearCount,
             CASE pa.period WHEN 'week' THEN COALESCE(agg.addWeek, 0) WHEN 'month' THEN COALESCE(agg.addMonth, 0) ELSE 0 END AS periodCount,
             CASE WHEN agg.sets > 0 THEN 1 ELSE 0 END AS replay
      FROM pa LEFT JOIN agg ON agg.code = pa.code
    ), cand AS (
      SELECT counted.*,
             CASE WHEN yearExpected > 0 THEN (yearExpected - yearCount) * 1.0 / yearExpected ELSE 0 END AS gap
      FROM counted
      WHERE replay = 1 OR yearCount < yearExpected OR (periodExpected IS NOT NULL AND periodCount < periodExpected)
    ), r AS (
      SELECT cand.*, ROW_NUMBER() OVER (PARTITION BY areaCode, replay ORDER BY gap DESC, position, code) AS rn,
             COUNT(*) OVER (PARTITION BY areaCode, replay) AS total
      FROM cand
    )
    SELECT areaCode, code, title, objectiveCode, targetText, threshold, period, position, periodCount, yearCount,
           periodExpected, yearExpected, replay, total
    FROM r WHERE replay = 1 OR rn <= ${shown}
    ORDER BY areaCode, rn`;
  const replayed = await replayCounts(db, plan.year, clock, rows.filter((r) => Number(r.replay) === 1));
  return mergePace(rows, replayed, shown);
}

/** Counts of the activities with a count set by hand, by deriveProgress itself. */
async function replayCounts(db: Reader, year: number, clock: PaceClock, rows: PaceRow[]): Promise<Map<string, { year: number; period: number }>> {
  const out = new Map<string, { year: number; period: number }>();
  const periodOf = new Map(rows.map((r) => [r.code, r.period]));
  const codes = [...periodOf.keys()];
  for (let i = 0; i < codes.length; i += 500) {
    const chunk = codes.slice(i, i + 500);
    const reports = await db.report.findMany({
      where: { planYear: year, activityCode: { in: chunk }, kind: { in: ["count_add", "count_set"] }, undoneAt: null, occurredOn: { lte: clock.asOf } },
      select: { id: true, activityCode: true, kind: true, status: true, value: true, occurredOn: true, note: true, userId: true, createdAt: true },
    });
    const byCode = new Map<string, ReportFact[]>();
    for (const r of reports) byCode.set(r.activityCode, [...(byCode.get(r.activityCode) ?? []), r]);
    for (const code of chunk) {
      const period = periodOf.get(code)!;
      const derived = deriveProgress(byCode.get(code) ?? [], { targetKind: "count", period });
      const start = period === "week" ? clock.current.week?.start : period === "month" ? clock.current.month?.start : undefined;
      const key = start ? periodKey(start, period) : null;
      out.set(code, { year: derived.count ?? 0, period: key ? (derived.periodCounts.find((p) => p.period === key)?.count ?? 0) : 0 });
    }
  }
  return out;
}

function isBehind(r: PaceRow): boolean {
  return Number(r.yearCount) < Number(r.yearExpected) || (r.periodExpected !== null && Number(r.periodCount) < Number(r.periodExpected));
}

function gapOf(r: PaceRow): number {
  const expected = Number(r.yearExpected);
  return expected > 0 ? (expected - Number(r.yearCount)) / expected : 0;
}

/** Per area: the SQL-ranked rows plus the replayed ones still behind, ranked alike and cut to `shown`. */
function mergePace(rows: PaceRow[], replayed: Map<string, { year: number; period: number }>, shown: number): PaceRow[] {
  const byArea = new Map<string, { ranked: PaceRow[]; total: number; extra: PaceRow[] }>();
  for (const r of rows) {
    let acc = byArea.get(r.areaCode);
    if (!acc) byArea.set(r.areaCode, (acc = { ranked: [], total: 0, extra: [] }));
    if (Number(r.replay) === 1) {
      const c = replayed.get(r.code)!;
      const fixed = { ...r, yearCount: c.year, periodCount: c.period };
      if (isBehind(fixed)) acc.extra.push(fixed);
    } else {
      acc.ranked.push(r);
      acc.total = Number(r.total);
    }
  }
  const out: PaceRow[] = [];
  for (const acc of byArea.values()) {
    const total = acc.total + acc.extra.length;
    const merged = [...acc.ranked, ...acc.extra]
      .sort((a, b) => gapOf(b) - gapOf(a) || Number(a.position) - Number(b.position) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
      .slice(0, shown);
    for (const r of merged) out.push({ ...r, total });
  }
  return out;
}

/** Open Comune-wide activities (objectives of no area, found through the areaId index), by effective deadline, undated last. */
async function wideRows(db: Reader, plan: PlanRef): Promise<WideRow[]> {
  return db.$queryRaw<WideRow[]>`
    SELECT a.code AS code, a.title AS title, o.code AS objectiveCode, COALESCE(m.deadline, a.deadline) AS deadline,
           p.status AS status, a.involvesAllAreas AS involvesAllAreas, a.involvedAreas AS involvedAreas
    FROM Objective o
    JOIN Activity a ON a.objectiveId = o.id AND a.archivedAt IS NULL
    LEFT JOIN ManualDeadline m ON m.planYear = ${plan.year} AND m.activityCode = a.code
    LEFT JOIN Progress p ON p.planYear = ${plan.year} AND p.activityCode = a.code
    WHERE o.areaId IS NULL AND +o.planId = ${plan.id} AND o.archivedAt IS NULL AND COALESCE(p.status, '') <> 'completata'
    ORDER BY COALESCE(m.deadline, a.deadline) IS NULL, COALESCE(m.deadline, a.deadline), o.position, a.position, a.code`;
}

interface TotalsRow {
  areaId: number;
  live: bigint | number;
  activities: bigint | number;
  completed: bigint | number;
  weighted: bigint | number;
  weightSum: number;
  weightedScore: number;
  unweightedScore: number;
}

/**
 * An area's weighted completion: the figure /stato shows, from the same SQL twin of
 * `activityCompletion` and the same area formula (`scopeCompletion`), in one streaming
 * pass over the plan's objectives (in the order of their (planId, code) index, so no sort).
 */
async function completionRows(db: Reader, plan: PlanRef): Promise<Map<number, { completion: number; activities: number; completed: number }>> {
  const rows = await db.$queryRaw<TotalsRow[]>`
    SELECT areaId, COUNT(*) AS live, SUM(n) AS activities, SUM(done) AS completed,
           SUM(CASE WHEN weight > 0 THEN 1 ELSE 0 END) AS weighted,
           TOTAL(CASE WHEN weight > 0 THEN weight END) AS weightSum,
           TOTAL(CASE WHEN weight > 0 THEN weight * score / n END) AS weightedScore,
           TOTAL(CASE WHEN weight > 0 THEN 0.0 ELSE score / n END) AS unweightedScore
    FROM (
      SELECT o.areaId AS areaId, o.weight AS weight, COUNT(*) AS n,
             TOTAL(${ACTIVITY_COMPLETION_SQL}) AS score,
             SUM(CASE WHEN p.status = 'completata' THEN 1 ELSE 0 END) AS done
      FROM Objective o
      JOIN Activity a ON a.objectiveId = o.id AND a.archivedAt IS NULL
      LEFT JOIN Progress p ON p.planYear = ${plan.year} AND p.activityCode = a.code
      WHERE o.planId = ${plan.id} AND o.archivedAt IS NULL AND o.areaId IS NOT NULL
      GROUP BY o.code
    )
    GROUP BY areaId`;
  return new Map(
    rows.map((t) => [
      Number(t.areaId),
      {
        completion: scopeCompletion({
          live: Number(t.live),
          weighted: Number(t.weighted),
          weightSum: t.weightSum,
          weightedScore: t.weightedScore,
          unweightedScore: t.unweightedScore,
        }),
        activities: Number(t.activities),
        completed: Number(t.completed),
      },
    ]),
  );
}
