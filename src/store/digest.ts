import type { Db, Tx } from "../db/client.ts";
import { addDays } from "../domain/calendar/days.ts";
import {
  DIGEST_DUE_SOON_DAYS,
  type AreaCompletion,
  type AreaRow,
  type DeadlineRow,
  type HeadRow,
  type PaceClock,
  type PaceRow,
  type WideRow,
} from "../domain/digest/digest.ts";
import type { PlanRef } from "../domain/plan/plan.ts";
import { scopeCompletion } from "../domain/progress/completion.ts";
import type { ReportFact } from "../domain/progress/progress.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { ACTIVITY_COMPLETION_SQL, effectiveDeadlineSql } from "./sql.ts";

/**
 * The weekly digest's reads, for every area at once with a handful of set-based queries,
 * so that a 100,000-activity plan costs about as much as one scan of its activities.
 */

type Reader = Db | Tx;

const EFFECTIVE_DEADLINE = effectiveDeadlineSql("m", "a");

export async function digestAreas(db: Reader, plan: PlanRef): Promise<AreaRow[]> {
  return db.$queryRaw<AreaRow[]>`
    SELECT id, code, name FROM Area WHERE planId = ${plan.id} AND archivedAt IS NULL ORDER BY position, code`;
}

export async function headRows(db: Reader): Promise<HeadRow[]> {
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
export async function deadlineRows(
  db: Reader,
  plan: PlanRef,
  today: string,
  shown: number,
  skip: readonly number[] = [],
): Promise<DeadlineRow[]> {
  const horizon = addDays(today, DIGEST_DUE_SOON_DAYS);
  // Ranked on narrow rows (ids and dates); titles are fetched only for the rows shown.
  return db.$queryRaw<DeadlineRow[]>`
    WITH d AS (
      SELECT o.areaId AS areaId, a.id AS id, ${EFFECTIVE_DEADLINE} AS deadline, p.status AS status,
             CASE WHEN ${EFFECTIVE_DEADLINE} < ${today} THEN 1 ELSE 0 END AS late
      FROM Activity a
      JOIN Objective o ON o.id = a.objectiveId
      LEFT JOIN ManualDeadline m ON m.planYear = ${plan.year} AND m.activityCode = a.code
      LEFT JOIN Progress p ON p.planYear = ${plan.year} AND p.activityCode = a.code
      WHERE +a.planId = ${plan.id} AND a.archivedAt IS NULL AND o.archivedAt IS NULL AND o.areaId IS NOT NULL${notIn(skip)}
        AND ${EFFECTIVE_DEADLINE} <= ${horizon}
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
 * behind first) and how many there are; the rows flagged `replay` are recounted by the
 * domain (mergePace) from countReportsOf. The SQL twin of the domain's pace rule
 * (pacedRow, isBehind): test/domain/digest-pace-twin.test.ts holds them equal. The
 * objectives in `skip` (touched by a variation) are left out: the caller judges their
 * activities in force with pacedRow.
 */
export async function paceRows(
  db: Reader,
  plan: PlanRef,
  clock: PaceClock,
  shown: number,
  skip: readonly number[] = [],
): Promise<PaceRow[]> {
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
  return db.$queryRaw<PaceRow[]>`
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
        AND COALESCE(p.status, '') <> 'completata'${notIn(skip)}
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
}

/** The count reports up to `asOf` of the given activities (those a count was set by hand on), by code. */
export async function countReportsOf(
  db: Reader,
  year: number,
  codes: readonly string[],
  asOf: string,
): Promise<Map<string, ReportFact[]>> {
  const byCode = new Map<string, ReportFact[]>();
  for (let i = 0; i < codes.length; i += 500) {
    const chunk = codes.slice(i, i + 500);
    const reports = await db.report.findMany({
      where: {
        planYear: year,
        activityCode: { in: chunk },
        kind: { in: ["count_add", "count_set"] },
        undoneAt: null,
        occurredOn: { lte: asOf },
      },
      select: {
        id: true,
        activityCode: true,
        kind: true,
        status: true,
        value: true,
        occurredOn: true,
        note: true,
        userId: true,
        createdAt: true,
      },
    });
    for (const r of reports) byCode.set(r.activityCode, [...(byCode.get(r.activityCode) ?? []), r]);
  }
  return byCode;
}

/** Open Comune-wide activities (objectives of no area, found through the areaId index), by effective deadline, undated last. */
export async function wideRows(db: Reader, plan: PlanRef, skip: readonly number[] = []): Promise<WideRow[]> {
  return db.$queryRaw<WideRow[]>`
    SELECT a.code AS code, a.title AS title, o.code AS objectiveCode, ${EFFECTIVE_DEADLINE} AS deadline,
           p.status AS status, a.involvesAllAreas AS involvesAllAreas, a.involvedAreas AS involvedAreas
    FROM Objective o
    JOIN Activity a ON a.objectiveId = o.id AND a.archivedAt IS NULL
    LEFT JOIN ManualDeadline m ON m.planYear = ${plan.year} AND m.activityCode = a.code
    LEFT JOIN Progress p ON p.planYear = ${plan.year} AND p.activityCode = a.code
    WHERE o.areaId IS NULL AND +o.planId = ${plan.id} AND o.archivedAt IS NULL AND COALESCE(p.status, '') <> 'completata'${notIn(skip)}
    ORDER BY ${EFFECTIVE_DEADLINE} IS NULL, ${EFFECTIVE_DEADLINE}, o.position, a.position, a.code`;
}

/** Leaves out the objectives a variation touches (they are merged from their definitions in force). */
function notIn(ids: readonly number[]): Prisma.Sql {
  return ids.length ? Prisma.sql` AND o.id NOT IN (${Prisma.join(ids)})` : Prisma.empty;
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
export async function completionRows(
  db: Reader,
  plan: PlanRef,
  skip: readonly number[] = [],
  extra: ReadonlyMap<number | null, Omit<TotalsRow, "areaId">> = new Map(),
): Promise<Map<number, AreaCompletion>> {
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
      WHERE o.planId = ${plan.id} AND o.archivedAt IS NULL AND o.areaId IS NOT NULL${notIn(skip)}
      GROUP BY o.code
    )
    GROUP BY areaId`;
  // The objectives a variation touches, summed apart as in force (domain/status/varied.ts).
  const merged = new Map<number, TotalsRow>(rows.map((t) => [Number(t.areaId), t]));
  for (const [areaId, e] of extra) {
    if (areaId === null) continue;
    const t = merged.get(areaId);
    merged.set(
      areaId,
      t
        ? {
            areaId,
            live: Number(t.live) + Number(e.live),
            activities: Number(t.activities) + Number(e.activities),
            completed: Number(t.completed) + Number(e.completed),
            weighted: Number(t.weighted) + Number(e.weighted),
            weightSum: t.weightSum + e.weightSum,
            weightedScore: t.weightedScore + e.weightedScore,
            unweightedScore: t.unweightedScore + e.unweightedScore,
          }
        : { ...e, areaId },
    );
  }
  return new Map(
    [...merged.values()].map((t) => [
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
