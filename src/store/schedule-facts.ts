import { addDays } from "../domain/calendar/days.ts";
import type { Db } from "../db/client.ts";
import { activityDefinitionOf, effectiveDeadline } from "../domain/plan/in-force.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { effectiveDeadlineSql } from "./sql.ts";
import { loadOverlay } from "./variations.ts";
import type { WorkingCalendar } from "../domain/calendar/working-calendar.ts";
import type { PlanRef } from "../domain/plan/plan.ts";
import {
  SCAN_BACK_DAYS,
  type PlannedActivity,
  type Preference,
  type ScheduleConfig,
  type ScheduleFacts,
} from "../domain/schedule/send-plan.ts";

/** The deadline in force (a manual one wins), as every other query reads it. */
const EFFECTIVE_DEADLINE = effectiveDeadlineSql("m", "a");

/**
 * Snoozes still holding an item (their day to come) or bringing one back (their day just
 * passed, not yet sent): a snooze older than this is spent.
 */
const SNOOZE_LOOKBACK_DAYS = 60;

interface ActivityRow {
  code: string;
  title: string;
  areaCode: string | null;
  areaName: string | null;
  involvesAllAreas: boolean | bigint | number;
  involvedAreas: string;
  deadline: string;
  lastReporterId: string | null;
  explained: bigint | number;
}

/**
 * Everything the send planner needs for the days [from, to], read in a few queries: open
 * live activities whose deadline can produce a reminder or a question in the window, the
 * heads, the registered users, absences, snoozes and preferences.
 */
export async function loadScheduleFacts(
  db: Db,
  plan: PlanRef,
  calendar: WorkingCalendar,
  config: ScheduleConfig,
  window: { from: string; to: string },
): Promise<ScheduleFacts> {
  const maxThreshold = Math.max(0, ...config.thresholds, ...(await preferredDays(db)));
  // Calendar bounds wide enough for working-day counts: a working day is at most a few calendar days.
  const earliest = addDays(window.from, -SCAN_BACK_DAYS);
  const latest = addDays(calendar.addWorkingDays(window.to, maxThreshold), 1);
  // Activities a variation touches are left to the rule (deadline, title and existence in force at the window's start).
  const overlay = await loadOverlay(db, plan.year, window.from);
  const touched = overlay.touchedActivityCodes;
  const skip = touched.length ? Prisma.sql` AND a.code NOT IN (${Prisma.join(touched)})` : Prisma.empty;
  const rows = await db.$queryRaw<ActivityRow[]>`
    SELECT a.code AS code, a.title AS title, ar.code AS areaCode, ar.name AS areaName,
           a.involvesAllAreas AS involvesAllAreas, a.involvedAreas AS involvedAreas,
           ${EFFECTIVE_DEADLINE} AS deadline, p.lastReporterId AS lastReporterId,
           EXISTS (SELECT 1 FROM DelayExplanation d
                   WHERE d.planYear = ${plan.year} AND d.activityCode = a.code AND d.createdAt >= ${EFFECTIVE_DEADLINE}) AS explained
    FROM Activity a
    JOIN Objective o ON o.id = a.objectiveId AND o.archivedAt IS NULL
    LEFT JOIN Area ar ON ar.id = o.areaId
    LEFT JOIN ManualDeadline m ON m.planYear = ${plan.year} AND m.activityCode = a.code
    LEFT JOIN Progress p ON p.planYear = ${plan.year} AND p.activityCode = a.code
    WHERE a.planId = ${plan.id} AND a.archivedAt IS NULL
      AND (o.areaId IS NULL OR ar.archivedAt IS NULL)
      AND ${EFFECTIVE_DEADLINE} >= ${earliest} AND ${EFFECTIVE_DEADLINE} <= ${latest}
      AND COALESCE(p.status, '') <> 'completata'${skip}
    ORDER BY ${EFFECTIVE_DEADLINE}, a.code`;
  if (touched.length) {
    rows.push(...(await variedActivities(db, plan, overlay, touched, earliest, latest)));
    rows.sort((x, y) => (x.deadline < y.deadline ? -1 : x.deadline > y.deadline ? 1 : x.code < y.code ? -1 : 1));
  }
  const activities: PlannedActivity[] = rows.map((r) => ({
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
    explained: Number(r.explained) === 1,
  }));

  const headRows = await db.$queryRaw<{ areaCode: string; slackUserId: string }[]>`
    SELECT ua.areaCode AS areaCode, u.slackUserId AS slackUserId
    FROM UserArea ua JOIN User u ON u.slackUserId = ua.slackUserId
    WHERE u.role = 'responsabile' ORDER BY ua.areaCode, u.slackUserId`;
  const heads = new Map<string, string[]>();
  for (const r of headRows) heads.set(r.areaCode, [...(heads.get(r.areaCode) ?? []), r.slackUserId]);

  const users = new Map(
    (await db.user.findMany({ select: { slackUserId: true, name: true } })).map((u) => [u.slackUserId, u.name]),
  );
  const channels = (await db.areaChannel.findMany({ orderBy: { areaCode: "asc" } })).map((c) => ({
    areaCode: c.areaCode,
    channelId: c.channelId,
  }));
  const liveAreas = new Set(
    (await db.area.findMany({ where: { planId: plan.id, archivedAt: null }, select: { code: true } })).map(
      (a) => a.code,
    ),
  );
  const absences = (
    await db.absence.findMany({
      where: { cancelledAt: null, toDay: { gte: window.from }, fromDay: { lte: window.to } },
      orderBy: { id: "asc" },
    })
  ).map((a) => ({ userId: a.slackUserId, from: a.fromDay, to: a.toDay }));
  const snoozes = (
    await db.snooze.findMany({
      where: { planYear: plan.year, untilDay: { gte: addDays(window.from, -SNOOZE_LOOKBACK_DAYS) } },
      orderBy: { id: "asc" },
    })
  ).map((s) => ({
    id: s.id,
    userId: s.slackUserId,
    code: s.activityCode,
    kind: s.kind === "question" ? ("question" as const) : ("reminder" as const),
    until: s.untilDay,
  }));
  const preferences = new Map<string, Preference>(
    (await db.notificationPreference.findMany()).map((p) => [
      p.slackUserId,
      { dmReminders: p.dmReminders, daysBefore: p.daysBefore },
    ]),
  );
  return {
    planYear: plan.year,
    calendar,
    channels: channels.filter((c) => liveAreas.has(c.areaCode)),
    activities,
    heads,
    users,
    absences,
    snoozes,
    preferences,
  };
}

async function preferredDays(db: Db): Promise<number[]> {
  const rows = await db.notificationPreference.findMany({
    where: { daysBefore: { not: null } },
    select: { daysBefore: true },
  });
  return rows.map((r) => r.daysBefore!);
}

/**
 * Delivery keys the planner must treat as done: sent or skipped, or claimed by a live
 * process. Only the plan year's keys and the direct messages of the window's days.
 */
export async function settledDeliveryKeys(
  db: Db,
  planYear: number,
  window: { from: string; to: string },
  now: Date,
  leaseMs: number,
): Promise<Set<string>> {
  const staleBefore = new Date(now.getTime() - leaseMs);
  const rows = await db.$queryRaw<{ key: string }[]>`
    SELECT key FROM Delivery
    WHERE (status IN ('sent', 'skipped') OR (status = 'claimed' AND claimedAt >= ${staleBefore}))
      AND (key LIKE ${`digest:${planYear}:%`} OR key LIKE ${`reminder:${planYear}:%`} OR key LIKE ${`overdue:${planYear}:%`}
           OR key LIKE 'snooze:%' OR (key >= ${`dm:${window.from}`} AND key < ${`dm:${addDays(window.to, 1)}`}))`;
  return new Set(rows.map((r) => r.key));
}

/** The open activities a variation touches, with the deadline and title in force, kept when due within [from, to]. */
async function variedActivities(
  db: Db,
  plan: PlanRef,
  overlay: Awaited<ReturnType<typeof loadOverlay>>,
  touched: string[],
  from: string,
  to: string,
): Promise<ActivityRow[]> {
  const varied = await db.$queryRaw<
    (Omit<ActivityRow, "deadline" | "explained"> & {
      planDeadline: string | null;
      manualDeadline: string | null;
      lastCause: string | null;
    })[]
  >`
    SELECT a.code AS code, a.title AS title, ar.code AS areaCode, ar.name AS areaName,
           a.involvesAllAreas AS involvesAllAreas, a.involvedAreas AS involvedAreas,
           a.deadline AS planDeadline, m.deadline AS manualDeadline, p.lastReporterId AS lastReporterId,
           (SELECT MAX(d.createdAt) FROM DelayExplanation d WHERE d.planYear = ${plan.year} AND d.activityCode = a.code) AS lastCause
    FROM Activity a
    JOIN Objective o ON o.id = a.objectiveId AND o.archivedAt IS NULL
    LEFT JOIN Area ar ON ar.id = o.areaId
    LEFT JOIN ManualDeadline m ON m.planYear = ${plan.year} AND m.activityCode = a.code
    LEFT JOIN Progress p ON p.planYear = ${plan.year} AND p.activityCode = a.code
    WHERE a.planId = ${plan.id} AND a.archivedAt IS NULL AND a.code IN (${Prisma.join(touched)})
      AND (o.areaId IS NULL OR ar.archivedAt IS NULL)
      AND COALESCE(p.status, '') <> 'completata'`;
  const out: ActivityRow[] = [];
  for (const v of varied) {
    if (!overlay.exists("activity", v.code)) continue;
    const d = overlay.activity(
      activityDefinitionOf({
        code: v.code,
        title: v.title,
        indicatorName: "",
        indicatorIndex: null,
        targetText: "",
        targetKind: "text",
        threshold: null,
        comparator: null,
        period: null,
        unit: null,
        qualifier: null,
        deadline: v.planDeadline,
        objectiveCode: "",
      }),
    );
    if (!d) continue;
    const deadline = effectiveDeadline(
      { deadline: d.deadline, deadlineVaried: d.inForce.varied.includes("deadline") },
      v.manualDeadline,
    );
    if (deadline === null || deadline < from || deadline > to) continue;
    const cause = v.lastCause === null ? null : new Date(v.lastCause as unknown as string).toISOString();
    const { planDeadline: _p, manualDeadline: _m, lastCause: _c, ...row } = v;
    out.push({ ...row, title: d.title, deadline, explained: cause !== null && cause >= deadline ? 1 : 0 });
  }
  return out;
}
