import type { Db } from "../db/client.ts";
import { currentPlan } from "./plan-repo.ts";
import { loadPlanInForce } from "../store/plan-definitions.ts";

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
      indicator: {
        name: string;
        kind: string;
        target: string;
        deadline: string | null;
        threshold: number | null;
        period: string | null;
      };
      /** With `--al`: since when this definition is in force, and the act when a variation set it. */
      validFrom?: string;
      act?: string | null;
    }[];
  }[];
  anomalies: { kind: string; code: string; message: string }[];
}

/** No day given: every variation recorded so far applies (the latest definitions). */
const LATEST = "9999-12-31";

/**
 * The plan in force on a day (archived and not-yet-added or stralciate parts left out);
 * `deadline` is the one in force (a variation's, else set by hand, else parsed). With
 * `dated`, each activity also says since when it is in force and, when varied, by which act.
 */
export async function loadPlanJson(db: Db, year?: number, day = LATEST, opts: { dated?: boolean } = {}): Promise<PlanJson> {
  const ref = await currentPlan(db, year);
  const [p, anomalies] = await Promise.all([
    loadPlanInForce(db, ref, day),
    db.planAnomaly.findMany({ where: { planId: ref.id }, orderBy: { id: "asc" } }),
  ]);
  const byObjective = new Map<string, PlanJson["objectives"][number]["activities"]>();
  for (const a of p.activities) {
    const list = byObjective.get(a.objectiveCode) ?? [];
    list.push({
      code: a.code,
      printedCode: a.printedCode,
      title: a.title,
      indicator: {
        name: a.indicator.name,
        kind: a.target.kind,
        target: a.target.text,
        deadline: a.effectiveDeadline,
        threshold: a.target.threshold,
        period: a.target.period,
      },
      ...(opts.dated ? { validFrom: a.inForce.validFrom ?? p.adoptedFrom, ...(a.inForce.act ? { act: a.inForce.act } : {}) } : {}),
    });
    byObjective.set(a.objectiveCode, list);
  }
  return {
    year: ref.year,
    entity: ref.entity,
    areas: p.areas.map((a) => ({ code: a.code, name: a.name, head: a.head })),
    objectives: p.objectives.map((o) => ({
      code: o.code,
      areaCode: o.areaCode,
      title: o.title,
      weight: o.weight,
      activities: byObjective.get(o.code) ?? [],
    })),
    anomalies: anomalies.map((a) => ({ kind: a.kind, code: a.code, message: a.message })),
  };
}
