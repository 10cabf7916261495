import { daysBetween } from "../calendar/days.ts";
import { isoWeekOf, mondayOf } from "../calendar/weeks.ts";
import type { PlanRef } from "../plan/plan.ts";
import { deriveProgress, periodKey, type ReportFact } from "../progress/progress.ts";

/**
 * The weekly digest of an area: what is late, what is coming, which count indicators
 * are behind their pace, which Comune-wide activities are still open, and how far the
 * area is. Built for every area at once with a handful of set-based queries, so that a
 * 100,000-activity plan costs about as much as one scan of its activities.
 */

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
  const none: PaceClock = {
    active: false,
    yearUnits: { day: 0, week: 0, month: 0, year: 0 },
    current: { week: null, month: null },
    asOf: today,
  };
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

/** A target as in force on the day, with what the pace rule reads of it. */
export interface PaceTarget {
  areaCode: string;
  code: string;
  title: string;
  objectiveCode: string;
  targetText: string;
  targetKind: string;
  threshold: number | null;
  period: string | null;
  qualifier: string | null;
  position: number;
  /** The activity's progress status (null: no report yet). */
  status: string | null;
}

const PACE_PERIODS: readonly string[] = ["day", "week", "month", "year"] satisfies PacePeriod[];

/**
 * The pace rule: a count target with a period ("> 2 al mese"), no season, a threshold above
 * zero, not completed, asks for expectedCount(threshold, units gone by) whole units in the
 * year so far and in the week or month under way; it is behind when either count is short
 * (isBehind). Returns null for a target the rule does not check. The row's counts are left
 * at 0 and it is flagged `replay`: mergePace judges it on replayedCounts. paceRows in
 * store/digest.ts is this rule's SQL twin, for the rows no variation touches
 * (test/domain/digest-pace-twin.test.ts holds the two equal).
 */
export function pacedRow(t: PaceTarget, clock: PaceClock): PaceRow | null {
  if (!clock.active || t.targetKind !== "count" || t.status === "completata") return null;
  if (t.qualifier || t.threshold === null || !(t.threshold > 0)) return null;
  if (t.period === null || !PACE_PERIODS.includes(t.period)) return null;
  const period = t.period as PacePeriod;
  const current = period === "week" ? clock.current.week : period === "month" ? clock.current.month : null;
  return {
    areaCode: t.areaCode,
    code: t.code,
    title: t.title,
    objectiveCode: t.objectiveCode,
    targetText: t.targetText,
    threshold: t.threshold,
    period,
    position: t.position,
    periodCount: 0,
    yearCount: 0,
    periodExpected: current ? expectedCount(t.threshold, current.units) : null,
    yearExpected: expectedCount(t.threshold, clock.yearUnits[period]),
    replay: 1,
    total: 0,
  };
}

export interface AreaRow {
  id: number;
  code: string;
  name: string;
}

export interface HeadRow {
  areaCode: string;
  slackUserId: string;
  name: string | null;
}

export interface DeadlineRow {
  areaCode: string;
  code: string;
  title: string;
  objectiveCode: string;
  deadline: string;
  status: string | null;
  late: bigint | number;
  total: bigint | number;
}

export interface PaceRow {
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
  /** 1: counted in JS by replayedCounts (a count was set by hand on it, or its target is judged by pacedRow). */
  replay: bigint | number;
  total: bigint | number;
}

export interface WideRow {
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

function paceEntry(r: PaceRow, clock: PaceClock): PaceEntry {
  const start =
    r.period === "week" ? clock.current.week?.start : r.period === "month" ? clock.current.month?.start : undefined;
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

function isBehind(r: PaceRow): boolean {
  return (
    Number(r.yearCount) < Number(r.yearExpected) ||
    (r.periodExpected !== null && Number(r.periodCount) < Number(r.periodExpected))
  );
}

function gapOf(r: PaceRow): number {
  const expected = Number(r.yearExpected);
  return expected > 0 ? (expected - Number(r.yearCount)) / expected : 0;
}

/** Per area: the SQL-ranked rows plus the replayed ones still behind, ranked alike and cut to `shown`. */
export function mergePace(
  rows: PaceRow[],
  replayed: Map<string, { year: number; period: number }>,
  shown: number,
): PaceRow[] {
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
      .sort(
        (a, b) =>
          gapOf(b) - gapOf(a) ||
          Number(a.position) - Number(b.position) ||
          (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
      )
      .slice(0, shown);
    for (const r of merged) out.push({ ...r, total });
  }
  return out;
}

/** Counts of the activities with a count set by hand, by deriveProgress itself (order matters for them). */
export function replayedCounts(
  rows: readonly PaceRow[],
  reportsByCode: ReadonlyMap<string, ReportFact[]>,
  clock: PaceClock,
): Map<string, { year: number; period: number }> {
  const out = new Map<string, { year: number; period: number }>();
  for (const r of rows) {
    const period = r.period;
    const derived = deriveProgress(reportsByCode.get(r.code) ?? [], { targetKind: "count", period });
    const start =
      period === "week" ? clock.current.week?.start : period === "month" ? clock.current.month?.start : undefined;
    const key = start ? periodKey(start, period) : null;
    out.set(r.code, {
      year: derived.count ?? 0,
      period: key ? (derived.periodCounts.find((p) => p.period === key)?.count ?? 0) : 0,
    });
  }
  return out;
}

export interface AreaCompletion {
  completion: number;
  activities: number;
  completed: number;
}

export interface DigestInput {
  plan: PlanRef;
  today: string;
  areas: AreaRow[];
  heads: HeadRow[];
  deadlines: DeadlineRow[];
  pace: PaceRow[];
  wide: WideRow[];
  completion: Map<number, AreaCompletion>;
  wideShown?: number;
  people?: DigestPeople;
}

/** Every area's digest from the rows the store read: sections, pace, Comune-wide context, quiet weeks. */
export function assembleDigests(input: DigestInput): DigestSet {
  const { plan, today, areas, heads, deadlines, pace, wide, completion } = input;
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
    const wideMine = wide.filter(
      (w) =>
        Number(w.involvesAllAreas) === 1 ||
        w.involvedAreas
          .split(",")
          .map((c) => c.trim())
          .includes(area.code),
    );
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
      comuneWide: { total: wideEntries.length, items: wideEntries.slice(0, input.wideShown ?? DIGEST_WIDE_SHOWN) },
      completion: comp.completion,
      activities: comp.activities,
      completed: comp.completed,
      away: input.people?.get(area.code)?.away ?? [],
      notReported: input.people?.get(area.code)?.notReported ?? null,
      quiet: false,
    };
    d.quiet =
      d.overdue.total === 0 &&
      d.dueSoon.total === 0 &&
      d.behindPace.total === 0 &&
      !wideNeedsAttention &&
      (d.notReported?.people.length ?? 0) === 0;
    return d;
  });
  return { plan, today, digests };
}
