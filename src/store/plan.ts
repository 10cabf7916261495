import type { Db, Tx } from "../db/client.ts";
import type { PlanRef } from "../domain/plan/plan.ts";
import { UserError } from "../errors.ts";
import { effectiveDeadline } from "../domain/plan/deadline.ts";

type Reader = Db | Tx;


/** The plan of that year (the most recent one imported when absent), or null when none is (jobs then have nothing to do). */
export async function planOfYear(db: Reader, year?: number): Promise<PlanRef | null> {
  return db.plan.findFirst({
    where: year === undefined ? {} : { year },
    orderBy: { year: "desc" },
    select: { id: true, year: true, entity: true, sourceHash: true, importedAt: true },
  });
}

/** The plan in force: the given year, or the most recent one imported. The one way to find it. */
export async function currentPlan(db: Reader, year?: number): Promise<PlanRef> {
  const plan = await planOfYear(db, year);
  if (!plan) throw new UserError({ code: "no_plan", year });
  return plan;
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
  const manualByCode = new Map(manual.map((m) => [m.activityCode, m]));
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
        deadline: effectiveDeadline(a, manualByCode.get(a.code)),
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
  return { year: plan.year, areas: await liveAreasOf(db, plan.id) };
}

/** Whether any plan was ever imported (the demo plan is loaded only on an empty database). */
export async function hasAnyPlan(db: Reader): Promise<boolean> {
  return (await db.plan.count()) > 0;
}

/** The live areas of a plan, in plan order. */
export async function liveAreasOf(db: Reader, planId: number): Promise<{ code: string; name: string }[]> {
  return db.area.findMany({ where: { planId, archivedAt: null }, orderBy: { position: "asc" }, select: { code: true, name: true } });
}

/** What the console's greeting says about the plan: its size and an activity to try. */
export async function planOverview(db: Reader, plan: PlanRef) {
  const [areas, objectives, activities] = await Promise.all([
    liveAreasOf(db, plan.id),
    db.objective.count({ where: { planId: plan.id, archivedAt: null } }),
    db.activity.count({ where: { planId: plan.id, archivedAt: null } }),
  ]);
  const example = await db.activity.findFirst({
    where: { planId: plan.id, archivedAt: null, objective: { areaId: { not: null }, archivedAt: null } },
    orderBy: [{ objective: { area: { position: "asc" } } }, { objective: { position: "asc" } }, { position: "asc" }],
    select: { code: true, objective: { select: { area: { select: { name: true } } } } },
  });
  return { areas, objectives, activities, example: example ? { code: example.code, areaName: example.objective.area?.name ?? null } : null };
}

/** The live plan with its areas, objectives, activities and anomalies (the CSV export), and its deadlines set by hand. */
export async function livePlanTree(db: Reader, year?: number) {
  const ref = await currentPlan(db, year);
  const plan = await db.plan.findUniqueOrThrow({
    where: { id: ref.id },
    include: {
      areas: { where: { archivedAt: null }, orderBy: { position: "asc" } },
      objectives: { where: { archivedAt: null }, orderBy: { position: "asc" }, include: { area: true } },
      activities: { where: { archivedAt: null }, orderBy: { position: "asc" } },
      anomalies: { orderBy: { id: "asc" } },
    },
  });
  const manual = new Map(
    (await db.manualDeadline.findMany({ where: { planYear: plan.year } })).map((m) => [m.activityCode, m.deadline]),
  );
  return { plan, manual };
}
