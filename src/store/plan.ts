import type { Db, Tx } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import type { PlanRef } from "../domain/plan/plan.ts";
import { UserError } from "../errors.ts";
import { loadPlanInForce } from "./plan-definitions.ts";

type Reader = Db | Tx;

/** The plan of that year (the most recent one imported when absent), or null when none is (jobs then have nothing to do). */
export async function planOfYear(db: Reader, year?: number): Promise<PlanRef | null> {
  // Raw SQL: every command asks this first, and the ORM's query compiler costs ~0.3 ms more each time.
  const rows = await db.$queryRaw<
    { id: number; year: number; entity: string; sourceHash: string; importedAt: string }[]
  >`
    SELECT id, year, entity, sourceHash, importedAt FROM "Plan"
    ${year === undefined ? Prisma.empty : Prisma.sql`WHERE year = ${year}`}
    ORDER BY year DESC LIMIT 1`;
  const row = rows[0];
  return row ? { ...row, id: Number(row.id), year: Number(row.year), importedAt: new Date(row.importedAt) } : null;
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
export async function loadPlanJson(
  db: Db,
  year?: number,
  day = LATEST,
  opts: { dated?: boolean } = {},
): Promise<PlanJson> {
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
      weight: a.weight,
      indicator: {
        name: a.indicator.name,
        kind: a.target.kind,
        target: a.target.text,
        deadline: a.effectiveDeadline,
        threshold: a.target.threshold,
        period: a.target.period,
      },
      ...(opts.dated
        ? { validFrom: a.inForce.validFrom ?? p.adoptedFrom, ...(a.inForce.act ? { act: a.inForce.act } : {}) }
        : {}),
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
  return db.area.findMany({
    where: { planId, archivedAt: null },
    orderBy: { position: "asc" },
    select: { code: true, name: true },
  });
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
  return {
    areas,
    objectives,
    activities,
    example: example ? { code: example.code, areaName: example.objective.area?.name ?? null } : null,
  };
}
