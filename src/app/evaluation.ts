import type { Db, Tx } from "../db/client.ts";
import { evaluate, type PlanEvaluation } from "../domain/scoring/evaluation.ts";
import { loadEvaluationInput } from "../store/evaluation.ts";

/**
 * The plan scored at a date: what the Relazione, the monitoring report and the App Home
 * all read.
 */
export async function evaluatePlan(db: Db | Tx, opts: { year?: number; asOf: string }): Promise<PlanEvaluation> {
  return evaluate(await loadEvaluationInput(db, opts), opts);
}
