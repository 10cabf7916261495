import type { Db, Tx } from "../db/client.ts";
import { evaluatePlan } from "./evaluation.ts";
import { buildRelazione, type Relazione } from "../report/relazione.ts";
import type {
  PerAreaObjectiveRow,
  RelazioneDocxOptions,
  RelazioneTexts,
  ScorecardsInput,
} from "../report/relazione-docx.ts";
import { completionTrend } from "./relazione-trend.ts";
import { buildScorecards, type ScorecardSet } from "./scorecards.ts";

type Reader = Db | Tx;

export interface RelazioneDocxRequest {
  year?: number;
  asOf: string;
  now: Date;
  monitoring?: boolean;
  dueWithinDays?: number;
  texts?: RelazioneTexts;
  /** PATRONO, for lateness in working days (a patron set with the CLI wins). */
  patron?: string;
}

/** Plain data (structured-clone safe) for the scorecard renderers. */
export function scorecardsInput(set: ScorecardSet): ScorecardsInput {
  const names = new Map<string, string>();
  for (const s of set.scorecards) for (const a of s.areas) names.set(a.code, a.name);
  const perAreaObjectives: PerAreaObjectiveRow[] = set.perAreaObjectives.map((p) => ({
    code: p.code,
    title: p.title,
    byArea: [...p.byArea.entries()].map(([areaCode, s]) => ({
      areaCode,
      areaName: names.get(areaCode) ?? areaCode,
      percent: s.percent,
      explanation: s.explanation,
    })),
  }));
  return {
    year: set.year,
    entity: set.entity,
    asOf: set.asOf,
    criteria: set.criteria,
    scorecards: set.scorecards,
    perAreaObjectives,
  };
}

/**
 * Everything the Word Relazione is drawn from, read in one go: the model, the scorecards and
 * the month-end trend. The result is plain data, so the rendering (renderRelazioneDocx) can
 * run in a worker thread.
 */
export async function relazioneDocxInputs(
  db: Reader,
  req: RelazioneDocxRequest,
): Promise<{ model: Relazione; options: RelazioneDocxOptions }> {
  const model = await buildRelazione(db, {
    year: req.year,
    asOf: req.asOf,
    now: req.now,
    monitoring: req.monitoring,
    dueWithinDays: req.dueWithinDays,
    patron: req.patron,
  });
  const evaluation = await evaluatePlan(db, { year: model.year, asOf: req.asOf, patron: req.patron });
  const [set, trend] = await Promise.all([
    buildScorecards(db, { asOf: req.asOf, evaluation }),
    completionTrend(db, { year: model.year, asOf: req.asOf }),
  ]);
  return { model, options: { texts: req.texts, scorecards: scorecardsInput(set), trend } };
}
