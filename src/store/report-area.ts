import type { Db, Tx } from "../db/client.ts";
import type { ReportForFold } from "../domain/scoring/evaluation.ts";
import { UserError } from "../errors.ts";

/**
 * The area a report on a Comune-wide activity is measured for: the one given (`--area`),
 * else the reporter's own area when he has exactly one among those the activity involves.
 * Activities of an area carry none: their area is already their objective's.
 */
export async function reportAreaFor(
  tx: Tx,
  input: { planYear: number; activityCode: string; userId: string; areaCode?: string | null },
): Promise<string | null> {
  const activity = await tx.activity.findFirst({
    where: { code: input.activityCode, archivedAt: null, plan: { year: input.planYear } },
    select: { planId: true, involvesAllAreas: true, involvedAreas: true, objective: { select: { areaId: true } } },
  });
  if (!activity) return null;
  const explicit = input.areaCode?.trim() || null;
  if (activity.objective.areaId != null) {
    if (explicit) {
      throw new UserError({ code: "area_not_comune_wide", activityCode: input.activityCode });
    }
    return null;
  }
  const areas = await tx.area.findMany({
    where: { planId: activity.planId, archivedAt: null },
    select: { code: true },
  });
  const inPlan = new Set(areas.map((a) => a.code));
  if (explicit) {
    const code = inPlan.has(explicit)
      ? explicit
      : inPlan.has(explicit.padStart(2, "0"))
        ? explicit.padStart(2, "0")
        : null;
    if (!code)
      throw new UserError({ code: "report_area_unknown", area: explicit, year: input.planYear, areas: [...inPlan] });
    return code;
  }
  const involved =
    activity.involvesAllAreas || !activity.involvedAreas
      ? null
      : new Set(activity.involvedAreas.split(",").filter(Boolean));
  const own = (await tx.userArea.findMany({ where: { slackUserId: input.userId }, select: { areaCode: true } }))
    .map((u) => u.areaCode)
    .filter((c) => inPlan.has(c) && (!involved || involved.has(c)));
  return own.length === 1 ? own[0]! : null;
}

export interface AreaReport extends ReportForFold {
  activityCode: string;
  areaCode: string | null;
}

/** The reports made before `cutoff` on these activities that carry an area, oldest first. */
export async function reportsWithArea(
  db: Db | Tx,
  planYear: number,
  codes: string[],
  cutoff: Date,
): Promise<AreaReport[]> {
  if (!codes.length) return [];
  return db.report.findMany({
    where: { planYear, activityCode: { in: codes }, createdAt: { lt: cutoff }, areaCode: { not: null } },
    select: {
      id: true,
      activityCode: true,
      areaCode: true,
      kind: true,
      status: true,
      value: true,
      occurredOn: true,
      note: true,
      userId: true,
      createdAt: true,
      undoneAt: true,
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
}
