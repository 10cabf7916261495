import type { Db, Tx } from "../db/client.ts";
import { evaluate, type PlanEvaluation } from "../domain/scoring/evaluation.ts";
import { loadCalendar } from "../store/calendar.ts";
import { loadEvaluationInput } from "../store/evaluation.ts";

/**
 * The plan scored at a date: what the Relazione, the monitoring report and the App Home
 * all read.
 */
export async function evaluatePlan(
  db: Db | Tx,
  opts: { year?: number; asOf: string; patron?: string },
): Promise<PlanEvaluation> {
  // Lateness in working days: the Comune's calendar, the patron set with the CLI or PATRONO.
  const calendar = await loadCalendar(db, opts.patron);
  return evaluate({ ...(await loadEvaluationInput(db, opts)), calendar }, opts);
}
