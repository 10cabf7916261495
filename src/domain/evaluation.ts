import { TZDate } from "@date-fns/tz";
import { addDays, daysBetween, TIME_ZONE } from "../clock.ts";
import { loadCalendar } from "../store/calendar.ts";
import type { Db, Tx } from "../db/client.ts";
import { currentPlan } from "./plan-repo.ts";
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
import { loadScoringConfig, type ScoringConfigInForce } from "./scoring-config.ts";
import { deriveProgress, type IndicatorShape, type ReportFact } from "./progress.ts";
import { itNumber, itPercent } from "./italian-format.ts";

/**
 * The plan scored at a date: what the Relazione, the monitoring report and the App Home
 * all read. State comes from Progress when nothing was recorded after that date; an
 * activity with later reports (or later undos) is rebuilt from its reports up to the date,
 * so a report printed today "al 30/06/2024" shows what was known on 30/06/2024.
 */

type Reader = Db | Tx;

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

interface ReportForFold extends ReportFact {
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

export async function evaluatePlan(db: Reader, opts: { year?: number; asOf: string; patron?: string }): Promise<PlanEvaluation> {
  const ref = await currentPlan(db, opts.year);
  const year = ref.year;
  const cutoff = endOfRomeDay(opts.asOf);
  const [plan, config, areas, objectives, activities, progress, manual, later] = await Promise.all([
    db.plan.findUniqueOrThrow({ where: { id: ref.id }, select: { id: true, year: true, entity: true, sourceName: true, importedAt: true } }),
    loadScoringConfig(db, year),
    db.area.findMany({ where: { planId: ref.id, archivedAt: null }, orderBy: { position: "asc" }, select: { id: true, code: true, name: true, head: true } }),
    db.objective.findMany({
      where: { planId: ref.id, archivedAt: null },
      orderBy: { position: "asc" },
      select: { id: true, code: true, title: true, publicValue: true, weight: true, areaId: true },
    }),
    db.activity.findMany({
      where: { planId: ref.id, archivedAt: null },
      orderBy: { position: "asc" },
      select: {
        code: true,
        printedCode: true,
        title: true,
        objectiveId: true,
        indicatorName: true,
        indicatorIndex: true,
        targetText: true,
        targetKind: true,
        deadline: true,
        threshold: true,
        comparator: true,
        period: true,
        unit: true,
        qualifier: true,
      },
    }),
    db.progress.findMany({ where: { planYear: year } }),
    db.manualDeadline.findMany({ where: { planYear: year }, select: { activityCode: true, deadline: true } }),
    // Activities whose Progress is newer than the date: they are rebuilt from their reports.
    db.report.findMany({
      where: { planYear: year, OR: [{ createdAt: { gte: cutoff } }, { undoneAt: { gte: cutoff } }] },
      select: { activityCode: true },
      distinct: ["activityCode"],
    }),
  ]);

  const rebuild = new Set(later.map((r) => r.activityCode));
  const folded = new Map<string, EvaluatedState>();
  if (rebuild.size) {
    const reports = await db.report.findMany({
      where: { planYear: year, activityCode: { in: [...rebuild] }, createdAt: { lt: cutoff } },
      select: { id: true, activityCode: true, kind: true, status: true, value: true, occurredOn: true, note: true, userId: true, createdAt: true, undoneAt: true },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    const byCode = new Map<string, ReportForFold[]>();
    for (const r of reports) {
      const list = byCode.get(r.activityCode);
      if (list) list.push(r);
      else byCode.set(r.activityCode, [r]);
    }
    const shapes = new Map(activities.map((a) => [a.code, { targetKind: a.targetKind, period: a.period }]));
    for (const code of rebuild) folded.set(code, stateAt(byCode.get(code) ?? [], cutoff, shapes.get(code) ?? { targetKind: "text", period: null }));
  }

  const progressByCode = new Map(progress.map((p) => [p.activityCode, p]));
  const manualByCode = new Map(manual.map((m) => [m.activityCode, m.deadline]));
  // Lateness in working days (SMVP rules.deadline.days): the Comune's calendar, the patron set with the CLI or PATRONO.
  const calendar = await loadCalendar(db, opts.patron);
  const ctx: ScoringContext = { planYear: year, asOf: opts.asOf, config: config.config, calendar };
  const areaById = new Map(areas.map((a) => [a.id, a]));
  const objectiveById = new Map(objectives.map((o) => [o.id, o]));
  const actsByObjective = new Map<number, ActivityEval[]>();

  for (const a of activities) {
    const objective = objectiveById.get(a.objectiveId);
    if (!objective) continue; // its objective was archived
    const manualDeadline = manualByCode.get(a.code) ?? null;
    const deadline = manualDeadline ?? a.deadline;
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
