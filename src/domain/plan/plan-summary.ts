import type { ParsedPlan, PlanAnomaly } from "../../plan-import/parse-piao.ts";

/** What was understood of a plan document, before anything is written. Pure. */
export interface PlanSummary {
  year: number;
  entity: string;
  sourceName: string;
  areas: { code: string; name: string; head: string | null; objectives: number; activities: number }[];
  /** Comune-wide objectives (performance organizzativa) and their activities. */
  ente: { objectives: number; activities: number };
  totals: { areas: number; objectives: number; activities: number; withWeight: number; activitiesWithWeight: number };
  /** Structural anomalies of the document (dates to set by hand are listed apart). */
  anomalies: PlanAnomaly[];
  /** Targets that are a time but give no date: a deadline must be set by hand. */
  withoutDate: { code: string; target: string }[];
}

export function summarizePlan(p: ParsedPlan): PlanSummary {
  const areaOfObjective = new Map(p.objectives.map((o) => [o.code, o.areaCode]));
  const activitiesOf = (areaCode: string | null) =>
    p.activities.filter((a) => (areaOfObjective.get(a.objectiveCode) ?? null) === areaCode).length;
  return {
    year: p.year,
    entity: p.entity,
    sourceName: p.sourceName,
    areas: p.areas.map((a) => ({
      code: a.code,
      name: a.name,
      head: a.head,
      objectives: p.objectives.filter((o) => o.areaCode === a.code).length,
      activities: activitiesOf(a.code),
    })),
    ente: { objectives: p.objectives.filter((o) => o.areaCode === null).length, activities: activitiesOf(null) },
    totals: {
      areas: p.areas.length,
      objectives: p.objectives.length,
      activities: p.activities.length,
      withWeight: p.objectives.filter((o) => o.weight !== null).length,
      activitiesWithWeight: p.activities.filter((a) => a.weight != null).length,
    },
    anomalies: p.anomalies.filter((a) => a.kind !== "manual_deadline"),
    withoutDate: p.activities
      .filter((a) => a.target.needsManualDate || (a.target.kind === "deadline" && a.target.deadline === null))
      .map((a) => ({ code: a.code, target: a.targetText })),
  };
}
