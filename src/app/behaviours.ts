import type { Db, Tx } from "../db/client.ts";
import { appendAudit } from "../store/audit.ts";
import { currentPlan } from "../store/plan.ts";
import type { ScoringConfigInForce } from "../domain/scoring/config.ts";
import { loadScoringConfig } from "../store/scoring-config.ts";
import {
  matchResponsabile,
  numberCriteria,
  parseBehaviourScores,
  type BehaviourCriterion,
  type BehaviourScores,
} from "../domain/scoring/scorecard.ts";
import { UserError } from "../errors.ts";
import {
  behaviourScoresOf,
  defaultBehaviourCriteria,
  planBehaviourCriteria,
  planHeads,
  writeBehaviourScores,
} from "../store/behaviour-scores.ts";

type Reader = Db | Tx;

export type CriteriaSource = "configurazione" | "piano" | "predefinita";

export const CRITERIA_SOURCE_LABELS: Record<CriteriaSource, string> = {
  configurazione: "dalla configurazione SMVP dell'anno",
  piano: "dal documento del piano",
  predefinita: "dalla configurazione SMVP predefinita",
};

export interface CriteriaInForce {
  criteria: BehaviourCriterion[];
  source: CriteriaSource;
}

/**
 * The behaviour criteria in force: those a stored SMVP version of the year lists, else those
 * the plan document lists, else the shipped ones (config/smvp-comportamenti-default.json).
 */
export function resolveCriteria(
  inForce: ScoringConfigInForce,
  fromPlan: { title: string; maxPoints: number }[] | null,
): CriteriaInForce {
  const own = inForce.version !== null ? inForce.config.behaviours.criteria : undefined;
  if (own?.length) return { criteria: numberCriteria(own), source: "configurazione" };
  if (fromPlan?.length) return { criteria: numberCriteria(fromPlan), source: "piano" };
  return { criteria: numberCriteria(defaultBehaviourCriteria()), source: "predefinita" };
}

export async function criteriaInForce(
  db: Reader,
  year?: number,
): Promise<CriteriaInForce & { year: number; config: ScoringConfigInForce }> {
  const plan = await currentPlan(db, year);
  const [config, fromPlan] = await Promise.all([loadScoringConfig(db, plan.year), planBehaviourCriteria(db, plan.id)]);
  return { ...resolveCriteria(config, fromPlan), year: plan.year, config };
}

export interface SetBehavioursInput {
  year?: number;
  responsabile: string;
  /** The parsed content of a score file or modal: {"1": 4, ...}. */
  scores: unknown;
  actor: string;
  now: Date;
}

export interface SetBehavioursOutcome {
  year: number;
  responsabile: string;
  scores: BehaviourScores;
  criteria: BehaviourCriterion[];
  total: number;
  maxTotal: number;
  replaced: boolean;
}

/**
 * Stores the behaviour scores of one Responsabile for a year, replacing the previous entry,
 * with its audit row in the same transaction. Anything wrong is refused before writing.
 */
export async function setBehaviourScores(db: Db, input: SetBehavioursInput): Promise<SetBehavioursOutcome> {
  const plan = await currentPlan(db, input.year);
  const { criteria } = await criteriaInForce(db, plan.year);
  const responsabile = matchResponsabile(input.responsabile, await planHeads(db, plan.id));
  const scores = parseBehaviourScores(input.scores, criteria);
  const replaced = await db.$transaction(async (tx) => {
    const before = await behaviourScoresOf(tx, plan.year, responsabile);
    await writeBehaviourScores(tx, plan.year, { responsabile, scores, enteredBy: input.actor, enteredAt: input.now });
    await appendAudit(tx, {
      at: input.now,
      actor: input.actor,
      action: "behaviour_scores",
      entityType: "behaviour_scores",
      entityKey: `${plan.year}:${responsabile}`,
      before: before ? { scores: before.scores, enteredBy: before.enteredBy } : null,
      after: { scores },
    });
    return before != null;
  });
  const total = Object.values(scores).reduce((s, v) => s + Math.round(v * 100), 0) / 100;
  return {
    year: plan.year,
    responsabile,
    scores,
    criteria,
    total,
    maxTotal: criteria.reduce((s, c) => s + c.maxPoints, 0),
    replaced,
  };
}

export interface BehaviourForm {
  year: number;
  heads: string[];
  criteria: BehaviourCriterion[];
  responsabile: string | null;
  current: BehaviourScores | null;
}

/** What the Slack modal shows: the plan's Responsabili, the criteria, and the scores already entered for one of them. */
export async function behaviourForm(
  db: Reader,
  opts: { year?: number; responsabile?: string | null },
): Promise<BehaviourForm> {
  const plan = await currentPlan(db, opts.year);
  const [{ criteria }, heads] = await Promise.all([criteriaInForce(db, plan.year), planHeads(db, plan.id)]);
  const responsabile = opts.responsabile ? matchResponsabile(opts.responsabile, heads) : null;
  const current = responsabile ? ((await behaviourScoresOf(db, plan.year, responsabile))?.scores ?? null) : null;
  return { year: plan.year, heads, criteria, responsabile, current };
}

/** The SMVP says who enters behaviour scores (by default the Segretario and the Nucleo). */
export async function assertCanEnterBehaviours(
  db: Reader,
  actor: { role: string } | null,
  year?: number,
): Promise<void> {
  const plan = await currentPlan(db, year);
  const { config } = await loadScoringConfig(db, plan.year);
  const editors: readonly string[] = config.behaviours.editors;
  if (!actor || !editors.includes(actor.role)) {
    throw new UserError({ code: "behaviours_forbidden", editors: editors.map((r) => ROLE_NAMES[r] ?? r) });
  }
}

const ROLE_NAMES: Record<string, string> = {
  segretario: "il Segretario",
  nucleo: "il Nucleo di Valutazione",
  admin: "l'amministratore",
  responsabile: "i Responsabili",
};
