import type { Db, Tx } from "../db/client.ts";
import { addDays } from "../domain/calendar/days.ts";
import {
  DUE_SOON_DAYS,
  LATEST_REPORTS_SHOWN,
  type AreaInfo,
  type DeadlineRow,
  type ManualRow,
  type RecentReport,
  type ShownRow,
  type TotalsRow,
} from "../domain/status/status.ts";
import { Prisma } from "../generated/prisma/client.ts";
import type { PlanRef } from "../domain/plan/plan.ts";
import { ACTIVITY_COMPLETION_SQL } from "./sql.ts";

/** The queries behind /stato: one aggregate pass per scope, then the few rows a screen lists. */

type Reader = Db | Tx;

export async function liveAreas(db: Reader, planId: number): Promise<AreaInfo[]> {
  return db.area.findMany({
    where: { planId, archivedAt: null },
    orderBy: { position: "asc" },
    select: { id: true, code: true, name: true, head: true },
  });
}

/** Every objective of the plan (the all-areas pass). */
export function planFilter(plan: PlanRef): Prisma.Sql {
  return Prisma.sql`o.planId = ${plan.id}`;
}

export function objectiveFilter(plan: PlanRef, area: AreaInfo | null): Prisma.Sql {
  // `+o.planId`: the Comune-wide objectives are found through the areaId index (NULL), not among every objective of the plan.
  return area ? Prisma.sql`o.areaId = ${area.id}` : Prisma.sql`o.areaId IS NULL AND +o.planId = ${plan.id}`;
}

/**
 * Deadlines set by hand in the scope: few, so the big pass counts plan deadlines and these
 * correct it. CROSS JOIN keeps ManualDeadline outermost (the planner would walk the plan).
 */
export async function manualDeadlineRows(db: Reader, plan: PlanRef, where: Prisma.Sql): Promise<ManualRow[]> {
  return db.$queryRaw<ManualRow[]>`
    SELECT o.areaId AS areaId, a.deadline AS planDeadline, m.deadline AS manualDeadline, p.status AS status
    FROM ManualDeadline m
    CROSS JOIN Activity a ON a.planId = ${plan.id} AND a.code = m.activityCode AND a.archivedAt IS NULL
    CROSS JOIN Objective o ON o.id = a.objectiveId
    LEFT JOIN Progress p ON p.planYear = ${plan.year} AND p.activityCode = a.code
    WHERE m.planYear = ${plan.year} AND ${where} AND o.archivedAt IS NULL`;
}

/**
 * One streaming pass per scope (objectives in the order of the index that finds them: id
 * within an area, code within a plan; so no sort): per objective the
 * mean completion of its activities (each weighing 1), then per area the objectives' mean
 * weighted by the plan's "Peso". Overdue and due-soon counts use the plan deadlines here;
 * the few set by hand correct them afterwards.
 */
export async function totalsRows(
  db: Reader,
  plan: PlanRef,
  where: Prisma.Sql,
  today: string,
  planWide = false,
): Promise<TotalsRow[]> {
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
      WHERE ${where} AND o.archivedAt IS NULL
      GROUP BY ${planWide ? Prisma.sql`o.code` : Prisma.sql`o.id`}
    )
    GROUP BY areaId`;
}

export async function objectiveCount(db: Reader, where: Prisma.Sql): Promise<number> {
  const [row] = await db.$queryRaw<
    { n: bigint }[]
  >`SELECT COUNT(*) AS n FROM Objective o WHERE ${where} AND o.archivedAt IS NULL`;
  return Number(row?.n ?? 0);
}

/**
 * Open activities whose effective deadline falls in [from, to), earliest first, at most
 * `limit`. Deadlines from the plan are read in the order of their index (CROSS JOIN keeps
 * Activity outermost, `+a.planId` keeps the planner off the planId index), so the query
 * stops after `limit` hits instead of sorting the whole area; the few set by hand are merged in.
 */
export async function openByDeadline(
  db: Reader,
  plan: PlanRef,
  where: Prisma.Sql,
  range: { from: string | null; to: string },
  limit: number,
  bigScope: boolean,
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
        AND ${where} AND o.archivedAt IS NULL
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
        AND ${where} AND o.archivedAt IS NULL
        AND COALESCE(p.status, '') <> 'completata'
      ORDER BY m.deadline, a.code
      LIMIT ${limit})`;
  return rows
    .sort((a, b) =>
      a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : a.code < b.code ? -1 : a.code > b.code ? 1 : 0,
    )
    .slice(0, limit);
}

/** A RecentReport as read by raw SQL, where createdAt may come back as text or a number. */
type ReportRow = Omit<RecentReport, "createdAt"> & { createdAt: Date | string | number };

/**
 * Newest first. In a big scope, along the createdAt index (Report outermost), stopping at
 * the first few of the scope; in a small one, from its activities' reports.
 */
export async function latestReports(
  db: Reader,
  plan: PlanRef,
  where: Prisma.Sql,
  bigScope: boolean,
): Promise<RecentReport[]> {
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
  return rows.map((r) => ({
    ...r,
    id: Number(r.id),
    createdAt: r.createdAt instanceof Date ? r.createdAt : new Date(r.createdAt),
  }));
}

/** The objectives a screen can show (plan order), their activities grouped by what their completion depends on. */
export async function shownObjectiveRows(
  db: Reader,
  plan: PlanRef,
  where: Prisma.Sql,
  limit: number,
): Promise<ShownRow[]> {
  return db.$queryRaw<ShownRow[]>`
    SELECT o.id AS objectiveId, o.code AS code, o.title AS title, o.weight AS weight,
           a.targetKind AS targetKind, a.threshold AS threshold,
           p.status AS status, p.percent AS percent, p.count AS count, p.achievedValue AS achievedValue,
           COUNT(a.id) AS n
    FROM (SELECT * FROM Objective o WHERE ${where} AND o.archivedAt IS NULL ORDER BY o.position, o.id LIMIT ${limit}) o
    LEFT JOIN Activity a ON a.objectiveId = o.id AND a.archivedAt IS NULL
    LEFT JOIN Progress p ON p.planYear = ${plan.year} AND p.activityCode = a.code
    GROUP BY o.id, a.targetKind, a.threshold, p.status, p.percent, p.count, p.achievedValue
    ORDER BY o.position, o.id`;
}
