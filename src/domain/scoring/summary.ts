import type { PlanEvaluation } from "./evaluation.ts";
import type { ScoreState } from "./scoring.ts";

/**
 * The plan's scores area by area, without the per-activity detail: what the App Home shows.
 * Built two ways that must agree: from a full evaluation (summaryOfEvaluation, the reference)
 * and by an SQL aggregate (store/score-summary.ts, the fast path).
 */

export interface SectionSummary {
  code: string;
  name: string;
  head: string | null;
  objectives: number;
  state: ScoreState;
  percent: number | null;
  points: number | null;
  maxPoints: number;
  counts: { activities: number; completed: number; overdue: number };
}

export interface ScoreSummary {
  plan: { id: number; year: number };
  asOf: string;
  areas: SectionSummary[];
  comuneWide: SectionSummary;
  /** Mean of the areas that could be scored. */
  overallPercent: number | null;
}

/** What an objective's score depends on, summed over its activities. */
export interface ObjectiveCounts {
  activities: number;
  evaluated: number;
  notDue: number;
  notEvaluable: number;
  /** Over the evaluated activities: sum of percent x weight, and of the weights. */
  weightedSum: number;
  weightTotal: number;
  /** Evaluated activities below the "met" threshold. */
  missed: number;
}

/** scoreObjective (domain/scoring.ts) on the sums, without the sentence: the same branches. */
export function objectiveScoreFromCounts(
  method: "media_ponderata" | "tutte_raggiunte",
  c: ObjectiveCounts,
): { state: ScoreState; percent: number | null } {
  const allNotDue: ScoreState = c.activities > 0 && c.notDue === c.activities ? "non_scaduta" : "non_valutabile";
  if (method === "tutte_raggiunte") {
    if (c.missed) return { state: "valutata", percent: 0 };
    if (c.evaluated === 0) return { state: allNotDue, percent: null };
    if (c.notDue || c.notEvaluable)
      return { state: c.notDue && !c.notEvaluable ? "non_scaduta" : "non_valutabile", percent: null };
    return { state: "valutata", percent: 100 };
  }
  if (c.evaluated === 0) return { state: allNotDue, percent: null };
  return { state: "valutata", percent: c.weightedSum / c.weightTotal };
}

/** The reference: the summary read off a full evaluation. */
export function summaryOfEvaluation(ev: PlanEvaluation): ScoreSummary {
  const section = (
    s: {
      objectives: { activities: unknown[] }[];
      score: { state: ScoreState; percent: number | null; points: number | null; maxPoints: number };
      counts: { activities: number; completed: number; overdue: number };
    },
    head: Pick<SectionSummary, "code" | "name" | "head">,
  ): SectionSummary => ({
    ...head,
    objectives: s.objectives.length,
    state: s.score.state,
    percent: s.score.percent,
    points: s.score.points,
    maxPoints: s.score.maxPoints,
    counts: { activities: s.counts.activities, completed: s.counts.completed, overdue: s.counts.overdue },
  });
  return {
    plan: { id: ev.plan.id, year: ev.plan.year },
    asOf: ev.asOf,
    areas: ev.areas.map((a) => section(a, { code: a.code, name: a.name, head: a.head })),
    comuneWide: section(ev.comuneWide, { code: "ENTE", name: "", head: null }),
    overallPercent: ev.overall.percent,
  };
}
