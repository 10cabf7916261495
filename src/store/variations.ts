import type { Db, Tx } from "../db/client.ts";
import { PlanOverlay, type ChangeField, type DatedChange, type EntityType } from "../domain/plan/in-force.ts";

type Reader = Db | Tx;

/**
 * The variations of a plan year: few rows (tens in a year), read in ONE query and applied
 * by the pure rule (domain/plan/in-force.ts) to whatever rows the caller has.
 */

interface ChangeRow {
  variationId: number | bigint;
  act: string;
  validFrom: string;
  reason: string;
  entityType: string;
  code: string;
  field: string;
  fromValue: string | null;
  toValue: string | null;
}

const parse = (v: string | null): unknown => (v === null ? null : JSON.parse(v));

/**
 * Variations are append-only, so a year's changes are read once per client and kept until
 * a new one appears (the stamp: how many rows and the highest id). Every hot path asks, so
 * the stamp itself is trusted for a moment (variations come from the CLI, seconds apart);
 * one written by this process invalidates at once.
 */
const STAMP_TRUST_MS = 2_000;
let generation = 0;
const cached = new WeakMap<
  object,
  Map<number, { stamp: string; checkedAt: number; generation: number; changes: DatedChange[] }>
>();

export async function loadChanges(db: Reader, planYear: number): Promise<DatedChange[]> {
  const perDb =
    cached.get(db) ??
    new Map<number, { stamp: string; checkedAt: number; generation: number; changes: DatedChange[] }>();
  cached.set(db, perDb);
  const hit = perDb.get(planYear);
  const now = performance.now();
  if (hit && hit.generation === generation && now - hit.checkedAt < STAMP_TRUST_MS) return hit.changes;
  const [s] = await db.$queryRaw<{ n: bigint | number; m: bigint | number | null }[]>`
    SELECT COUNT(*) AS n, MAX(id) AS m FROM VariationChange WHERE planYear = ${planYear}`;
  const stamp = `${Number(s?.n ?? 0)}:${Number(s?.m ?? 0)}`;
  if (hit && hit.stamp === stamp) {
    hit.checkedAt = now;
    hit.generation = generation;
    return hit.changes;
  }
  const changes = stamp === "0:0" ? [] : await readChanges(db, planYear);
  perDb.set(planYear, { stamp, checkedAt: now, generation, changes });
  return changes;
}

async function readChanges(db: Reader, planYear: number): Promise<DatedChange[]> {
  const rows = await db.$queryRaw<ChangeRow[]>`
    SELECT c.variationId AS variationId, v.act AS act, v.validFrom AS validFrom, v.reason AS reason,
           c.entityType AS entityType, c.code AS code, c.field AS field, c.fromValue AS fromValue, c.toValue AS toValue
    FROM Variation v JOIN VariationChange c ON c.variationId = v.id
    WHERE v.planYear = ${planYear}
    ORDER BY v.validFrom, v.id, c.id`;
  return rows.map((r) => ({
    variationId: Number(r.variationId),
    act: r.act,
    validFrom: r.validFrom,
    reason: r.reason,
    entityType: r.entityType as EntityType,
    code: r.code,
    field: r.field as ChangeField,
    from: parse(r.fromValue),
    to: parse(r.toValue),
  }));
}

export async function loadOverlay(db: Reader, planYear: number, day: string): Promise<PlanOverlay> {
  return new PlanOverlay(await loadChanges(db, planYear), day);
}

/** The changes touching one activity code (a lookup by code needs no more). */
export async function loadActivityOverlay(
  db: Reader,
  planYear: number,
  codes: readonly string[],
  day: string,
): Promise<PlanOverlay> {
  if (codes.length === 0) return new PlanOverlay([], day);
  const all = await loadChanges(db, planYear);
  const wanted = new Set(codes);
  return new PlanOverlay(
    all.filter((c) => c.entityType === "objective" || wanted.has(c.code)),
    day,
  );
}

export interface VariationRecord {
  id: number;
  planYear: number;
  act: string;
  validFrom: string;
  reason: string;
  source: string | null;
  createdAt: Date;
  createdBy: string;
  changes: { entityType: EntityType; code: string; field: ChangeField; from: unknown; to: unknown }[];
}

export async function listVariations(db: Reader, planYear: number): Promise<VariationRecord[]> {
  const rows = await db.variation.findMany({
    where: { planYear },
    orderBy: [{ validFrom: "asc" }, { id: "asc" }],
    include: { changes: { orderBy: { id: "asc" } } },
  });
  return rows.map((v) => ({
    id: v.id,
    planYear: v.planYear,
    act: v.act,
    validFrom: v.validFrom,
    reason: v.reason,
    source: v.source,
    createdAt: v.createdAt,
    createdBy: v.createdBy,
    changes: v.changes.map((c) => ({
      entityType: c.entityType as EntityType,
      code: c.code,
      field: c.field as ChangeField,
      from: parse(c.fromValue),
      to: parse(c.toValue),
    })),
  }));
}

export interface NewVariation {
  planYear: number;
  act: string;
  validFrom: string;
  reason: string;
  source: string | null;
  createdAt: Date;
  createdBy: string;
  changes: { entityType: EntityType; code: string; field: ChangeField; from: unknown; to: unknown }[];
}

/** Writes a variation and its changes inside the caller's transaction. */
/** After a variation's transaction commits: every cached stamp is checked again at once. */
export function noteVariationWritten(): void {
  generation += 1;
}

export async function insertVariation(tx: Tx, v: NewVariation): Promise<number> {
  generation += 1;
  const row = await tx.variation.create({
    data: {
      planYear: v.planYear,
      act: v.act,
      validFrom: v.validFrom,
      reason: v.reason,
      source: v.source,
      createdAt: v.createdAt,
      createdBy: v.createdBy,
    },
  });
  await tx.variationChange.createMany({
    data: v.changes.map((c) => ({
      variationId: row.id,
      planYear: v.planYear,
      entityType: c.entityType,
      code: c.code,
      field: c.field,
      fromValue: JSON.stringify(c.from ?? null),
      toValue: JSON.stringify(c.to ?? null),
    })),
  });
  return row.id;
}

/** Where the entities a variation touches sit: activity -> adopted objective and involvement; objective -> adopted area. */
export async function placesOf(db: Reader, plan: { id: number }, activityCodes: readonly string[]) {
  const [activities, objectives] = await Promise.all([
    activityCodes.length
      ? db.activity.findMany({
          where: { planId: plan.id, code: { in: [...activityCodes] } },
          select: { code: true, involvesAllAreas: true, involvedAreas: true, objective: { select: { code: true } } },
        })
      : Promise.resolve([]),
    db.objective.findMany({ where: { planId: plan.id }, select: { code: true, area: { select: { code: true } } } }),
  ]);
  return {
    activities: new Map(
      activities.map((a) => [
        a.code,
        {
          objectiveCode: a.objective.code,
          involvesAllAreas: a.involvesAllAreas,
          involvedAreas: a.involvedAreas.split(",").filter(Boolean),
        },
      ]),
    ),
    objectives: new Map(objectives.map((o) => [o.code, o.area?.code ?? null])),
  };
}
