import type { KnownBlock } from "@slack/types";
import type { Db } from "../db/client.ts";
import type { PlanRef } from "../domain/plan/plan.ts";
import type { JobDeps } from "./digest.ts";
import { claimDelivery, DELIVERY_LEASE_MS, markFailed, markSent, settledKeys } from "./delivery.ts";
import { postMessage, slackErrorReason } from "./slack-post.ts";

/** What the reminder and the overdue jobs share: which activities, who hears about them, and sending each once. */

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
           COALESCE(m.deadline, a.deadline) AS deadline, p.lastReporterId AS lastReporterId
    FROM Activity a
    JOIN Objective o ON o.id = a.objectiveId AND o.archivedAt IS NULL
    LEFT JOIN Area ar ON ar.id = o.areaId
    LEFT JOIN ManualDeadline m ON m.planYear = ${plan.year} AND m.activityCode = a.code
    LEFT JOIN Progress p ON p.planYear = ${plan.year} AND p.activityCode = a.code
    WHERE a.planId = ${plan.id} AND a.archivedAt IS NULL
      AND (o.areaId IS NULL OR ar.archivedAt IS NULL)
      AND COALESCE(m.deadline, a.deadline) >= ${from} AND COALESCE(m.deadline, a.deadline) <= ${to}
      AND COALESCE(p.status, '') <> 'completata'
      AND (${opts.unexplainedOnly ? 1 : 0} = 0 OR NOT EXISTS (
        SELECT 1 FROM DelayExplanation d
        WHERE d.planYear = ${plan.year} AND d.activityCode = a.code AND d.createdAt >= COALESCE(m.deadline, a.deadline)))
    ORDER BY COALESCE(m.deadline, a.deadline), a.code`;
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

/** The heads of the activity's area; for a Comune-wide one, the heads of every area it involves. */
export function headsOf(a: NoticeActivity, heads: Map<string, string[]>): string[] {
  const areas = a.areaCode !== null ? [a.areaCode] : a.involvesAllAreas ? [...heads.keys()] : a.involvedAreas;
  return [...new Set(areas.flatMap((c) => heads.get(c) ?? []))];
}

export interface Notice {
  key: string;
  kind: string;
  userId: string;
  message: { text: string; blocks: KnownBlock[] };
}

export interface NoticeResult {
  sent: string[];
  failed: string[];
  settled: string[];
}

/** Sends each notice once (claim, post, mark); one failing recipient never stops the others. */
export async function sendNotices(deps: JobDeps, notices: Notice[]): Promise<NoticeResult> {
  const { db, log, now } = deps;
  const result: NoticeResult = { sent: [], failed: [], settled: [] };
  const leaseMs = deps.leaseMs ?? DELIVERY_LEASE_MS;
  const settled = await settledKeys(db, notices.map((n) => n.key), now, leaseMs);
  for (const n of notices) {
    if (settled.has(n.key)) {
      result.settled.push(n.key);
      continue;
    }
    const claim = await claimDelivery(db, { key: n.key, kind: n.kind, target: n.userId, now, leaseMs });
    if (!claim) {
      result.settled.push(n.key);
      continue;
    }
    try {
      const posted = await postMessage({ client: deps.client, log, sleep: deps.sleep }, { channel: n.userId, ...n.message });
      if (!(await markSent(db, claim, now, posted.ts, { kind: n.kind, target: n.userId }))) {
        log.warn({ key: n.key }, "messaggio inviato, ma un altro processo ha ripreso l'invio dopo la scadenza del lease: possibile doppione");
      }
      result.sent.push(n.key);
    } catch (e) {
      const reason = slackErrorReason(e);
      await markFailed(db, claim, reason);
      result.failed.push(n.key);
      log.error({ key: n.key, user: n.userId, reason }, "messaggio diretto non inviato: riprovo alla prossima esecuzione");
    }
  }
  return result;
}
