import type { Db } from "../db/client.ts";
import { currentPlan } from "./plan-repo.ts";

/** The `piano --json` shape: other tools read it, so names here are a contract. */
export interface PlanJson {
  year: number;
  entity: string;
  areas: { code: string; name: string; head: string | null }[];
  objectives: {
    code: string;
    areaCode: string | null;
    title: string;
    weight: number | null;
    activities: {
      code: string;
      printedCode: string;
      title: string;
      /** The phase's weight inside its objective; null when the document gives none. */
      weight: number | null;
      indicator: {
        name: string;
        kind: string;
        target: string;
        deadline: string | null;
        threshold: number | null;
        period: string | null;
      };
    }[];
  }[];
  anomalies: { kind: string; code: string; message: string }[];
}

/** The live plan (archived parts left out); `deadline` is the one in force (set by hand, else parsed). */
export async function loadPlanJson(db: Db, year?: number): Promise<PlanJson> {
  const ref = await currentPlan(db, year);
  const [areas, objectives, activities, anomalies, manual] = await Promise.all([
    db.area.findMany({ where: { planId: ref.id, archivedAt: null }, orderBy: { position: "asc" } }),
    db.objective.findMany({ where: { planId: ref.id, archivedAt: null }, orderBy: { position: "asc" }, include: { area: true } }),
    db.activity.findMany({ where: { planId: ref.id, archivedAt: null }, orderBy: { position: "asc" } }),
    db.planAnomaly.findMany({ where: { planId: ref.id }, orderBy: { id: "asc" } }),
    db.manualDeadline.findMany({ where: { planYear: ref.year } }),
  ]);
  const manualByCode = new Map(manual.map((m) => [m.activityCode, m.deadline]));
  const byObjective = new Map<number, PlanJson["objectives"][number]["activities"]>();
  for (const a of activities) {
    const list = byObjective.get(a.objectiveId) ?? [];
    list.push({
      code: a.code,
      printedCode: a.printedCode,
      title: a.title,
      weight: a.weight,
      indicator: {
        name: a.indicatorName,
        kind: a.targetKind,
        target: a.targetText,
        deadline: manualByCode.get(a.code) ?? a.deadline,
        threshold: a.threshold,
        period: a.period,
      },
    });
    byObjective.set(a.objectiveId, list);
  }
  return {
    year: ref.year,
    entity: ref.entity,
    areas: areas.map((a) => ({ code: a.code, name: a.name, head: a.head })),
    objectives: objectives.map((o) => ({
      code: o.code,
      areaCode: o.area?.code ?? null,
      title: o.title,
      weight: o.weight,
      activities: byObjective.get(o.id) ?? [],
    })),
    anomalies: anomalies.map((a) => ({ kind: a.kind, code: a.code, message: a.message })),
  };
}
