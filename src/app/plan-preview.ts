import type { Db } from "../db/client.ts";
import { diffPlans, type PlanDiff } from "../domain/plan/plan-diff.ts";
import { summarizePlan, type PlanSummary } from "../domain/plan/plan-summary.ts";
import type { ParsedPlan } from "../plan-import/parse-piao.ts";
import { storedPlanOfYear } from "../store/stored-plan.ts";

export interface PlanPreview {
  summary: PlanSummary;
  /** Against the plan already loaded for the same year; null when there is none. */
  diff: PlanDiff | null;
  /** The document the loaded plan came from (null: none loaded). */
  loadedFrom: string | null;
}

/** What importing `parsed` would do, reading only: counts, anomalies, and the differences with the plan in force. */
export async function previewPlan(db: Db, parsed: ParsedPlan): Promise<PlanPreview> {
  const stored = await storedPlanOfYear(db, parsed.year);
  return {
    summary: summarizePlan(parsed),
    diff: stored ? diffPlans(stored.plan, parsed) : null,
    loadedFrom: stored?.plan.sourceName ?? null,
  };
}
