import { TZDate } from "@date-fns/tz";
import { addDays, daysBetween, TIME_ZONE } from "../calendar/days.ts";
import {
  scoreActivity,
  scoreArea,
  scoreHeads,
  scoreObjective,
  sumText,
  type ActivityState,
  type AggregateScore,
  type HeadLine,
  type PointsScore,
  type Score,
  type ScoringContext,
} from "./scoring.ts";
import type { ScoringConfigInForce } from "./config.ts";
import type { PlanInForce } from "../plan/in-force.ts";
import {
  deriveProgress,
  progressFields,
  type IndicatorShape,
  type ProgressFields,
  type ReportFact,
} from "../progress/progress.ts";
import { itNumber, itPercent } from "../text/italian.ts";

/**
 * The plan scored at a date: what the Relazione, the monitoring report and the App Home
 * all read. State comes from Progress when nothing was recorded after that date; an
 * activity with later reports (or later undos) is rebuilt from its reports up to the date,
 * so a report printed today "al 30/06/2024" shows what was known on 30/06/2024.
 */

export interface EvaluatedState extends ActivityState {
  blockedReason: string | null;
  lastReportAt: Date | null;
  lastReporterId: string | null;
}

export interface ActivityEval {
  code: string;
  printedCode: string;
  title: string;
  /** The phase's weight inside its objective, from the plan; null when the document gives none. */
  weight: number | null;
  objectiveCode: string;
  /** null: a Comune-wide activity. */
  areaCode: string | null;
  indicatorName: string;
  indicatorIndex: string | null;
  targetText: string;
  targetKind: string;
  threshold: number | null;
  period: string | null;
  qualifier: string | null;
  unit: string | null;
  /** Deadline in force on the date (a variation's, else one set by hand, else the document's). */
  deadline: string | null;
  deadlineSource: "piano" | "manuale" | "variazione" | null;
  /** Since when this definition is in force (the adopted plan's date, or the variation's). */
  validFrom: string;
  /** The act of the variation in force, null when as adopted. */
  act: string | null;
  state: EvaluatedState;
  score: Score;
  /** Past its deadline at the evaluation date and not completed. */
  overdue: boolean;
  /** Days past the deadline (overdue ones), else 0. */
  daysLate: number;
  /** Evidence texts of its reports live at the date. */
  evidence: string[];
}

export interface ObjectiveEval {
  code: string;
  title: string;
  publicValue: string;
  weight: number | null;
  areaCode: string | null;
  activities: ActivityEval[];
  score: AggregateScore;
}

export interface SectionCounts {
  activities: number;
  completed: number;
  inProgress: number;
  notStarted: number;
  blocked: number;
  overdue: number;
}

export interface AreaEval {
  code: string;
  name: string;
  head: string | null;
  objectives: ObjectiveEval[];
  score: PointsScore;
  counts: SectionCounts;
}

export interface ComuneWideEval {
  objectives: ObjectiveEval[];
  score: PointsScore;
  counts: SectionCounts;
}

export interface PlanEvaluation {
  plan: { id: number; year: number; entity: string; sourceName: string; importedAt: Date };
  asOf: string;
  /** The adopted plan's act and the day it applies from. */
  adopted: { act: string | null; validFrom: string };
  config: ScoringConfigInForce;
  areas: AreaEval[];
  comuneWide: ComuneWideEval;
  heads: HeadLine[];
  /** The whole Comune: mean of the areas that could be scored. */
  overall: { percent: number | null; explanation: string; counts: SectionCounts };
}

/** The first instant after the Rome day `isoDay`: records at or after it came later. */
export function endOfRomeDay(isoDay: string): Date {
  const next = addDays(isoDay, 1);
  return new Date(
    new TZDate(+next.slice(0, 4), +next.slice(5, 7) - 1, +next.slice(8, 10), 0, 0, 0, TIME_ZONE).getTime(),
  );
}

export interface ReportForFold extends ReportFact {
  undoneAt: Date | null;
}

/**
 * The state of one activity as known at `cutoff`: its reports made before it and not
 * undone before it, derived exactly as the report service derives Progress.
 */
export function stateAt(reports: readonly ReportForFold[], cutoff: Date, indicator: IndicatorShape): EvaluatedState {
  const live = reports.filter((r) => r.createdAt < cutoff && !(r.undoneAt && r.undoneAt < cutoff));
  const d = deriveProgress(live, indicator);
  // Nothing recorded yet reads as "no report" rather than a status someone chose.
  return { ...progressFields<string | null>(d), status: live.length ? d.status : null };
}

const NO_REPORTS: EvaluatedState = Object.freeze({
  status: null,
  percent: null,
  count: null,
  achievedValue: null,
  completedOn: null,
  blockedReason: null,
  lastReportAt: null,
  lastReporterId: null,
});

const EMPTY_COUNTS = (): SectionCounts => ({
  activities: 0,
  completed: 0,
  inProgress: 0,
  notStarted: 0,
  blocked: 0,
  overdue: 0,
});

function addCounts(into: SectionCounts, a: ActivityEval): void {
  into.activities += 1;
  const st = a.state.status;
  if (st === "completata") into.completed += 1;
  else if (st === "bloccata") into.blocked += 1;
  else if (st === "in_corso") into.inProgress += 1;
  else into.notStarted += 1;
  if (a.overdue) into.overdue += 1;
}

/** What scoring a plan at a date reads: filled by the store (src/store/evaluation.ts). */
export interface EvaluationInput {
  plan: PlanEvaluation["plan"];
  /** The SMVP version in force on the date. */
  config: ScoringConfigInForce;
  /** The definitions in force on the date (adopted plan + variations up to it). */
  inForce: Pick<PlanInForce, "areas" | "objectives" | "activities" | "adoptedAct" | "adoptedFrom">;
  progress: (ProgressFields & { activityCode: string })[];
  /** Activities with reports (or undos) after the date: rebuilt from these, their reports made before it. */
  rebuild: Set<string>;
  reportsBefore: Map<string, ReportForFold[]>;
  /** Evidence texts of the reports live at the date, by activity code (the SMVP evidence rules read them). */
  evidence: Map<string, string[]>;
  /** The working calendar, for lateness in working days (SMVP rules.deadline.days). */
  calendar?: { workingDaysBetween(from: string, to: string): number };
}

export function evaluate(input: EvaluationInput, opts: { asOf: string }): PlanEvaluation {
  const { plan, config, inForce, progress, rebuild } = input;
  const year = plan.year;
  const cutoff = endOfRomeDay(opts.asOf);
  const folded = new Map<string, EvaluatedState>();
  if (rebuild.size) {
    const shapes = new Map(
      inForce.activities.map((a) => [a.code, { targetKind: a.target.kind, period: a.target.period }]),
    );
    for (const code of rebuild)
      folded.set(
        code,
        stateAt(input.reportsBefore.get(code) ?? [], cutoff, shapes.get(code) ?? { targetKind: "text", period: null }),
      );
  }

  const progressByCode = new Map(progress.map((p) => [p.activityCode, p]));
  const ctx: ScoringContext = { planYear: year, asOf: opts.asOf, config: config.config, calendar: input.calendar };
  const { areas, objectives } = inForce;
  const objectiveByCode = new Map(objectives.map((o) => [o.code, o]));
  const actsByObjective = new Map<string, ActivityEval[]>();

  for (const a of inForce.activities) {
    const objective = objectiveByCode.get(a.objectiveCode);
    if (!objective) continue; // its objective is not in force
    const deadline = a.effectiveDeadline;
    const p = progressByCode.get(a.code);
    const state: EvaluatedState = folded.get(a.code) ?? (p ? progressFields<string | null>(p) : NO_REPORTS);
    const evidence = input.evidence.get(a.code) ?? [];
    const score = scoreActivity(
      {
        code: a.code,
        targetKind: a.target.kind,
        targetText: a.target.text,
        threshold: a.target.threshold,
        comparator: a.target.comparator,
        period: a.target.period,
        qualifier: a.target.qualifier,
        unit: a.target.unit,
        deadline,
        state,
        evidence,
      },
      ctx,
    );
    const overdue = deadline != null && deadline < opts.asOf && state.status !== "completata";
    const ev: ActivityEval = {
      code: a.code,
      printedCode: a.printedCode,
      title: a.title,
      weight: a.weight,
      objectiveCode: objective.code,
      areaCode: objective.areaCode,
      indicatorName: a.indicator.name,
      indicatorIndex: a.indicator.index,
      targetText: a.target.text,
      targetKind: a.target.kind,
      threshold: a.target.threshold,
      period: a.target.period,
      qualifier: a.target.qualifier,
      unit: a.target.unit,
      deadline,
      deadlineSource: a.deadlineSource,
      validFrom: a.inForce.validFrom ?? inForce.adoptedFrom,
      act: a.inForce.act,
      state,
      score,
      overdue,
      daysLate: overdue ? daysBetween(deadline!, opts.asOf) : 0,
      evidence,
    };
    const list = actsByObjective.get(objective.code);
    if (list) list.push(ev);
    else actsByObjective.set(objective.code, [ev]);
  }

  const objectiveEvals = new Map<string, ObjectiveEval>();
  for (const o of objectives) {
    const acts = actsByObjective.get(o.code) ?? [];
    objectiveEvals.set(o.code, {
      code: o.code,
      title: o.title,
      publicValue: o.publicValue,
      weight: o.weight,
      areaCode: o.areaCode,
      activities: acts,
      score: scoreObjective(o.code, acts, ctx),
    });
  }

  const section = (objs: ObjectiveEval[], maxPoints: number) => {
    const counts = EMPTY_COUNTS();
    for (const o of objs) for (const a of o.activities) addCounts(counts, a);
    return { objectives: objs, score: scoreArea(objs, maxPoints), counts };
  };

  const areaEvals: AreaEval[] = areas.map((area) => ({
    code: area.code,
    name: area.name,
    head: area.head,
    ...section(
      objectives.filter((o) => o.areaCode === area.code).map((o) => objectiveEvals.get(o.code)!),
      config.config.maxPoints,
    ),
  }));
  const comuneWide = section(
    objectives.filter((o) => o.areaCode == null).map((o) => objectiveEvals.get(o.code)!),
    config.config.comuneWideMaxPoints,
  );

  const scored = areaEvals.filter((a) => a.score.percent != null);
  const overallPercent = scored.length ? scored.reduce((s, a) => s + a.score.percent!, 0) / scored.length : null;
  const overallCounts = EMPTY_COUNTS();
  for (const s of [...areaEvals, comuneWide])
    for (const k of Object.keys(overallCounts) as (keyof SectionCounts)[]) overallCounts[k] += s.counts[k];

  return {
    plan,
    asOf: opts.asOf,
    adopted: { act: inForce.adoptedAct, validFrom: inForce.adoptedFrom },
    config,
    areas: areaEvals,
    comuneWide,
    heads: scoreHeads(areaEvals, config.config.maxPoints),
    overall: {
      percent: overallPercent,
      explanation:
        overallPercent == null
          ? "Nessuna area valutabile"
          : `Media di ${scored.length} aree: (${sumText(
              () => scored.map((a) => itNumber(a.score.percent!, 2)),
              scored.reduce((s, a) => s + a.score.percent!, 0),
            )})/${scored.length} = ${itPercent(overallPercent, 2)}`,
      counts: overallCounts,
    },
  };
}
