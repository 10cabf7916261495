import type { Db, Tx } from "../db/client.ts";
import {
  activityDefinitionOf,
  effectiveDeadline,
  PlanOverlay,
  type ActivityInForce,
  type ObjectiveInForce,
  type PlanInForce,
} from "../domain/plan/in-force.ts";
import { loadChanges } from "./variations.ts";

type Reader = Db | Tx;

export type { ActivityInForce, AreaInForce, ObjectiveInForce, PlanInForce } from "../domain/plan/in-force.ts";

/**
 * The whole plan as in force on a day: the adopted rows (one query each) with the year's
 * variations applied by the pure rule. What every computation "as of D" that reads the
 * whole plan starts from (Relazione, monitoring, `piano --al`, the diff of a variation).
 */

export async function loadPlanInForce(
  db: Reader,
  plan: { id: number; year: number },
  day: string,
): Promise<PlanInForce> {
  const [meta, areas, objectives, activities, manual, changes] = await Promise.all([
    db.plan.findUniqueOrThrow({ where: { id: plan.id }, select: { adoptedAct: true, adoptedFrom: true } }),
    db.area.findMany({
      where: { planId: plan.id, archivedAt: null },
      orderBy: { position: "asc" },
      select: { id: true, code: true, name: true, head: true, position: true },
    }),
    db.objective.findMany({
      where: { planId: plan.id, archivedAt: null },
      orderBy: { position: "asc" },
      select: {
        id: true,
        code: true,
        title: true,
        description: true,
        publicValue: true,
        weight: true,
        position: true,
        areaId: true,
      },
    }),
    db.activity.findMany({ where: { planId: plan.id, archivedAt: null }, orderBy: { position: "asc" } }),
    db.manualDeadline.findMany({
      where: { planYear: plan.year },
      select: { activityCode: true, deadline: true, note: true },
    }),
    loadChanges(db, plan.year),
  ]);
  const overlay = new PlanOverlay(changes, day);
  const areaCodeById = new Map(areas.map((a) => [a.id, a.code]));
  const objectiveCodeById = new Map(objectives.map((o) => [o.id, o.code]));
  const inForceObjectives: ObjectiveInForce[] = [];
  for (const o of objectives) {
    const d = overlay.objective({
      code: o.code,
      title: o.title,
      weight: o.weight,
      areaCode: o.areaId == null ? null : (areaCodeById.get(o.areaId) ?? null),
      id: o.id,
      description: o.description,
      publicValue: o.publicValue,
      position: o.position,
    });
    if (d) inForceObjectives.push(d);
  }
  const liveObjectives = new Map(inForceObjectives.map((o) => [o.code, o]));
  const manualByCode = new Map(manual.map((m) => [m.activityCode, m]));
  const inForceActivities: ActivityInForce[] = [];
  for (const a of activities) {
    const objectiveCode = objectiveCodeById.get(a.objectiveId);
    if (objectiveCode === undefined) continue; // its objective was archived
    const adopted = activityDefinitionOf({ ...a, objectiveCode });
    const d = overlay.isTouched("activity", a.code)
      ? overlay.activity(adopted)
      : { ...adopted, inForce: { validFrom: null, act: null, varied: [] } };
    if (!d || !liveObjectives.has(d.objectiveCode)) continue;
    const m = manualByCode.get(a.code);
    const deadlineVaried = d.inForce.varied.includes("deadline");
    const effective = effectiveDeadline({ deadline: d.deadline, deadlineVaried }, m?.deadline);
    inForceActivities.push({
      ...d,
      id: a.id,
      printedCode: a.printedCode,
      position: a.position,
      involved: a.involved,
      involvesAllAreas: a.involvesAllAreas,
      involvedAreas: a.involvedAreas,
      planDeadline: d.deadline,
      effectiveDeadline: effective,
      deadlineSource: deadlineVaried
        ? "variazione"
        : m && effective === m.deadline
          ? "manuale"
          : effective
            ? "piano"
            : null,
      manualNote: m?.note ?? null,
    });
  }
  return {
    planId: plan.id,
    year: plan.year,
    day,
    adoptedAct: meta.adoptedAct,
    adoptedFrom: meta.adoptedFrom ?? `${plan.year}-01-01`,
    areas,
    objectives: inForceObjectives,
    activities: inForceActivities,
    overlay,
  };
}
