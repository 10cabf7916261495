import type { Db, Tx } from "../db/client.ts";
import { endOfRomeDay, stateAt, type ObjectiveEval, type PlanEvaluation } from "../domain/scoring/evaluation.ts";
import { evaluatePlan } from "./evaluation.ts";
import {
  scoreActivity,
  scoreArea,
  scoreObjective,
  type AggregateScore,
  type PointsScore,
  type ScoringContext,
} from "../domain/scoring/scoring.ts";
import {
  buildScorecard,
  paymentTimesFigure,
  type AreaFigures,
  type BehaviourCriterion,
  type Scorecard,
} from "../domain/scoring/scorecard.ts";
import type { ScoringConfig } from "../domain/scoring/config.ts";
import { behaviourScoresOfYear, planBehaviourCriteria } from "../store/behaviour-scores.ts";
import { reportsWithArea, type AreaReport } from "../store/report-area.ts";
import { resolveCriteria, type CriteriaSource } from "./behaviours.ts";

type Reader = Db | Tx;

/** One Comune-wide objective scored per area: each area's reports only. */
export interface PerAreaObjective {
  code: string;
  title: string;
  byArea: Map<string, AggregateScore>;
}

export interface ScorecardSet {
  year: number;
  entity: string;
  asOf: string;
  criteria: BehaviourCriterion[];
  criteriaSource: CriteriaSource;
  scorecards: Scorecard[];
  /** The organisational performance of each area, with the per-area objectives on their own reports. */
  organisationalByArea: Map<string, PointsScore>;
  perAreaObjectives: PerAreaObjective[];
}

/**
 * The Comune-wide objectives the SMVP scores per area, each scored once per area from the
 * reports that carry that area (stateAt over the same reports, same rules).
 */
export async function scorePerAreaObjectives(db: Reader, ev: PlanEvaluation): Promise<PerAreaObjective[]> {
  const mode = ev.config.config.comuneWideScoring;
  const perArea = ev.comuneWide.objectives.filter((o) => mode[o.code] === "per_area");
  if (!perArea.length) return [];
  const cutoff = endOfRomeDay(ev.asOf);
  const codes = perArea.flatMap((o) => o.activities.map((a) => a.code));
  const reports = await reportsWithArea(db, ev.plan.year, codes, cutoff);
  const byKey = new Map<string, AreaReport[]>();
  for (const r of reports) {
    const key = `${r.areaCode}|${r.activityCode}`;
    const list = byKey.get(key);
    if (list) list.push(r);
    else byKey.set(key, [r]);
  }
  const ctx: ScoringContext = { planYear: ev.plan.year, asOf: ev.asOf, config: ev.config.config };
  return perArea.map((o) => {
    const byArea = new Map<string, AggregateScore>();
    for (const area of ev.areas) {
      const scored = o.activities.map((a) => {
        const state = stateAt(byKey.get(`${area.code}|${a.code}`) ?? [], cutoff, {
          targetKind: a.targetKind,
          period: a.period,
        });
        return {
          code: a.code,
          score: scoreActivity(
            {
              code: a.code,
              targetKind: a.targetKind,
              targetText: a.targetText,
              threshold: a.threshold,
              comparator: null,
              period: a.period,
              qualifier: a.qualifier,
              unit: a.unit,
              deadline: a.deadline,
              state,
            },
            ctx,
          ),
        };
      });
      byArea.set(area.code, scoreObjective(o.code, scored, ctx));
    }
    return { code: o.code, title: o.title, byArea };
  });
}

function organisationalOf(
  areaCode: string,
  objectives: ObjectiveEval[],
  perArea: Map<string, PerAreaObjective>,
  max: number,
): PointsScore {
  return scoreArea(
    objectives.map((o) => ({
      code: o.code,
      weight: o.weight,
      score: perArea.get(o.code)?.byArea.get(areaCode) ?? o.score,
    })),
    max,
  );
}

function paymentTimesObjective(config: ScoringConfig, objectives: ObjectiveEval[]): ObjectiveEval | null {
  const p = config.paymentTimes;
  if (!p.enabled) return null;
  if (p.objectiveCode) return objectives.find((o) => o.code === p.objectiveCode) ?? null;
  const word = p.titleMatch.toLowerCase();
  return objectives.find((o) => o.title.toLowerCase().includes(word)) ?? null;
}

export async function buildScorecards(
  db: Reader,
  opts: { year?: number; asOf: string; patron?: string; evaluation?: PlanEvaluation },
): Promise<ScorecardSet> {
  const ev = opts.evaluation ?? (await evaluatePlan(db, { year: opts.year, asOf: opts.asOf, patron: opts.patron }));
  const year = ev.plan.year;
  const config = ev.config.config;
  const [fromPlan, behaviours, perAreaList] = await Promise.all([
    planBehaviourCriteria(db, ev.plan.id),
    behaviourScoresOfYear(db, year),
    scorePerAreaObjectives(db, ev),
  ]);
  const { criteria, source } = resolveCriteria(ev.config, fromPlan);
  const perArea = new Map(perAreaList.map((p) => [p.code, p]));
  const organisationalByArea = new Map(
    ev.areas.map((a) => [
      a.code,
      organisationalOf(a.code, ev.comuneWide.objectives, perArea, config.comuneWideMaxPoints),
    ]),
  );
  const payObjective = paymentTimesObjective(config, ev.comuneWide.objectives);

  const byHead = new Map<string, typeof ev.areas>();
  for (const a of ev.areas) {
    const head = a.head?.trim() || "Responsabile non indicato";
    byHead.set(head, [...(byHead.get(head) ?? []), a]);
  }
  const scorecards = [...byHead.entries()].map(([head, areas]) => {
    const figures: AreaFigures[] = areas.map((a) => {
      const org = organisationalByArea.get(a.code)!;
      return {
        code: a.code,
        name: a.name,
        objectivesPercent: a.score.percent,
        objectivesPoints: a.score.points,
        organisationalPercent: org.percent,
        organisationalPoints: org.points,
      };
    });
    let paymentTimes = null;
    if (payObjective) {
      const per = perArea.get(payObjective.code);
      const values = per ? areas.map((a) => per.byArea.get(a.code)?.percent).filter((p): p is number => p != null) : [];
      const percent = per
        ? values.length
          ? values.reduce((s, v) => s + v, 0) / values.length
          : null
        : payObjective.score.percent;
      paymentTimes = paymentTimesFigure(payObjective, percent, config.paymentTimes.resultPayShare);
    }
    const entered = behaviours.get(head);
    return buildScorecard({
      responsabile: head,
      areas: figures,
      objectivesMaxPoints: config.maxPoints,
      organisationalMaxPoints: config.comuneWideMaxPoints,
      criteria,
      behaviours: entered
        ? { scores: entered.scores, enteredBy: entered.enteredBy, enteredAt: entered.enteredAt }
        : null,
      paymentTimes,
    });
  });
  return {
    year,
    entity: ev.plan.entity,
    asOf: ev.asOf,
    criteria,
    criteriaSource: source,
    scorecards,
    organisationalByArea,
    perAreaObjectives: perAreaList,
  };
}

/** The JSON of `relazione --schede --formato json`. */
export function scorecardsJson(set: ScorecardSet): unknown {
  return {
    year: set.year,
    entity: set.entity,
    asOf: set.asOf,
    criteriaSource: set.criteriaSource,
    criteria: set.criteria,
    scorecards: set.scorecards.map((s) => ({
      ...s,
      behavioursEnteredAt: s.behavioursEnteredAt?.toISOString() ?? null,
    })),
  };
}
