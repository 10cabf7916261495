import type { Db } from "../db/client.ts";
import type { PlanRef } from "../domain/plan/plan.ts";
import { effectiveDeadlineSql } from "./sql.ts";

/** Reads of the reminder and overdue jobs: which activities are due, and who hears about them. */

const EFFECTIVE_DEADLINE = effectiveDeadlineSql("m", "a");

export interface NoticeActivity {
  code: string;
  title: string;
  /** null for a Comune-wide activity. */
  areaCode: string | null;
  areaName: string | null;
  involvesAllAreas: boolean;
  involvedAreas: string[];
  deadline: string;
  lastReporterId: string | null;
}

interface NoticeRow {
  code: string;
  title: string;
  areaCode: string | null;
  areaName: string | null;
  involvesAllAreas: boolean | bigint | number;
  involvedAreas: string;
  deadline: string;
  lastReporterId: string | null;
}

/**
 * Open live activities whose effective deadline is within [from, to]; with
 * `unexplainedOnly`, those with no delay cause recorded since their deadline.
 */
export async function openActivitiesDue(
  db: Db,
  plan: PlanRef,
  from: string,
  to: string,
  opts: { unexplainedOnly?: boolean } = {},
): Promise<NoticeActivity[]> {
  const rows = await db.$queryRaw<NoticeRow[]>`
    SELECT a.code AS code, a.title AS title, ar.code AS areaCode, ar.name AS areaName,
           a.involvesAllAreas AS involvesAllAreas, a.involvedAreas AS involvedAreas,
           ${EFFECTIVE_DEADLINE} AS deadline, p.lastReporterId AS lastReporterId
    FROM Activity a
    JOIN Objective o ON o.id = a.objectiveId AND o.archivedAt IS NULL
    LEFT JOIN Area ar ON ar.id = o.areaId
    LEFT JOIN ManualDeadline m ON m.planYear = ${plan.year} AND m.activityCode = a.code
    LEFT JOIN Progress p ON p.planYear = ${plan.year} AND p.activityCode = a.code
    WHERE a.planId = ${plan.id} AND a.archivedAt IS NULL
      AND (o.areaId IS NULL OR ar.archivedAt IS NULL)
      AND ${EFFECTIVE_DEADLINE} >= ${from} AND ${EFFECTIVE_DEADLINE} <= ${to}
      AND COALESCE(p.status, '') <> 'completata'
      AND (${opts.unexplainedOnly ? 1 : 0} = 0 OR NOT EXISTS (
        SELECT 1 FROM DelayExplanation d
        WHERE d.planYear = ${plan.year} AND d.activityCode = a.code AND d.createdAt >= ${EFFECTIVE_DEADLINE}))
    ORDER BY ${EFFECTIVE_DEADLINE}, a.code`;
  return rows.map((r) => ({
    code: r.code,
    title: r.title,
    areaCode: r.areaCode,
    areaName: r.areaName,
    involvesAllAreas: Number(r.involvesAllAreas) === 1,
    involvedAreas: r.involvedAreas
      .split(",")
      .map((c) => c.trim())
      .filter(Boolean),
    deadline: r.deadline,
    lastReporterId: r.lastReporterId,
  }));
}

/** Users with role responsabile, per area code. */
export async function headsByArea(db: Db): Promise<Map<string, string[]>> {
  const rows = await db.$queryRaw<{ areaCode: string; slackUserId: string }[]>`
    SELECT ua.areaCode AS areaCode, u.slackUserId AS slackUserId
    FROM UserArea ua JOIN User u ON u.slackUserId = ua.slackUserId
    WHERE u.role = 'responsabile' ORDER BY ua.areaCode, u.slackUserId`;
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.areaCode, [...(out.get(r.areaCode) ?? []), r.slackUserId]);
  return out;
}

/**
 * Registered Slack users, to whom a direct message can go: a report made from the command
 * line carries "cli:<name>", and someone removed from the bot is not written to.
 */
export async function registeredUsers(db: Db): Promise<Set<string>> {
  const rows = await db.user.findMany({ select: { slackUserId: true } });
  return new Set(rows.map((r) => r.slackUserId));
}

