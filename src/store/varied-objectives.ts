import type { Db, Tx } from "../db/client.ts";
import { activityDefinitionOf, effectiveDeadline, PlanOverlay, type DatedChange } from "../domain/plan/in-force.ts";
import type {
  VariedActivity,
  VariedObjective,
  VariedObjectives as VariedObjectivesBase,
} from "../domain/status/varied.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { loadChanges } from "./variations.ts";

export type { VariedActivity, VariedObjective };

type Reader = Db | Tx;

/**
 * The objectives a variation touches (its own fields, or any of its activities'), read
 * whole and put in force on a day by the pure rule. The aggregate SQL of /stato, the
 * digest and the App Home leaves these objectives out (`excludeIds`) and the callers add
 * them back from here: the big pass stays one query over adopted rows, and the few varied
 * objectives are computed by the same rule as the Relazione. Nothing is read when the year
 * has no variation. Raw SQL with joins (no IN-lists of activity codes: Prisma caps the
 * parameters of its own queries).
 */

export interface VariedObjectives extends VariedObjectivesBase {
  overlay: PlanOverlay;
}

interface ObjectiveRow {
  id: number | bigint;
  code: string;
  title: string;
  weight: number | null;
  areaId: number | bigint | null;
  areaCode: string | null;
  position: number | bigint;
}

interface ActivityRow {
  code: string;
  title: string;
  indicatorName: string;
  indicatorIndex: string | null;
  targetText: string;
  targetKind: string;
  threshold: number | null;
  comparator: string | null;
  period: string | null;
  unit: string | null;
  qualifier: string | null;
  needsManualDate: number | bigint | boolean;
  deadline: string | null;
  involvesAllAreas: number | bigint | boolean;
  involvedAreas: string;
  position: number | bigint;
  objectiveId: number | bigint;
  objectiveCode: string;
  status: string | null;
  percent: number | null;
  count: number | null;
  achievedValue: number | null;
  manualDeadline: string | null;
}

const EMPTY_DEF = {
  title: "",
  indicatorName: "",
  indicatorIndex: null,
  targetText: "",
  targetKind: "text",
  threshold: null,
  comparator: null,
  period: null,
  unit: null,
  qualifier: null,
  deadline: null,
};

interface Places {
  adoptedOf: { code: string; objectiveCode: string }[];
  objectives: ObjectiveRow[];
}

/** Adopted rows change only with an import, the changes only when one is added: kept per (changes, plan version). */
const placesCache = new WeakMap<object, Map<string, Places>>();

async function touchedPlaces(
  db: Reader,
  plan: { id: number; year: number; importedAt?: Date },
  changes: readonly DatedChange[],
  overlay: PlanOverlay,
  touchedCodes: string[],
): Promise<Places> {
  const key = plan.importedAt ? `${plan.id}:${plan.importedAt.getTime()}` : null;
  const hit = key ? placesCache.get(changes)?.get(key) : undefined;
  if (hit) return hit;
  const adoptedOf = touchedCodes.length
    ? await db.$queryRaw<{ code: string; objectiveCode: string }[]>`
        SELECT a.code AS code, o.code AS objectiveCode FROM Activity a JOIN Objective o ON o.id = a.objectiveId
        WHERE a.planId = ${plan.id} AND a.archivedAt IS NULL AND a.code IN (${Prisma.join(touchedCodes)})`
    : [];
  const objectiveCodes = new Set<string>(overlay.touchedObjectiveCodes);
  for (const r of adoptedOf) {
    objectiveCodes.add(r.objectiveCode);
    // Where a variation moves an activity, on any day: both objectives change.
    const moved = overlay.activity(
      activityDefinitionOf({ ...EMPTY_DEF, code: r.code, objectiveCode: r.objectiveCode }),
      { evenIfAbsent: true },
    );
    if (moved) objectiveCodes.add(moved.objectiveCode);
  }
  for (const c of changes)
    if (c.entityType === "activity" && c.field === "objective" && typeof c.to === "string") objectiveCodes.add(c.to);
  const objectives = objectiveCodes.size
    ? await db.$queryRaw<ObjectiveRow[]>`
        SELECT o.id AS id, o.code AS code, o.title AS title, o.weight AS weight, o.areaId AS areaId, ar.code AS areaCode, o.position AS position
        FROM Objective o LEFT JOIN Area ar ON ar.id = o.areaId
        WHERE o.planId = ${plan.id} AND o.archivedAt IS NULL AND o.code IN (${Prisma.join([...objectiveCodes])})
        ORDER BY o.position, o.id`
    : [];
  const places = { adoptedOf, objectives };
  if (key) {
    const perChanges = placesCache.get(changes) ?? new Map<string, Places>();
    perChanges.set(key, places);
    placesCache.set(changes, perChanges);
  }
  return places;
}

/**
 * `scope`: the area whose objectives (in force on the day) are wanted with their
 * activities, null for the Comune-wide ones, "all" for every one. `excludeIds` always
 * lists every touched objective, whatever the scope.
 */
export async function variedObjectives(
  db: Reader,
  plan: { id: number; year: number; importedAt?: Date },
  day: string,
  scope: { areaId: number | null } | "all" = "all",
): Promise<VariedObjectives | null> {
  const changes = await loadChanges(db, plan.year);
  if (!changes.length) return null;
  const overlay = new PlanOverlay(changes, day);
  const touchedCodes = overlay.touchedActivityCodes;
  const { adoptedOf, objectives } = await touchedPlaces(db, plan, changes, overlay, touchedCodes);
  const areaIdByCode = new Map<string, number>();
  for (const o of objectives)
    if (o.areaCode !== null && o.areaId !== null) areaIdByCode.set(o.areaCode, Number(o.areaId));
  const missingAreas = new Set<string>();

  const inForce: VariedObjective[] = [];
  const byCode = new Map<string, VariedObjective>();
  for (const o of objectives) {
    const d = overlay.objective({ code: o.code, title: o.title, weight: o.weight, areaCode: o.areaCode });
    if (!d) continue;
    if (d.areaCode !== null && !areaIdByCode.has(d.areaCode)) missingAreas.add(d.areaCode);
    const v: VariedObjective = {
      id: Number(o.id),
      code: o.code,
      title: d.title,
      weight: d.weight,
      areaCode: d.areaCode,
      areaId: null,
      position: Number(o.position),
      activities: [],
    };
    inForce.push(v);
    byCode.set(o.code, v);
  }
  if (missingAreas.size) {
    for (const a of await db.area.findMany({
      where: { planId: plan.id, code: { in: [...missingAreas] } },
      select: { id: true, code: true },
    }))
      areaIdByCode.set(a.code, a.id);
  }
  for (const v of inForce) v.areaId = v.areaCode === null ? null : (areaIdByCode.get(v.areaCode) ?? null);

  // Only the objectives of the scope need their activities (plus any activity a variation moves).
  const wanted = inForce.filter((o) => scope === "all" || o.areaId === scope.areaId);
  const ids = wanted.map((o) => o.id);
  // Touched activities outside those objectives matter only when a variation moves them in.
  const wantedCodes = new Set(wanted.map((o) => o.code));
  const adoptedObjective = new Map(adoptedOf.map((r) => [r.code, r.objectiveCode]));
  const movers = touchedCodes.filter(
    (c) => !wantedCodes.has(adoptedObjective.get(c) ?? "") && overlay.movesObjective(c),
  );
  const touched = movers.length ? Prisma.join(movers) : null;
  if (ids.length || touched) {
    // A UNION of two index lookups: with "objectiveId IN … OR code IN …" SQLite scans the plan.
    const byObjective = ids.length
      ? Prisma.sql`SELECT id FROM Activity WHERE objectiveId IN (${Prisma.join(ids)})`
      : Prisma.empty;
    const byTouched = touched
      ? Prisma.sql`SELECT id FROM Activity WHERE planId = ${plan.id} AND code IN (${touched})`
      : Prisma.empty;
    const rows = await db.$queryRaw<ActivityRow[]>`
      SELECT a.code AS code, a.title AS title, a.indicatorName AS indicatorName, a.indicatorIndex AS indicatorIndex,
             a.targetText AS targetText, a.targetKind AS targetKind, a.threshold AS threshold, a.comparator AS comparator,
             a.period AS period, a.unit AS unit, a.qualifier AS qualifier, a.needsManualDate AS needsManualDate,
             a.deadline AS deadline, a.involvesAllAreas AS involvesAllAreas, a.involvedAreas AS involvedAreas, a.position AS position,
             a.objectiveId AS objectiveId, o.code AS objectiveCode,
             p.status AS status, p.percent AS percent, p.count AS count, p.achievedValue AS achievedValue, m.deadline AS manualDeadline
      FROM Activity a
      JOIN Objective o ON o.id = a.objectiveId
      LEFT JOIN Progress p ON p.planYear = ${plan.year} AND p.activityCode = a.code
      LEFT JOIN ManualDeadline m ON m.planYear = ${plan.year} AND m.activityCode = a.code
      WHERE a.id IN (${byObjective}${ids.length && touched ? Prisma.sql` UNION ` : Prisma.empty}${byTouched})
        AND a.archivedAt IS NULL
      ORDER BY a.position`;
    for (const a of rows) {
      const d = overlay.activity(
        activityDefinitionOf({
          ...a,
          threshold: a.threshold === null ? null : Number(a.threshold),
          needsManualDate: Boolean(Number(a.needsManualDate)),
        }),
      );
      if (!d || !wantedCodes.has(d.objectiveCode)) continue;
      byCode.get(d.objectiveCode)!.activities.push({
        code: a.code,
        title: d.title,
        objectiveCode: d.objectiveCode,
        targetKind: d.target.kind,
        threshold: d.target.threshold,
        period: d.target.period,
        qualifier: d.target.qualifier,
        deadline: effectiveDeadline(
          { deadline: d.deadline, deadlineVaried: d.inForce.varied.includes("deadline") },
          a.manualDeadline,
        ),
        status: a.status,
        percent: a.percent,
        count: a.count,
        achievedValue: a.achievedValue,
        targetText: d.target.text,
        involvesAllAreas: Boolean(Number(a.involvesAllAreas)),
        involvedAreas: a.involvedAreas,
        position: Number(a.position),
      });
    }
  }
  return {
    excludeIds: objectives.map((o) => Number(o.id)),
    excludedCodes: new Set(objectives.map((o) => o.code)),
    objectives: scope === "all" ? inForce : wanted,
    overlay,
  };
}
