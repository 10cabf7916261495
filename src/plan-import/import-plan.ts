import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Db, Tx } from "../db/client.ts";
import { appendAudit } from "../domain/audit.ts";
import { UserError } from "../errors.ts";
import { looksLikePlanCsv, parsePlanCsv } from "./plan-csv.ts";
import { parsePiaoText, type ParsedPlan } from "./parse-piao.ts";

export interface ImportOptions {
  actor: string;
  now: Date;
}

export interface ImportResult {
  planId: number;
  year: number;
  entity: string;
  /** Nothing differed from what was stored: nothing was written. */
  unchanged: boolean;
  created: string[]; // activity codes
  updated: string[];
  archived: string[];
  restored: string[];
  counts: { areas: number; objectives: number; areaObjectives: number; enteObjectives: number; activities: number };
  anomalies: ParsedPlan["anomalies"];
  /** Activities whose target is a time we cannot know: a deadline must be set by hand. */
  manualDates: { code: string; target: string }[];
}

/** Reads a PIAO text document, or a CSV written by `esporta-piano --csv`. */
export function parsePlanSource(text: string, sourceName: string): ParsedPlan {
  const clean = text.replace(/^\uFEFF/, "");
  return looksLikePlanCsv(clean) ? parsePlanCsv(clean, sourceName) : parsePiaoText(clean, sourceName);
}

export async function importPlanFile(db: Db, file: string, opts: ImportOptions): Promise<ImportResult> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(
      "file_unreadable",
      code === "ENOENT" ? `File non trovato: ${file}` : `Impossibile leggere il file ${file} (${code ?? "errore di lettura"}).`,
    );
  }
  return importPlanText(db, text, path.basename(file), opts);
}

export async function importPlanText(db: Db, text: string, sourceName: string, opts: ImportOptions): Promise<ImportResult> {
  const parsed = parsePlanSource(text, sourceName);
  return importParsedPlan(db, parsed, opts);
}

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
};

const ACTIVITY_FIELDS = [
  "printedCode", "title", "description", "position", "indicatorName", "indicatorIndex", "targetText", "targetKind",
  "deadline", "threshold", "comparator", "period", "unit", "qualifier", "needsManualDate", "involved",
  "involvesAllAreas", "involvedAreas",
] as const;

function activityRow(a: ParsedPlan["activities"][number]): ActivityRow {
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
  };
}

/** A stable fingerprint of the plan's content, so an identical re-import is recognised at once. */
export function planFingerprint(p: ParsedPlan): string {
  const canon = {
    year: p.year,
    entity: p.entity,
    areas: p.areas,
    objectives: p.objectives,
    activities: p.activities.map(activityRow),
    anomalies: p.anomalies.map((a) => ({ kind: a.kind, code: a.code, message: a.message })),
  };
  return createHash("sha256").update(JSON.stringify(canon)).digest("hex");
}

const CHUNK = 400;

/**
 * Writes a parsed plan in ONE transaction: definitions are upserted by code, what
 * disappeared is archived (never deleted), and progress — kept in other tables keyed
 * by (year, code) — is never touched. A failure leaves the database as it was.
 */
export async function importParsedPlan(db: Db, parsed: ParsedPlan, opts: ImportOptions): Promise<ImportResult> {
  const hash = planFingerprint(parsed);
  const manualDates = parsed.activities
    .filter((a) => a.target.needsManualDate)
    .map((a) => ({ code: a.code, target: a.targetText }));
  const counts = {
    areas: parsed.areas.length,
    objectives: parsed.objectives.length,
    areaObjectives: parsed.objectives.filter((o) => o.areaCode !== null).length,
    enteObjectives: parsed.objectives.filter((o) => o.areaCode === null).length,
    activities: parsed.activities.length,
  };
  const base = { year: parsed.year, entity: parsed.entity, counts, anomalies: parsed.anomalies, manualDates };

  const existing = await db.plan.findUnique({ where: { year: parsed.year } });
  if (existing && existing.sourceHash === hash) {
    return { ...base, planId: existing.id, unchanged: true, created: [], updated: [], archived: [], restored: [] };
  }

  return db.$transaction(
    async (tx) => {
      const now = opts.now;
      const plan = existing
        ? await tx.plan.update({
            where: { id: existing.id },
            data: { entity: parsed.entity, sourceName: parsed.sourceName, sourceHash: hash, importedAt: now },
          })
        : await tx.plan.create({
            data: { year: parsed.year, entity: parsed.entity, sourceName: parsed.sourceName, sourceHash: hash, importedAt: now },
          });

      const areaIds = await syncAreas(tx, plan.id, parsed, now);
      const objectiveIds = await syncObjectives(tx, plan.id, parsed, areaIds, now);
      const changes = await syncActivities(tx, plan.id, parsed, objectiveIds, now);

      await tx.planAnomaly.deleteMany({ where: { planId: plan.id } });
      for (let i = 0; i < parsed.anomalies.length; i += CHUNK) {
        await tx.planAnomaly.createMany({
          data: parsed.anomalies.slice(i, i + CHUNK).map((a) => ({ planId: plan.id, kind: a.kind, code: a.code, message: a.message })),
        });
      }

      await appendAudit(tx, {
        at: now,
        actor: opts.actor,
        action: "plan_import",
        entityType: "plan",
        entityKey: String(parsed.year),
        before: existing ? { sourceName: existing.sourceName, sourceHash: existing.sourceHash, importedAt: existing.importedAt } : null,
        after: {
          sourceName: parsed.sourceName,
          sourceHash: hash,
          counts,
          created: changes.created.length,
          updated: changes.updated,
          archived: changes.archived,
          restored: changes.restored,
        },
      });
      return { ...base, planId: plan.id, unchanged: false, ...changes };
    },
    { timeout: 600_000, maxWait: 30_000 },
  );
}

async function syncAreas(tx: Tx, planId: number, parsed: ParsedPlan, now: Date): Promise<Map<string, number>> {
  const stored = new Map((await tx.area.findMany({ where: { planId } })).map((a) => [a.code, a]));
  const ids = new Map<string, number>();
  for (const a of parsed.areas) {
    const data = { name: a.name, head: a.head, position: a.position, archivedAt: null };
    const old = stored.get(a.code);
    if (!old) {
      ids.set(a.code, (await tx.area.create({ data: { planId, code: a.code, ...data } })).id);
    } else {
      if (old.name !== a.name || old.head !== a.head || old.position !== a.position || old.archivedAt) {
        await tx.area.update({ where: { id: old.id }, data });
      }
      ids.set(a.code, old.id);
    }
  }
  for (const [code, old] of stored) {
    if (!ids.has(code) && !old.archivedAt) await tx.area.update({ where: { id: old.id }, data: { archivedAt: now } });
  }
  return ids;
}

async function syncObjectives(
  tx: Tx,
  planId: number,
  parsed: ParsedPlan,
  areaIds: Map<string, number>,
  now: Date,
): Promise<Map<string, number>> {
  const stored = new Map((await tx.objective.findMany({ where: { planId } })).map((o) => [o.code, o]));
  const ids = new Map<string, number>();
  const toCreate = [];
  for (const o of parsed.objectives) {
    const areaId = o.areaCode === null ? null : areaIds.get(o.areaCode);
    if (areaId === undefined) throw new UserError("plan_inconsistent", `L'obiettivo ${o.code} indica l'area ${o.areaCode}, che il piano non contiene.`);
    const data = {
      areaId,
      title: o.title,
      description: o.description,
      publicValue: o.publicValue,
      weight: o.weight,
      position: o.position,
      archivedAt: null,
    };
    const old = stored.get(o.code);
    if (!old) {
      toCreate.push({ planId, code: o.code, ...data });
    } else {
      ids.set(o.code, old.id);
      const same =
        old.areaId === data.areaId && old.title === data.title && old.description === data.description &&
        old.publicValue === data.publicValue && old.weight === data.weight && old.position === data.position && !old.archivedAt;
      if (!same) await tx.objective.update({ where: { id: old.id }, data });
    }
  }
  for (let i = 0; i < toCreate.length; i += CHUNK) await tx.objective.createMany({ data: toCreate.slice(i, i + CHUNK) });
  if (toCreate.length) {
    const fresh = await tx.objective.findMany({ where: { planId }, select: { id: true, code: true } });
    const wanted = new Set(toCreate.map((o) => o.code));
    for (const o of fresh) if (wanted.has(o.code)) ids.set(o.code, o.id);
  }
  for (const [code, old] of stored) {
    if (!ids.has(code) && !old.archivedAt) await tx.objective.update({ where: { id: old.id }, data: { archivedAt: now } });
  }
  return ids;
}

async function syncActivities(tx: Tx, planId: number, parsed: ParsedPlan, objectiveIds: Map<string, number>, now: Date) {
  const stored = new Map((await tx.activity.findMany({ where: { planId } })).map((a) => [a.code, a]));
  const created: string[] = [];
  const updated: string[] = [];
  const restored: string[] = [];
  const seen = new Set<string>();
  const toCreate = [];
  for (const a of parsed.activities) {
    const row = activityRow(a);
    const objectiveId = objectiveIds.get(row.objectiveCode);
    if (objectiveId === undefined) {
      throw new UserError("plan_inconsistent", `L'attività ${row.code} indica l'obiettivo ${row.objectiveCode}, che il piano non contiene.`);
    }
    seen.add(row.code);
    const { objectiveCode: _o, ...fields } = row;
    const old = stored.get(row.code);
    if (!old) {
      toCreate.push({ planId, objectiveId, ...fields });
      created.push(row.code);
      continue;
    }
    const differs = old.objectiveId !== objectiveId || ACTIVITY_FIELDS.some((f) => old[f] !== fields[f]);
    if (differs || old.archivedAt) {
      await tx.activity.update({ where: { id: old.id }, data: { objectiveId, ...fields, archivedAt: null } });
      if (old.archivedAt) restored.push(row.code);
      else updated.push(row.code);
    }
  }
  for (let i = 0; i < toCreate.length; i += CHUNK) await tx.activity.createMany({ data: toCreate.slice(i, i + CHUNK) });
  const archived: string[] = [];
  for (const [code, old] of stored) {
    if (!seen.has(code) && !old.archivedAt) archived.push(code);
  }
  for (let i = 0; i < archived.length; i += CHUNK) {
    await tx.activity.updateMany({ where: { planId, code: { in: archived.slice(i, i + CHUNK) } }, data: { archivedAt: now } });
  }
  return { created, updated, archived, restored };
}
