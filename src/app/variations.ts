import type { Db } from "../db/client.ts";
import { appendAudit } from "../store/audit.ts";
import { activityDefinitionOf, type ActivityDefinition, type ObjectiveDefinition } from "../domain/plan/in-force.ts";
import { changeLine, diffPlan, type FieldChange, type PlanDiff } from "../domain/plan/variation-diff.ts";
import { currentPlan } from "../store/plan.ts";
import type { PlanRef } from "../domain/plan/plan.ts";
import { parseItalianDate, parseTarget } from "../domain/plan/targets.ts";
import { UserError } from "../errors.ts";
import type { ParsedPlan } from "../plan-import/parse-piao.ts";
import { loadPlanInForce, type PlanInForce } from "../store/plan-definitions.ts";
import { activityRow } from "../store/plan-writer.ts";
import { insertVariation, noteVariationWritten } from "../store/variations.ts";

/**
 * Variations of the plan (D.Lgs. 150/2009 art. 6): always an act, a date from which they
 * apply and a reason. Prepared first (the diff a person confirms), then applied in ONE
 * transaction with its audit; the adopted rows are never rewritten.
 */

export interface VariationMeta {
  act?: string;
  validFrom?: string;
  reason?: string;
}

export interface ValidMeta {
  act: string;
  validFrom: string;
  reason: string;
}

/** Refuses a variation without act, date or reason, naming every missing piece in Italian. */
export function requireVariationMeta(m: VariationMeta, opts: { reasonRequired?: boolean } = {}): ValidMeta {
  const missing: ("atto" | "dal" | "motivo")[] = [];
  const act = m.act?.trim() ?? "";
  const validFrom = m.validFrom?.trim() ?? "";
  const reason = m.reason?.trim() ?? "";
  if (!act) missing.push("atto");
  if (!validFrom) missing.push("dal");
  if (!reason && opts.reasonRequired !== false) missing.push("motivo");
  if (missing.length) throw new UserError({ code: "variation_incomplete", missing });
  return { act, validFrom: isoDay(validFrom, "--dal"), reason };
}

export function isoDay(v: string, flag: string): string {
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(v) ||
    Number.isNaN(Date.parse(`${v}T00:00:00Z`)) ||
    new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v
  ) {
    throw new UserError({ code: "bad_day", option: flag, raw: v });
  }
  return v;
}

export interface PreparedVariation {
  plan: PlanRef;
  meta: ValidMeta;
  source: string | null;
  changes: FieldChange[];
  /** For a revised document: the rows to create for codes never seen before. */
  document?: { parsed: ParsedPlan; diff: PlanDiff };
}

function assertInYear(plan: PlanRef, inForce: PlanInForce, validFrom: string): void {
  if (validFrom < inForce.adoptedFrom) {
    throw new UserError({
      code: "variation_before_plan",
      validFrom,
      adoptedFrom: inForce.adoptedFrom,
      year: plan.year,
    });
  }
}

const itDay = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

function storedDefinitions(db: Db, plan: PlanRef) {
  return Promise.all([
    db.objective.findMany({
      where: { planId: plan.id, archivedAt: null },
      include: { area: { select: { code: true } } },
    }),
    db.activity.findMany({
      where: { planId: plan.id, archivedAt: null },
      include: { objective: { select: { code: true } } },
    }),
  ]);
}

/** Diff of a revised plan document against the definitions in force on the variation's date. */
export async function prepareDocumentVariation(
  db: Db,
  parsed: ParsedPlan,
  meta: ValidMeta,
): Promise<PreparedVariation> {
  const plan = await currentPlan(db, parsed.year);
  const inForce = await loadPlanInForce(db, plan, meta.validFrom);
  assertInYear(plan, inForce, meta.validFrom);
  const [objs, acts] = await storedDefinitions(db, plan);
  const storedObjectives = new Map<string, ObjectiveDefinition>(
    objs.map((o) => [
      o.code,
      inForce.overlay.objective(
        { code: o.code, title: o.title, weight: o.weight, areaCode: o.area?.code ?? null },
        { evenIfAbsent: true },
      )!,
    ]),
  );
  const storedActivities = new Map<string, ActivityDefinition>(
    acts.map((a) => [
      a.code,
      inForce.overlay.activity(activityDefinitionOf({ ...a, objectiveCode: a.objective.code }), {
        evenIfAbsent: true,
      })!,
    ]),
  );
  const diff = diffPlan(
    { objectives: inForce.objectives, activities: inForce.activities, storedObjectives, storedActivities },
    {
      objectives: parsed.objectives.map((o) => ({
        code: o.code,
        title: o.title,
        weight: o.weight,
        areaCode: o.areaCode,
      })),
      activities: parsed.activities.map((a) =>
        activityDefinitionOf({
          code: a.code,
          title: a.title,
          description: a.description,
          indicatorName: a.indicatorName,
          indicatorIndex: a.indicatorIndex,
          targetText: a.targetText,
          targetKind: a.target.kind,
          threshold: a.target.threshold,
          comparator: a.target.comparator,
          period: a.target.period,
          unit: a.target.unit,
          qualifier: a.target.qualifier,
          needsManualDate: a.target.needsManualDate,
          deadline: a.target.deadline,
          objectiveCode: a.objectiveCode,
        }),
      ),
    },
  );
  return { plan, meta, source: parsed.sourceName, changes: diff.changes, document: { parsed, diff } };
}

export interface TargetedInput {
  year?: number;
  code?: string;
  deadline?: string;
  target?: string;
  weight?: string;
  remove?: string;
}

/** `--codice X --scadenza | --valore-atteso | --peso`, `--stralcia X`: changes against what is in force on the date. */
export async function prepareTargetedVariation(
  db: Db,
  input: TargetedInput,
  meta: ValidMeta,
): Promise<PreparedVariation> {
  const plan = await currentPlan(db, input.year);
  const inForce = await loadPlanInForce(db, plan, meta.validFrom);
  assertInYear(plan, inForce, meta.validFrom);
  const changes: FieldChange[] = [];
  const activity = (code: string) => inForce.activities.find((a) => a.code === code) ?? null;
  const objective = (code: string) => inForce.objectives.find((o) => o.code === code) ?? null;
  const notInForce = (code: string) =>
    new UserError({ code: "variation_unknown_code", typed: code, validFrom: meta.validFrom, year: plan.year });

  const wantsField = input.deadline !== undefined || input.target !== undefined || input.weight !== undefined;
  if (wantsField && !input.code) throw new UserError({ code: "variation_needs_code" });
  if (!wantsField && !input.remove) {
    throw new UserError({ code: "variation_nothing" });
  }
  if (input.code && wantsField) {
    const code = input.code.trim();
    const a = activity(code);
    const o = a ? null : objective(code);
    if (!a && !o) throw notInForce(code);
    if (input.deadline !== undefined) {
      if (!a) throw new UserError({ code: "variation_wrong_entity", typed: code, field: "deadline" });
      const iso = parseItalianDate(input.deadline.trim(), plan.year);
      if (!iso) throw new UserError({ code: "variation_bad_deadline", raw: input.deadline });
      if (iso !== a.effectiveDeadline)
        changes.push({ entityType: "activity", code, field: "deadline", from: a.effectiveDeadline, to: iso });
    }
    if (input.target !== undefined) {
      if (!a) throw new UserError({ code: "variation_wrong_entity", typed: code, field: "target" });
      const text = input.target.trim();
      if (!text) throw new UserError({ code: "variation_empty_target" });
      const t = parseTarget(text, { indice: a.indicator.index, indicator: a.indicator.name, year: plan.year });
      const to = {
        text,
        kind: t.kind,
        threshold: t.threshold,
        comparator: t.comparator,
        period: t.period,
        unit: t.unit,
        qualifier: t.qualifier,
        needsManualDate: t.needsManualDate,
      };
      if (JSON.stringify(to) !== JSON.stringify(a.target))
        changes.push({ entityType: "activity", code, field: "target", from: a.target, to });
      if (t.deadline && t.deadline !== a.effectiveDeadline && input.deadline === undefined) {
        changes.push({ entityType: "activity", code, field: "deadline", from: a.effectiveDeadline, to: t.deadline });
      }
    }
    if (input.weight !== undefined) {
      const w = Number(input.weight.trim().replace(",", ".").replace(/%$/, ""));
      if (!Number.isFinite(w) || w < 0 || w > 100)
        throw new UserError({ code: "variation_bad_weight", raw: input.weight });
      if (o) {
        if (w !== o.weight) changes.push({ entityType: "objective", code, field: "weight", from: o.weight, to: w });
      } else if (a && w !== a.weight) {
        changes.push({ entityType: "activity", code, field: "weight", from: a.weight, to: w });
      }
    }
  }
  if (input.remove) {
    const code = input.remove.trim();
    if (activity(code)) changes.push({ entityType: "activity", code, field: "exists", from: true, to: false });
    else if (objective(code)) changes.push({ entityType: "objective", code, field: "exists", from: true, to: false });
    else throw notInForce(code);
  }
  if (changes.length === 0) {
    throw new UserError({ code: "variation_no_change", validFrom: meta.validFrom });
  }
  return { plan, meta, source: null, changes };
}

/** The diff as a person reads it before confirming: added, changed field by field, removed. */
export function describeVariation(p: PreparedVariation): string {
  const lines = [
    `Variazione del piano ${p.plan.year}: ${p.meta.act}, in vigore dal ${itDay(p.meta.validFrom)} — ${p.meta.reason || "(senza motivazione)"}`,
  ];
  const added = p.changes.filter((c) => c.field === "exists" && c.to === true);
  const removed = p.changes.filter((c) => c.field === "exists" && c.to === false);
  const changed = p.changes.filter((c) => c.field !== "exists");
  if (!p.changes.length) lines.push("  Nessuna differenza rispetto al piano in vigore a quella data.");
  if (added.length) lines.push(`  Aggiunte (${added.length}):`, ...added.map((c) => `    + ${changeLine(c)}`));
  if (changed.length) lines.push(`  Modifiche (${changed.length}):`, ...changed.map((c) => `    ~ ${changeLine(c)}`));
  if (removed.length) lines.push(`  Stralci (${removed.length}):`, ...removed.map((c) => `    - ${changeLine(c)}`));
  return lines.join("\n");
}

/** Writes the variation, the rows of codes never seen before, and one audit entry per entity touched. */
export async function applyVariation(
  db: Db,
  p: PreparedVariation,
  ctx: { actor: string; now: Date },
): Promise<{ id: number }> {
  if (!p.changes.length) throw new UserError({ code: "variation_no_change", validFrom: p.meta.validFrom });
  const written = await db.$transaction(async (tx) => {
    if (p.document && (p.document.diff.newObjectives.length || p.document.diff.newActivities.length)) {
      const { parsed, diff } = p.document;
      const areas = new Map((await tx.area.findMany({ where: { planId: p.plan.id } })).map((a) => [a.code, a.id]));
      const areaId = async (code: string | null): Promise<number | null> => {
        if (code === null) return null;
        const known = areas.get(code);
        if (known !== undefined) return known;
        const a = parsed.areas.find((x) => x.code === code);
        const row = await tx.area.create({
          data: { planId: p.plan.id, code, name: a?.name ?? code, head: a?.head ?? null, position: a?.position ?? 999 },
        });
        areas.set(code, row.id);
        return row.id;
      };
      for (const code of diff.newObjectives) {
        const o = parsed.objectives.find((x) => x.code === code)!;
        await tx.objective.create({
          data: {
            planId: p.plan.id,
            areaId: await areaId(o.areaCode),
            code,
            title: o.title,
            description: o.description,
            publicValue: o.publicValue,
            weight: o.weight,
            position: o.position,
          },
        });
      }
      const objectiveIds = new Map(
        (await tx.objective.findMany({ where: { planId: p.plan.id }, select: { id: true, code: true } })).map((o) => [
          o.code,
          o.id,
        ]),
      );
      for (const code of diff.newActivities) {
        const a = parsed.activities.find((x) => x.code === code)!;
        // The same row the plan import writes (phase weight included); the objective by its id.
        const { objectiveCode, ...row } = activityRow(a);
        await tx.activity.create({
          data: { ...row, planId: p.plan.id, objectiveId: objectiveIds.get(objectiveCode)!, code },
        });
      }
    }
    const id = await insertVariation(tx, {
      planYear: p.plan.year,
      act: p.meta.act,
      validFrom: p.meta.validFrom,
      reason: p.meta.reason,
      source: p.source,
      createdAt: ctx.now,
      createdBy: ctx.actor,
      changes: p.changes,
    });
    const byEntity = new Map<string, FieldChange[]>();
    for (const c of p.changes) {
      const k = `${c.entityType}|${c.code}`;
      const list = byEntity.get(k);
      if (list) list.push(c);
      else byEntity.set(k, [c]);
    }
    for (const [k, list] of byEntity) {
      const [entityType, code] = k.split("|") as [string, string];
      await appendAudit(tx, {
        at: ctx.now,
        actor: ctx.actor,
        action: "plan_variation",
        entityType,
        entityKey: `${p.plan.year}:${code}`,
        before: Object.fromEntries(list.map((c) => [c.field === "exists" ? "esiste" : c.field, c.from])),
        after: {
          ...Object.fromEntries(list.map((c) => [c.field === "exists" ? "esiste" : c.field, c.to])),
          variation: id,
          act: p.meta.act,
          validFrom: p.meta.validFrom,
          reason: p.meta.reason,
        },
      });
    }
    return { id };
  });
  noteVariationWritten();
  return written;
}
