import { addDays } from "../domain/calendar/days.ts";
import type { Db, Tx } from "../db/client.ts";
import type { AwayPerson, DigestPeople, SilentPerson } from "../domain/digest/digest.ts";
import type { PlanRef } from "../domain/plan/plan.ts";

type Reader = Db | Tx;

interface AwayRow {
  areaCode: string;
  slackUserId: string;
  name: string | null;
  fromDay: string;
  toDay: string;
}

interface SilentRow {
  areaCode: string;
  slackUserId: string;
  name: string | null;
  lastReportAt: string | number | Date | null;
}

/**
 * People in each area's digest: who is away during the digest's week (from today to
 * six days on), and who has open work in the area but no report of theirs (made by them
 * or on their behalf) in the last `notReportedWeeks` weeks.
 */
export async function digestPeople(
  db: Reader,
  plan: PlanRef,
  opts: { today: string; now: Date; notReportedWeeks: number },
): Promise<DigestPeople> {
  const weekEnd = addDays(opts.today, 6);
  const away = await db.$queryRaw<AwayRow[]>`
    SELECT ua.areaCode AS areaCode, u.slackUserId AS slackUserId, u.name AS name, a.fromDay AS fromDay, a.toDay AS toDay
    FROM Absence a JOIN User u ON u.slackUserId = a.slackUserId JOIN UserArea ua ON ua.slackUserId = u.slackUserId
    WHERE a.cancelledAt IS NULL AND a.fromDay <= ${weekEnd} AND a.toDay >= ${opts.today}
    ORDER BY ua.areaCode, a.fromDay, COALESCE(u.name, u.slackUserId)`;
  const cutoff = new Date(opts.now.getTime() - opts.notReportedWeeks * 7 * 86_400_000);
  const silent = await db.$queryRaw<SilentRow[]>`
    WITH openAreas AS (
      SELECT DISTINCT ar.code AS areaCode
      FROM Activity a
      JOIN Objective o ON o.id = a.objectiveId AND o.archivedAt IS NULL
      JOIN Area ar ON ar.id = o.areaId AND ar.archivedAt IS NULL
      LEFT JOIN Progress p ON p.planYear = ${plan.year} AND p.activityCode = a.code
      WHERE a.planId = ${plan.id} AND a.archivedAt IS NULL AND COALESCE(p.status, '') <> 'completata'
    )
    SELECT ua.areaCode AS areaCode, u.slackUserId AS slackUserId, u.name AS name,
           (SELECT MAX(r.createdAt) FROM Report r WHERE r.userId = u.slackUserId AND r.undoneAt IS NULL) AS lastReportAt
    FROM UserArea ua
    JOIN User u ON u.slackUserId = ua.slackUserId AND u.role IN ('dipendente', 'responsabile')
    JOIN openAreas oa ON oa.areaCode = ua.areaCode
    ORDER BY ua.areaCode, COALESCE(u.name, u.slackUserId)`;
  const out: DigestPeople = new Map();
  const entry = (area: string) => {
    const found = out.get(area);
    if (found) return found;
    const e = { away: [] as AwayPerson[], notReported: { weeks: opts.notReportedWeeks, people: [] as SilentPerson[] } };
    out.set(area, e);
    return e;
  };
  for (const r of away)
    entry(r.areaCode).away.push({ slackUserId: r.slackUserId, name: r.name, from: r.fromDay, to: r.toDay });
  for (const r of silent) {
    const last =
      r.lastReportAt === null
        ? null
        : new Date(
            typeof r.lastReportAt === "string" && /^\d+$/.test(r.lastReportAt)
              ? Number(r.lastReportAt)
              : r.lastReportAt,
          );
    if (last && last >= cutoff) continue;
    entry(r.areaCode).notReported.people.push({ slackUserId: r.slackUserId, name: r.name, lastReportAt: last });
  }
  return out;
}
