import type { Db, Tx } from "../db/client.ts";
import { activityDefinitionOf, effectiveDeadline, type PlanOverlay } from "../domain/plan/in-force.ts";
import type { VariedActivity, VariedObjective, VariedObjectives as VariedObjectivesBase } from "../domain/status/varied.ts";
import { loadOverlay } from "./variations.ts";

export type { VariedActivity, VariedObjective };

type Reader = Db | Tx;

/**
 * The objectives a variation touches (its own fields, or any of its activities'), read
 * whole and put in force on a day by the pure rule. The aggregate SQL of /stato and the
 * digest leaves these objectives out (`excludeIds`) and the callers add them back from
 * here: the big pass stays one query over adopted rows, and the few varied objectives are
 * computed by the same rule as the Relazione. Nothing is read when the year has no variation.
 */

export interface VariedObjectives extends VariedObjectivesBase {
  overlay: PlanOverlay;
}

export async function variedObjectives(db: Reader, plan: { id: number; year: number }, day: string): Promise<VariedObjectives | null> {
  const overlay = await loadOverlay(db, plan.year, day);
  if (overlay.isEmpty) return null;
  const touchedCodes = overlay.touchedActivityCodes;
  const touchedRows = touchedCodes.length
    ? await db.activity.findMany({ where: { planId: plan.id, code: { in: touchedCodes }, archivedAt: null }, select: { code: true, objective: { select: { code: true } } } })
    : [];
  const objectiveCodes = new Set<string>(overlay.touchedObjectiveCodes);
  for (const r of touchedRows) objectiveCodes.add(r.objective.code);
  // Where a variation moves an activity, on any day: both objectives change.
  for (const code of touchedCodes) {
    const moved = overlay.activity(
      activityDefinitionOf({ code, title: "", indicatorName: "", indicatorIndex: null, targetText: "", targetKind: "text", threshold: null, comparator: null, period: null, unit: null, qualifier: null, deadline: null, objectiveCode: "" }),
      { evenIfAbsent: true },
    );
    if (moved?.objectiveCode) objectiveCodes.add(moved.objectiveCode);
  }
  const [objectives, areas] = await Promise.all([
    db.objective.findMany({
      where: { planId: plan.id, code: { in: [...objectiveCodes] }, archivedAt: null },
      select: { id: true, code: true, title: true, weight: true, areaId: true, position: true, area: { select: { code: true } } },
      orderBy: [{ position: "asc" }, { id: "asc" }],
    }),
    db.area.findMany({ where: { planId: plan.id, archivedAt: null }, select: { id: true, code: true } }),
  ]);
  const ids = objectives.map((o) => o.id);
  const activities = await db.activity.findMany({
    where: { planId: plan.id, archivedAt: null, OR: [{ objectiveId: { in: ids } }, { code: { in: touchedCodes } }] },
    orderBy: { position: "asc" },
    include: { objective: { select: { code: true } } },
  });
  const codes = activities.map((a) => a.code);
  const [progress, manual] = await Promise.all([
    db.progress.findMany({ where: { planYear: plan.year, activityCode: { in: codes } } }),
    db.manualDeadline.findMany({ where: { planYear: plan.year, activityCode: { in: codes } }, select: { activityCode: true, deadline: true } }),
  ]);
  const progressBy = new Map(progress.map((p) => [p.activityCode, p]));
  const manualBy = new Map(manual.map((m) => [m.activityCode, m.deadline]));
  const areaIdByCode = new Map(areas.map((a) => [a.code, a.id]));

  const inForce: VariedObjective[] = [];
  const byCode = new Map<string, VariedObjective>();
  for (const o of objectives) {
    const d = overlay.objective({ code: o.code, title: o.title, weight: o.weight, areaCode: o.area?.code ?? null });
    if (!d) continue;
    const v: VariedObjective = {
      id: o.id,
      code: o.code,
      title: d.title,
      weight: d.weight,
      areaCode: d.areaCode,
      areaId: d.areaCode === null ? null : (areaIdByCode.get(d.areaCode) ?? o.areaId),
      position: o.position,
      activities: [],
    };
    inForce.push(v);
    byCode.set(o.code, v);
  }
  for (const a of activities) {
    const d = overlay.activity(activityDefinitionOf({ ...a, objectiveCode: a.objective.code }));
    if (!d) continue;
    const target = byCode.get(d.objectiveCode);
    if (!target) continue;
    const p = progressBy.get(a.code);
    target.activities.push({
      code: a.code,
      title: d.title,
      objectiveCode: d.objectiveCode,
      targetKind: d.target.kind,
      threshold: d.target.threshold,
      period: d.target.period,
      deadline: effectiveDeadline({ deadline: d.deadline, deadlineVaried: d.inForce.varied.includes("deadline") }, manualBy.get(a.code)),
      status: p?.status ?? null,
      percent: p?.percent ?? null,
      count: p?.count ?? null,
      achievedValue: p?.achievedValue ?? null,
      targetText: d.target.text,
      involvesAllAreas: a.involvesAllAreas,
      involvedAreas: a.involvedAreas,
      position: a.position,
    });
  }
  return { excludeIds: ids, excludedCodes: new Set(objectives.map((o) => o.code)), objectives: inForce, overlay };
}
