import type { Db } from "../db/client.ts";
import { endOfRomeDay } from "../domain/scoring/evaluation.ts";
import { currentPlan } from "../store/plan.ts";
import { loadScoringConfig } from "../store/scoring-config.ts";
import type { Actor } from "../domain/permissions.ts";
import { OUTCOMES, type ValidationActivity, type ValidationInput } from "../domain/validation/input.ts";
import { buildValidationPack, completedCodes, type ValidationPack } from "../domain/validation/pack.ts";
import { drawSample } from "../domain/validation/sample.ts";
import { UserError } from "../errors.ts";
import { buildRelazione } from "../report/relazione.ts";
import {
  insertFindings,
  latestSample,
  loadValidationRecords,
  saveSample,
  type FindingWrite,
} from "../store/validation.ts";

/**
 * Use cases of the Nucleo's validation: the pack (checklist, register, sample, draft
 * document) at a date, the sample it signs off, and recording its findings, which are
 * the only thing the Nucleo writes.
 */

export const DEFAULT_SAMPLE_SIZE = 10;
export const MAX_FINDING_NOTE = 1000;

export interface ValidationRequest {
  year?: number;
  /** Data as of this day (ISO). */
  asOf: string;
  now: Date;
}

/** Everything the checks read, from the Relazione model (scores, deviations, evidence) and the store. */
export async function loadValidationInput(db: Db, req: ValidationRequest): Promise<ValidationInput> {
  const plan = await currentPlan(db, req.year);
  const cutoff = endOfRomeDay(req.asOf);
  const [relazione, inForce, records] = await Promise.all([
    buildRelazione(db, { year: plan.year, asOf: req.asOf, now: req.now }),
    loadScoringConfig(db, plan.year, req.asOf),
    loadValidationRecords(db, plan, cutoff, req.asOf),
  ]);
  const activities: ValidationActivity[] = [];
  for (const s of [...relazione.sections, relazione.comuneWide]) {
    for (const o of s.objectives) {
      for (const a of o.activities) {
        activities.push({
          code: a.code,
          title: a.title,
          objectiveCode: o.code,
          areaCode: s.kind === "ente" ? null : s.code,
          targetKind: a.targetKind,
          targetText: a.targetText,
          deadline: a.deadline,
          deadlineSource: a.deadlineSource,
          status: a.status,
          completedOn: a.status === "completata" ? a.achievedOn : null,
          scoreState: a.scoreState,
          scoreRule: a.rule,
          percent: a.percent,
          deviation: a.deviation !== null,
          deviationCause: a.deviation?.cause ?? null,
          evidence: a.evidence.map((e) => e.text),
        });
      }
    }
  }
  const config = inForce.config;
  return {
    year: plan.year,
    entity: plan.entity,
    asOf: req.asOf,
    periodEnd: `${plan.year}-12-31`,
    generatedAt: req.now,
    rules: {
      version: inForce.version,
      createdAt: inForce.createdAt,
      createdBy: inForce.createdBy,
      validFrom: inForce.validFrom,
      act: inForce.act,
    },
    lateEntryDays: config.lateEntryDays,
    evidenceRules: config.evidence,
    activities,
    planActivities: records.planActivities,
    reports: records.reports,
    manualDeadlines: records.manualDeadlines,
    manualEvaluations: Object.entries(config.manualEvaluations).map(([code, m]) => ({
      code,
      percent: m.percent,
      reason: m.reason,
      setBy: inForce.createdBy,
      act: inForce.act,
    })),
    findings: records.findings,
    names: records.names,
  };
}

export interface PackRequest extends ValidationRequest {
  sampleSize: number;
  seed: string;
  /** Who drew the sample (audit); the sample is stored so App Home shows the same one. */
  actor: string;
}

/** The pack with a freshly drawn sample, which is stored (and audited) as the sample in force. */
export async function validationPack(db: Db, req: PackRequest): Promise<ValidationPack> {
  const input = await loadValidationInput(db, req);
  const codes = drawSample(completedCodes(input), req.sampleSize, req.seed);
  await saveSample(
    db,
    input.year,
    { seed: req.seed, size: req.sampleSize, codes, asOf: req.asOf },
    { actor: req.actor, now: req.now },
  );
  return buildValidationPack(input, { size: req.sampleSize, seed: req.seed, codes });
}

/** The sample in force (the latest drawn) with its findings, for App Home; null when none was drawn. */
export async function currentSample(db: Db, req: ValidationRequest): Promise<ValidationPack | null> {
  const plan = await currentPlan(db, req.year);
  const stored = await latestSample(db, plan.year);
  if (!stored) return null;
  const input = await loadValidationInput(db, { ...req, year: plan.year });
  return buildValidationPack(input, { size: stored.size, seed: stored.seed, codes: stored.codes });
}

export interface FindingsRequest {
  year?: number;
  findings: readonly FindingWrite[];
  actor: string;
  origin: "slack_home" | "cli_xlsx";
  now: Date;
}

/** Checks every finding against the plan before writing any; then writes them all, audited. */
export async function recordFindings(db: Db, req: FindingsRequest): Promise<{ year: number; recorded: number }> {
  const plan = await currentPlan(db, req.year);
  const codes = new Set(
    (await db.activity.findMany({ where: { planId: plan.id }, select: { code: true } })).map((a) => a.code),
  );
  for (const f of req.findings) {
    if (!codes.has(f.code))
      throw new UserError({
        code: "validation",
        reason: "unknown_code",
        text: `L'attività ${f.code} non è nel piano ${plan.year}: nessun esito registrato.`,
      });
    if (!(OUTCOMES as readonly string[]).includes(f.outcome))
      throw new UserError({
        code: "validation",
        reason: "bad_outcome",
        text: `Esito non valido per ${f.code}: «${f.outcome}». Atteso: conforme, non conforme o nota.`,
      });
    if (f.outcome === "nota" && !f.note?.trim())
      throw new UserError({
        code: "validation",
        reason: "note_required",
        text: `Per l'esito «nota» di ${f.code} serve il testo della nota.`,
      });
    if (f.note && f.note.length > MAX_FINDING_NOTE)
      throw new UserError({
        code: "validation",
        reason: "note_too_long",
        text: `La nota su ${f.code} è troppo lunga: il massimo è ${MAX_FINDING_NOTE} caratteri.`,
      });
  }
  const recorded = await insertFindings(db, plan.year, req.findings, {
    actor: req.actor,
    origin: req.origin,
    now: req.now,
  });
  return { year: plan.year, recorded };
}

/** Only the Nucleo di Valutazione records findings from Slack. */
export function assertCanRecordFindings(actor: Actor): void {
  if (actor.role !== "nucleo") {
    throw new UserError({
      code: "validation",
      reason: "forbidden",
      text: "Solo il Nucleo di Valutazione registra gli esiti della verifica a campione.",
    });
  }
}
