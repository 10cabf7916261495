import type { Db, Tx } from "../db/client.ts";
import { addDays, daysBetween } from "../domain/calendar/days.ts";
import {
  BIG_SCOPE,
  DUE_SOON_DAYS,
  DUE_SOON_SHOWN,
  objectivesFromRows,
  OBJECTIVES_SHOWN,
  parseStatusQuery,
  statusArea,
  summarize,
  WORST_OVERDUE_SHOWN,
  type AllAreasStatus,
  type AreaInfo,
  type DeadlineItem,
  type DeadlineRow,
  type ScopeStatus,
  type StatusQuery,
  type StatusResult,
  type StatusScope,
  type TotalsRow,
} from "../domain/status/status.ts";
import {
  addTotals,
  variedInScope,
  variedTotals,
  withVaried,
  withVariedDeadlines,
  type VariedObjectives,
} from "../domain/status/varied.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { variedObjectives } from "../store/varied-objectives.ts";
import { requireActor } from "../domain/permissions.ts";
import { currentPlan } from "../store/plan.ts";
import type { PlanRef } from "../domain/plan/plan.ts";
import { loadActor } from "../store/users.ts";
import {
  latestReports,
  liveAreas,
  manualDeadlineRows,
  objectiveCount,
  objectiveFilter,
  openByDeadline,
  planFilter,
  shownObjectiveRows,
  totalsRows,
} from "../store/status.ts";

/** The scope without the objectives a variation touches (they are summed apart). */
function notVaried(where: Prisma.Sql, varied: VariedObjectives | null): Prisma.Sql {
  return varied?.excludeIds.length ? Prisma.sql`${where} AND o.id NOT IN (${Prisma.join(varied.excludeIds)})` : where;
}

/** /stato as a use case: the status of an area, of the Comune-wide objectives, or of every area. */

type Reader = Db | Tx;

/** The status `/stato <testo>` asks for. Unknown or ambiguous areas throw a UserError listing the areas. */
export async function statusForText(db: Reader, text: string, today: string): Promise<StatusResult> {
  const q = parseStatusQuery(text);
  if (q.scope.kind === "query")
    return { kind: "scope", ...(await areaStatus(db, { year: q.year, areaQuery: q.scope.text, today })) };
  return statusForScope(db, q.scope, { year: q.year, today });
}

/** The same status again (e.g. when "Condividi nel canale" is pressed). */
export async function statusForScope(db: Reader, scope: StatusScope, q: StatusQuery): Promise<StatusResult> {
  switch (scope.kind) {
    case "all":
      return { kind: "all", ...(await allAreasStatus(db, q)) };
    case "ente":
      return { kind: "scope", ...(await enteStatus(db, q)) };
    case "area":
      return { kind: "scope", ...(await areaStatus(db, { ...q, areaQuery: scope.code, exactCode: true })) };
  }
}

export async function areaStatus(
  db: Reader,
  q: StatusQuery & { areaQuery: string; exactCode?: boolean },
): Promise<ScopeStatus> {
  const plan = await currentPlan(db, q.year);
  const areas = await liveAreas(db, plan.id);
  const area = statusArea(plan.year, areas, q.areaQuery, q.exactCode);
  return scopeStatus(db, plan, area, q.today);
}

/** The Comune-wide objectives (performance organizzativa), which belong to no single area. */
export async function enteStatus(db: Reader, q: StatusQuery): Promise<ScopeStatus> {
  const plan = await currentPlan(db, q.year);
  return scopeStatus(db, plan, null, q.today);
}

async function scopeStatus(db: Reader, plan: PlanRef, area: AreaInfo | null, today: string): Promise<ScopeStatus> {
  // The definitions in force today: objectives a variation touches are left out of the
  // SQL (`where`) and summed from their definitions in force (domain/status/varied.ts).
  const varied = await variedObjectives(db, plan, today, { areaId: area?.id ?? null });
  const here = variedInScope(varied, area);
  const all = objectiveFilter(plan, area);
  const where = notVaried(all, varied);
  const totals = addTotals(
    (await totalsRows(db, plan, where, today))[0],
    variedTotals(here, today).get(area?.id ?? null),
  );
  const summary = summarize(area, totals, await manualDeadlineRows(db, plan, where), today);
  const objectives = withVaried(
    objectivesFromRows(await shownObjectiveRows(db, plan, all, OBJECTIVES_SHOWN)),
    varied,
    here,
  );
  const objectiveTotal = objectives.length < OBJECTIVES_SHOWN ? objectives.length : await objectiveCount(db, all);
  const big = summary.activities >= BIG_SCOPE;
  const overdueRange = { from: null, to: today };
  const soonRange = { from: today, to: addDays(today, DUE_SOON_DAYS + 1) };
  const worst = withVariedDeadlines(
    await openByDeadline(db, plan, where, overdueRange, WORST_OVERDUE_SHOWN, big),
    here,
    overdueRange,
    WORST_OVERDUE_SHOWN,
  );
  const soon = withVariedDeadlines(
    await openByDeadline(db, plan, where, soonRange, DUE_SOON_SHOWN, big),
    here,
    soonRange,
    DUE_SOON_SHOWN,
  );
  const item = (r: DeadlineRow): DeadlineItem => ({
    code: r.code,
    title: r.title,
    objectiveCode: r.objectiveCode,
    deadline: r.deadline,
    daysLeft: daysBetween(today, r.deadline),
    status: r.status,
  });
  return {
    scope: area ? { kind: "area", code: area.code } : { kind: "ente" },
    year: plan.year,
    entity: plan.entity,
    today,
    area,
    completion: summary.completion,
    activities: summary.activities,
    completed: summary.completed,
    objectives,
    objectiveTotal,
    overdue: { count: summary.overdue, worst: worst.map(item) },
    dueSoon: { count: summary.dueSoon, days: DUE_SOON_DAYS, items: soon.map(item) },
    latestReports: await latestReports(db, plan, all, big),
  };
}

/** Every area in one pass over the plan, plus the Comune-wide objectives. */
export async function allAreasStatus(db: Reader, q: StatusQuery): Promise<AllAreasStatus> {
  const plan = await currentPlan(db, q.year);
  const areas = await liveAreas(db, plan.id);
  const varied = await variedObjectives(db, plan, q.today);
  const where = notVaried(planFilter(plan), varied);
  const sqlTotals = new Map((await totalsRows(db, plan, where, q.today, true)).map((t) => [t.areaId, t]));
  const extra = variedTotals(variedInScope(varied, "all"), q.today);
  const totals = new Map<number | null, TotalsRow>();
  for (const key of new Set([...sqlTotals.keys(), ...extra.keys()]))
    totals.set(key, addTotals(sqlTotals.get(key), extra.get(key))!);
  const manual = await manualDeadlineRows(db, plan, where);
  const manualOf = (areaId: number | null) => manual.filter((m) => m.areaId === areaId);
  const ente = totals.get(null);
  return {
    year: plan.year,
    entity: plan.entity,
    today: q.today,
    areas: areas.map((a) => summarize(a, totals.get(a.id), manualOf(a.id), q.today)),
    ente: ente ? summarize(null, ente, manualOf(null), q.today) : null,
  };
}

/** `/stato [area|ente] [anno]` for a user: any registered role may read, an unknown user is told who can add them. */
export async function stato(db: Reader, req: { userId: string; text: string; today: string }): Promise<StatusResult> {
  requireActor(await loadActor(db, req.userId), req.userId);
  return statusForText(db, req.text, req.today);
}

/**
 * The status a shared screen showed, computed again now (the numbers may have moved since);
 * null when the button's value names no scope (a stale or forged button).
 */
export async function statoAgain(
  db: Reader,
  req: { userId: string; wanted: { scope: StatusScope; year: number } | null; today: string },
): Promise<StatusResult | null> {
  requireActor(await loadActor(db, req.userId), req.userId);
  if (!req.wanted) return null;
  return statusForScope(db, req.wanted.scope, { year: req.wanted.year, today: req.today });
}
