import type { Db } from "../db/client.ts";
import type { Comparator, Period, TargetKind } from "../domain/plan/targets.ts";
import { currentPlan } from "./plan.ts";
import { loadPlanInForce } from "./plan-definitions.ts";
import type { ParsedPlan } from "../plan-import/parse-piao.ts";

export interface StoredPlan {
  plan: ParsedPlan;
  /** Deadlines set by hand (obiettivi scadenza), by activity code: not part of the plan, they survive imports. */
  manualDeadlines: Map<string, string>;
}

/**
 * The live plan of a year read back into the plan model the readers produce (archived
 * parts left out), so it can be written out again (template) or compared with a new
 * document (preview). The same fields the writer stores, nothing derived.
 */
export async function loadStoredPlan(db: Db, year?: number): Promise<StoredPlan> {
  const ref = await currentPlan(db, year);
  const stored = await db.plan.findUniqueOrThrow({
    where: { id: ref.id },
    include: {
      areas: { where: { archivedAt: null }, orderBy: { position: "asc" } },
      objectives: { where: { archivedAt: null }, orderBy: { position: "asc" }, include: { area: true } },
      activities: { where: { archivedAt: null }, orderBy: { position: "asc" }, include: { objective: true } },
      anomalies: { orderBy: { id: "asc" } },
    },
  });
  const manual = await db.manualDeadline.findMany({ where: { planYear: stored.year } });
  const plan: ParsedPlan = {
    year: stored.year,
    entity: stored.entity,
    sourceName: stored.sourceName,
    areas: stored.areas.map((a) => ({ code: a.code, name: a.name, head: a.head, position: a.position })),
    objectives: stored.objectives.map((o) => ({
      code: o.code,
      areaCode: o.area?.code ?? null,
      title: o.title,
      description: o.description,
      publicValue: o.publicValue,
      weight: o.weight,
      position: o.position,
    })),
    activities: stored.activities
      // An activity whose objective was archived is archived for the reader too.
      .filter((a) => a.objective.archivedAt === null)
      .map((a) => ({
        code: a.code,
        printedCode: a.printedCode,
        objectiveCode: a.objective.code,
        title: a.title,
        description: a.description,
        indicatorName: a.indicatorName,
        indicatorIndex: a.indicatorIndex,
        targetText: a.targetText,
        involved: a.involved,
        involvesAllAreas: a.involvesAllAreas,
        involvedAreaCodes: a.involvedAreas ? a.involvedAreas.split(",") : [],
        position: a.position,
        weight: a.weight,
        target: {
          kind: a.targetKind as TargetKind,
          deadline: a.deadline,
          threshold: a.threshold,
          comparator: a.comparator as Comparator | null,
          period: a.period as Period | null,
          unit: a.unit,
          qualifier: a.qualifier,
          needsManualDate: a.needsManualDate,
        },
      })),
    anomalies: stored.anomalies.map((a) => ({ kind: a.kind, code: a.code, message: a.message })),
  };
  return { plan, manualDeadlines: new Map(manual.map((m) => [m.activityCode, m.deadline])) };
}

/**
 * The plan in force on `day` (domain/plan/in-force.ts; AS_ADOPTED: the plan as adopted) in
 * the same plan model, so the exports write it and `importa` reads it back: varied targets,
 * weights and deadlines, activities and objectives added or removed by a variation. The
 * deadline is the plan's in force (a variation's, else the document's); deadlines set by
 * hand stay apart, as in loadStoredPlan.
 */
export async function loadPlanInForceAsDocument(db: Db, year: number | undefined, day: string): Promise<StoredPlan> {
  const ref = await currentPlan(db, year);
  const [p, meta, anomalies, manual] = await Promise.all([
    loadPlanInForce(db, ref, day),
    db.plan.findUniqueOrThrow({ where: { id: ref.id }, select: { sourceName: true } }),
    db.planAnomaly.findMany({ where: { planId: ref.id }, orderBy: { id: "asc" } }),
    db.manualDeadline.findMany({ where: { planYear: ref.year } }),
  ]);
  const plan: ParsedPlan = {
    year: ref.year,
    entity: ref.entity,
    sourceName: meta.sourceName,
    areas: p.areas.map((a) => ({ code: a.code, name: a.name, head: a.head, position: a.position })),
    objectives: p.objectives.map((o) => ({
      code: o.code,
      areaCode: o.areaCode,
      title: o.title,
      description: o.description,
      publicValue: o.publicValue,
      weight: o.weight,
      position: o.position,
    })),
    activities: p.activities.map((a) => ({
      code: a.code,
      printedCode: a.printedCode,
      objectiveCode: a.objectiveCode,
      title: a.title,
      description: a.description,
      indicatorName: a.indicator.name,
      indicatorIndex: a.indicator.index,
      targetText: a.target.text,
      involved: a.involved,
      involvesAllAreas: a.involvesAllAreas,
      involvedAreaCodes: a.involvedAreas ? a.involvedAreas.split(",") : [],
      position: a.position,
      weight: a.weight,
      target: {
        kind: a.target.kind as TargetKind,
        deadline: a.planDeadline,
        threshold: a.target.threshold,
        comparator: a.target.comparator as Comparator | null,
        period: a.target.period as Period | null,
        unit: a.target.unit,
        qualifier: a.target.qualifier,
        needsManualDate: a.target.needsManualDate,
      },
    })),
    anomalies: anomalies.map((a) => ({ kind: a.kind, code: a.code, message: a.message })),
  };
  return { plan, manualDeadlines: new Map(manual.map((m) => [m.activityCode, m.deadline])) };
}

/** The stored plan of that year, or null when none was imported for it. */
export async function storedPlanOfYear(db: Db, year: number): Promise<StoredPlan | null> {
  const exists = await db.plan.findUnique({ where: { year }, select: { id: true } });
  return exists ? loadStoredPlan(db, year) : null;
}
