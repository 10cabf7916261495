import type { Db, Tx } from "../db/client.ts";
import type { PlanRef } from "../domain/plan/plan.ts";
import { UserError } from "../errors.ts";

type Reader = Db | Tx;


/** The plan in force: the given year, or the most recent one imported. */
export async function currentPlan(db: Reader, year?: number): Promise<PlanRef> {
  const plan = await db.plan.findFirst({
    where: year === undefined ? {} : { year },
    orderBy: { year: "desc" },
    select: { id: true, year: true, entity: true, sourceHash: true, importedAt: true },
  });
  if (!plan) {
    throw new UserError(
      "no_plan",
      year === undefined
        ? "Nessun piano caricato: l'amministratore del bot deve importare il Piano della Performance con «npx obiettivi importa <file>»."
        : `Nessun piano caricato per l'anno ${year}: l'amministratore del bot può importarlo con «npx obiettivi importa <file>».`,
    );
  }
  return plan;
}

/** The plan in force, or null when none was imported yet (jobs then have nothing to do). */
export async function planIfAny(db: Reader): Promise<PlanRef | null> {
  try {
    return await currentPlan(db);
  } catch (e) {
    if (e instanceof UserError && e.code === "no_plan") return null;
    throw e;
  }
}


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

/** The live areas of the plan in force, in plan order (users and channels name them). */
export async function planAreas(db: Reader): Promise<{ year: number; areas: { code: string; name: string }[] }> {
  const plan = await currentPlan(db);
  const areas = await db.area.findMany({
    where: { planId: plan.id, archivedAt: null },
    orderBy: { position: "asc" },
    select: { code: true, name: true },
  });
  return { year: plan.year, areas };
}
