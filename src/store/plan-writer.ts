import Database from "better-sqlite3";
import { databaseFileOf, type Db } from "../db/client.ts";
import { UserError } from "../errors.ts";
import type { ImportOptions, ImportResult } from "../plan-import/import-plan.ts";
import type { ParsedPlan } from "../plan-import/parse-piao.ts";

/**
 * The bulk plan writer: the one place that writes through better-sqlite3 (see
 * docs/decisions/0004-bulk-plan-import.md). On its own connection, in one BEGIN IMMEDIATE
 * transaction: the plan, its areas, objectives and activities synchronised by code, the
 * anomalies, and the audit row.
 */

type ActivityRow = {
  objectiveCode: string;
  code: string;
  printedCode: string;
  title: string;
  description: string;
  position: number;
  indicatorName: string;
  indicatorIndex: string | null;
  targetText: string;
  targetKind: string;
  deadline: string | null;
  threshold: number | null;
  comparator: string | null;
  period: string | null;
  unit: string | null;
  qualifier: string | null;
  needsManualDate: boolean;
  involved: string | null;
  involvesAllAreas: boolean;
  involvedAreas: string;
  weight: number | null;
};

const ACTIVITY_FIELDS = [
  "printedCode",
  "title",
  "description",
  "position",
  "indicatorName",
  "indicatorIndex",
  "targetText",
  "targetKind",
  "deadline",
  "threshold",
  "comparator",
  "period",
  "unit",
  "qualifier",
  "needsManualDate",
  "involved",
  "involvesAllAreas",
  "involvedAreas",
  "weight",
] as const;

export function activityRow(a: ParsedPlan["activities"][number]): ActivityRow {
  return {
    objectiveCode: a.objectiveCode,
    code: a.code,
    printedCode: a.printedCode,
    title: a.title,
    description: a.description,
    position: a.position,
    indicatorName: a.indicatorName,
    indicatorIndex: a.indicatorIndex,
    targetText: a.targetText,
    targetKind: a.target.kind,
    deadline: a.target.deadline,
    threshold: a.target.threshold,
    comparator: a.target.comparator,
    period: a.target.period,
    unit: a.target.unit,
    qualifier: a.target.qualifier,
    needsManualDate: a.target.needsManualDate,
    involved: a.involved,
    involvesAllAreas: a.involvesAllAreas,
    involvedAreas: a.involvedAreaCodes.join(","),
    weight: a.weight ?? null,
  };
}

/** Prisma's text encoding of DateTime in SQLite, so rows written here read back through Prisma. */
const sqlTime = (d: Date) => d.toISOString().replace("Z", "+00:00");
const sqlBool = (b: boolean) => (b ? 1 : 0);

type PlanBase = Omit<ImportResult, "planId" | "unchanged" | "created" | "updated" | "archived" | "restored">;

export function writePlan(db: Db, parsed: ParsedPlan, hash: string, base: PlanBase, opts: ImportOptions): ImportResult {
  const sql = new Database(databaseFileOf(db), { timeout: 10_000 });
  try {
    sql.pragma("foreign_keys = ON");
    const write = sql.transaction(() => {
      const existing = sql
        .prepare(`SELECT id, sourceName, sourceHash, importedAt FROM Plan WHERE year = ?`)
        .get(parsed.year) as { id: number; sourceName: string; sourceHash: string; importedAt: string } | undefined;
      // The SMVP criteria a document lists are kept on the plan, even when its activities are unchanged;
      // a reader that cannot see criteria (the CSV export) leaves the ones already stored.
      const keepCriteria = (planId: number) => {
        if (!parsed.behaviourCriteria) return;
        sql
          .prepare(`UPDATE Plan SET behaviourCriteria = ? WHERE id = ?`)
          .run(parsed.behaviourCriteria.length ? JSON.stringify(parsed.behaviourCriteria) : null, planId);
      };
      if (existing && existing.sourceHash === hash) {
        keepCriteria(existing.id);
        return { ...base, planId: existing.id, unchanged: true, created: [], updated: [], archived: [], restored: [] };
      }
      const now = sqlTime(opts.now);
      let planId: number;
      if (existing) {
        sql
          .prepare(
            `UPDATE Plan SET entity = ?, sourceName = ?, sourceHash = ?, importedAt = ?, adoptedAct = COALESCE(adoptedAct, ?), adoptedFrom = COALESCE(adoptedFrom, ?) WHERE id = ?`,
          )
          .run(
            parsed.entity,
            parsed.sourceName,
            hash,
            now,
            opts.adoptedAct ?? null,
            opts.adoptedFrom ?? null,
            existing.id,
          );
        planId = existing.id;
      } else {
        planId = Number(
          sql
            .prepare(
              `INSERT INTO Plan (year, entity, sourceName, sourceHash, importedAt, adoptedAct, adoptedFrom) VALUES (?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(
              parsed.year,
              parsed.entity,
              parsed.sourceName,
              hash,
              now,
              opts.adoptedAct ?? null,
              opts.adoptedFrom ?? null,
            ).lastInsertRowid,
        );
      }
      keepCriteria(planId);
      const areaIds = syncAreas(sql, planId, parsed, now);
      const objectiveIds = syncObjectives(sql, planId, parsed, areaIds, now);
      const changes = syncActivities(sql, planId, parsed, objectiveIds, now);

      sql.prepare(`DELETE FROM PlanAnomaly WHERE planId = ?`).run(planId);
      const addAnomaly = sql.prepare(`INSERT INTO PlanAnomaly (planId, kind, code, message) VALUES (?, ?, ?, ?)`);
      for (const a of parsed.anomalies) addAnomaly.run(planId, a.kind, a.code, a.message);

      sql
        .prepare(
          `INSERT INTO AuditEntry (at, actor, action, entityType, entityKey, before, after) VALUES (?, ?, 'plan_import', 'plan', ?, ?, ?)`,
        )
        .run(
          now,
          opts.actor,
          String(parsed.year),
          existing
            ? JSON.stringify({
                sourceName: existing.sourceName,
                sourceHash: existing.sourceHash,
                importedAt: existing.importedAt,
              })
            : null,
          JSON.stringify({
            sourceName: parsed.sourceName,
            sourceHash: hash,
            counts: base.counts,
            created: changes.created.length,
            updated: changes.updated,
            archived: changes.archived,
            restored: changes.restored,
          }),
        );
      const hadVariations = existing
        ? sql.prepare(`SELECT 1 FROM Variation WHERE planYear = ? LIMIT 1`).get(parsed.year) !== undefined
        : false;
      return { ...base, planId, unchanged: false, ...changes, hadVariations };
    });
    return write.immediate();
  } finally {
    sql.close();
  }
}

type Sql = Database.Database;

function syncAreas(sql: Sql, planId: number, parsed: ParsedPlan, now: string): Map<string, number> {
  const rows = sql
    .prepare(`SELECT id, code, name, head, position, archivedAt FROM Area WHERE planId = ?`)
    .all(planId) as {
    id: number;
    code: string;
    name: string;
    head: string | null;
    position: number;
    archivedAt: string | null;
  }[];
  const stored = new Map(rows.map((a) => [a.code, a]));
  const insert = sql.prepare(`INSERT INTO Area (planId, code, name, head, position) VALUES (?, ?, ?, ?, ?)`);
  const update = sql.prepare(`UPDATE Area SET name = ?, head = ?, position = ?, archivedAt = NULL WHERE id = ?`);
  const ids = new Map<string, number>();
  for (const a of parsed.areas) {
    const old = stored.get(a.code);
    if (!old) {
      ids.set(a.code, Number(insert.run(planId, a.code, a.name, a.head, a.position).lastInsertRowid));
      continue;
    }
    if (old.name !== a.name || old.head !== a.head || old.position !== a.position || old.archivedAt)
      update.run(a.name, a.head, a.position, old.id);
    ids.set(a.code, old.id);
  }
  const archive = sql.prepare(`UPDATE Area SET archivedAt = ? WHERE id = ?`);
  for (const [code, old] of stored) if (!ids.has(code) && !old.archivedAt) archive.run(now, old.id);
  return ids;
}

function syncObjectives(
  sql: Sql,
  planId: number,
  parsed: ParsedPlan,
  areaIds: Map<string, number>,
  now: string,
): Map<string, number> {
  const rows = sql
    .prepare(
      `SELECT id, code, areaId, title, description, publicValue, weight, position, archivedAt FROM Objective WHERE planId = ?`,
    )
    .all(planId) as {
    id: number;
    code: string;
    areaId: number | null;
    title: string;
    description: string;
    publicValue: string;
    weight: number | null;
    position: number;
    archivedAt: string | null;
  }[];
  const stored = new Map(rows.map((o) => [o.code, o]));
  const insert = sql.prepare(
    `INSERT INTO Objective (planId, areaId, code, title, description, publicValue, weight, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const update = sql.prepare(
    `UPDATE Objective SET areaId = ?, title = ?, description = ?, publicValue = ?, weight = ?, position = ?, archivedAt = NULL WHERE id = ?`,
  );
  const ids = new Map<string, number>();
  for (const o of parsed.objectives) {
    const areaId = o.areaCode === null ? null : areaIds.get(o.areaCode);
    if (areaId === undefined)
      throw new UserError({
        code: "plan_inconsistent",
        detail: `L'obiettivo ${o.code} indica l'area ${o.areaCode}, che il piano non contiene.`,
      });
    const old = stored.get(o.code);
    if (!old) {
      ids.set(
        o.code,
        Number(
          insert.run(planId, areaId, o.code, o.title, o.description, o.publicValue, o.weight, o.position)
            .lastInsertRowid,
        ),
      );
      continue;
    }
    ids.set(o.code, old.id);
    const same =
      old.areaId === areaId &&
      old.title === o.title &&
      old.description === o.description &&
      old.publicValue === o.publicValue &&
      old.weight === o.weight &&
      old.position === o.position &&
      !old.archivedAt;
    if (!same) update.run(areaId, o.title, o.description, o.publicValue, o.weight, o.position, old.id);
  }
  const archive = sql.prepare(`UPDATE Objective SET archivedAt = ? WHERE id = ?`);
  for (const [code, old] of stored) if (!ids.has(code) && !old.archivedAt) archive.run(now, old.id);
  return ids;
}

function syncActivities(sql: Sql, planId: number, parsed: ParsedPlan, objectiveIds: Map<string, number>, now: string) {
  const cols = ["objectiveId", ...ACTIVITY_FIELDS] as const;
  const rows = sql
    .prepare(`SELECT id, code, archivedAt, ${cols.join(", ")} FROM Activity WHERE planId = ?`)
    .all(planId) as (Record<(typeof cols)[number], unknown> & {
    id: number;
    code: string;
    archivedAt: string | null;
  })[];
  const stored = new Map(rows.map((a) => [a.code, a]));
  const insert = sql.prepare(
    `INSERT INTO Activity (planId, code, ${cols.join(", ")}) VALUES (?, ?, ${cols.map(() => "?").join(", ")})`,
  );
  const update = sql.prepare(
    `UPDATE Activity SET ${cols.map((c) => `${c} = ?`).join(", ")}, archivedAt = NULL WHERE id = ?`,
  );
  const created: string[] = [];
  const updated: string[] = [];
  const restored: string[] = [];
  const seen = new Set<string>();
  for (const a of parsed.activities) {
    const row = activityRow(a);
    const objectiveId = objectiveIds.get(row.objectiveCode);
    if (objectiveId === undefined) {
      throw new UserError({
        code: "plan_inconsistent",
        detail: `L'attività ${row.code} indica l'obiettivo ${row.objectiveCode}, che il piano non contiene.`,
      });
    }
    seen.add(row.code);
    const values = [
      objectiveId,
      ...ACTIVITY_FIELDS.map((f) => (typeof row[f] === "boolean" ? sqlBool(row[f] as boolean) : row[f])),
    ];
    const old = stored.get(row.code);
    if (!old) {
      insert.run(planId, row.code, ...values);
      created.push(row.code);
      continue;
    }
    const differs = cols.some((c, i) => old[c] !== values[i]);
    if (differs || old.archivedAt) {
      update.run(...values, old.id);
      (old.archivedAt ? restored : updated).push(row.code);
    }
  }
  const archived: string[] = [];
  const archive = sql.prepare(`UPDATE Activity SET archivedAt = ? WHERE id = ?`);
  for (const [code, old] of stored) {
    if (!seen.has(code) && !old.archivedAt) {
      archive.run(now, old.id);
      archived.push(code);
    }
  }
  return { created, updated, archived, restored };
}
