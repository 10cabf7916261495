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
import { deriveProgress, type IndicatorShape, type ReportFact } from "../progress/progress.ts";
import { itNumber, itPercent } from "../text/italian.ts";
import { effectiveDeadline } from "../plan/deadline.ts";

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
  /** Effective deadline (set by hand wins). */
  deadline: string | null;
  deadlineSource: "piano" | "manuale" | null;
  state: EvaluatedState;
  score: Score;
  /** Past its deadline at the evaluation date and not completed. */
  overdue: boolean;
  /** Days past the deadline (overdue ones), else 0. */
  daysLate: number;
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
  return new Date(new TZDate(+next.slice(0, 4), +next.slice(5, 7) - 1, +next.slice(8, 10), 0, 0, 0, TIME_ZONE).getTime());
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
  return {
    // Nothing recorded yet reads as "no report" rather than a status someone chose.
    status: live.length ? d.status : null,
    percent: d.percent,
    count: d.count,
    achievedValue: d.achievedValue,
    completedOn: d.completedOn,
    blockedReason: d.blockedReason,
    lastReportAt: d.lastReportAt,
    lastReporterId: d.lastReporterId,
  };
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

const EMPTY_COUNTS = (): SectionCounts => ({ activities: 0, completed: 0, inProgress: 0, notStarted: 0, blocked: 0, overdue: 0 });

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
  config: ScoringConfigInForce;
  areas: { id: number; code: string; name: string; head: string | null }[];
  objectives: { id: number; code: string; title: string; publicValue: string; weight: number | null; areaId: number | null }[];
  activities: {
    code: string;
    printedCode: string;
    title: string;
    objectiveId: number;
    indicatorName: string;
    indicatorIndex: string | null;
    targetText: string;
    targetKind: string;
    deadline: string | null;
    threshold: number | null;
    comparator: string | null;
    period: string | null;
    unit: string | null;
    qualifier: string | null;
  }[];
  progress: {
    activityCode: string;
    status: string;
    percent: number | null;
    count: number | null;
    achievedValue: number | null;
    completedOn: string | null;
    blockedReason: string | null;
    lastReportAt: Date | null;
    lastReporterId: string | null;
  }[];
  manual: { activityCode: string; deadline: string }[];
  /** Activities with reports (or undos) after the date: rebuilt from these, their reports made before it. */
  rebuild: Set<string>;
  reportsBefore: Map<string, ReportForFold[]>;
  /** The working calendar, for lateness in working days (SMVP rules.deadline.days). */
  calendar?: { workingDaysBetween(from: string, to: string): number };
}

/** The plan scored at `asOf` from what the store read. */
export function evaluate(input: EvaluationInput, opts: { asOf: string }): PlanEvaluation {
  const { plan, config, areas, objectives, activities, progress, manual, rebuild } = input;
  const year = plan.year;
  const cutoff = endOfRomeDay(opts.asOf);
  const folded = new Map<string, EvaluatedState>();
  if (rebuild.size) {
    const shapes = new Map(activities.map((a) => [a.code, { targetKind: a.targetKind, period: a.period }]));
    for (const code of rebuild) folded.set(code, stateAt(input.reportsBefore.get(code) ?? [], cutoff, shapes.get(code) ?? { targetKind: "text", period: null }));
  }

  const progressByCode = new Map(progress.map((p) => [p.activityCode, p]));
  const manualByCode = new Map(manual.map((m) => [m.activityCode, m.deadline]));
  const ctx: ScoringContext = { planYear: year, asOf: opts.asOf, config: config.config, calendar: input.calendar };
  const areaById = new Map(areas.map((a) => [a.id, a]));
  const objectiveById = new Map(objectives.map((o) => [o.id, o]));
  const actsByObjective = new Map<number, ActivityEval[]>();

  for (const a of activities) {
    const objective = objectiveById.get(a.objectiveId);
    if (!objective) continue; // its objective was archived
    const manualDeadline = manualByCode.get(a.code) ?? null;
    const deadline = effectiveDeadline(a, manualDeadline === null ? null : { deadline: manualDeadline });
    const p = progressByCode.get(a.code);
    const state: EvaluatedState =
      folded.get(a.code) ??
      (p
        ? {
            status: p.status,
            percent: p.percent,
            count: p.count,
            achievedValue: p.achievedValue,
            completedOn: p.completedOn,
            blockedReason: p.blockedReason,
            lastReportAt: p.lastReportAt,
            lastReporterId: p.lastReporterId,
          }
        : NO_REPORTS);
    const score = scoreActivity(
      { code: a.code, targetKind: a.targetKind, targetText: a.targetText, threshold: a.threshold, comparator: a.comparator, period: a.period, qualifier: a.qualifier, unit: a.unit, deadline, state },
      ctx,
    );
    const overdue = deadline != null && deadline < opts.asOf && state.status !== "completata";
    const ev: ActivityEval = {
      code: a.code,
      printedCode: a.printedCode,
      title: a.title,
      objectiveCode: objective.code,
      areaCode: objective.areaId == null ? null : (areaById.get(objective.areaId)?.code ?? null),
      indicatorName: a.indicatorName,
      indicatorIndex: a.indicatorIndex,
      targetText: a.targetText,
      targetKind: a.targetKind,
      threshold: a.threshold,
      period: a.period,
      qualifier: a.qualifier,
      unit: a.unit,
      deadline,
      deadlineSource: manualDeadline ? "manuale" : a.deadline ? "piano" : null,
      state,
      score,
      overdue,
      daysLate: overdue ? daysBetween(deadline!, opts.asOf) : 0,
    };
    const list = actsByObjective.get(a.objectiveId);
    if (list) list.push(ev);
    else actsByObjective.set(a.objectiveId, [ev]);
  }

  const objectiveEvals = new Map<number, ObjectiveEval>();
  for (const o of objectives) {
    const acts = actsByObjective.get(o.id) ?? [];
    objectiveEvals.set(o.id, {
      code: o.code,
      title: o.title,
      publicValue: o.publicValue,
      weight: o.weight,
      areaCode: o.areaId == null ? null : (areaById.get(o.areaId)?.code ?? null),
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
      objectives.filter((o) => o.areaId === area.id).map((o) => objectiveEvals.get(o.id)!),
      config.config.maxPoints,
    ),
  }));
  const comuneWide = section(
    objectives.filter((o) => o.areaId == null).map((o) => objectiveEvals.get(o.id)!),
    config.config.comuneWideMaxPoints,
  );

  const scored = areaEvals.filter((a) => a.score.percent != null);
  const overallPercent = scored.length ? scored.reduce((s, a) => s + a.score.percent!, 0) / scored.length : null;
  const overallCounts = EMPTY_COUNTS();
  for (const s of [...areaEvals, comuneWide]) for (const k of Object.keys(overallCounts) as (keyof SectionCounts)[]) overallCounts[k] += s.counts[k];

  return {
    plan,
    asOf: opts.asOf,
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
