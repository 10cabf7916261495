import { REPLAY_SELECT } from "./report-replay.ts";
import type { Db, Tx } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { endOfRomeDay, stateAt, type EvaluatedState } from "../domain/scoring/evaluation.ts";
import { addDays } from "../domain/calendar/days.ts";
import { currentPlan } from "./plan.ts";
import {
  countWindow,
  periodsElapsed,
  scoreArea,
  type AggregateScore,
  type ScoreState,
  type ScoringContext,
} from "../domain/scoring/scoring.ts";
import type { ScoringConfig } from "../domain/scoring/config.ts";
import { loadScoringConfig } from "./scoring-config.ts";
import {
  objectiveScoreFromCounts,
  type ObjectiveCounts,
  type ScoreSummary,
  type SectionSummary,
} from "../domain/scoring/summary.ts";

/**
 * Every area's score at a date, computed in SQLite: one aggregate query returns one row per
 * objective, instead of 100,000 activity rows scored one by one in JS. It is the SMVP's
 * activity rules (scoreActivity in domain/scoring/scoring.ts) written as one SQL expression; the
 * objective and area steps run in TS on the per-objective sums (domain/scoring/summary.ts).
 * test/store/score-summary.test.ts holds it equal to evaluatePlan on varied plans: a rule
 * changed in domain/scoring must be changed here too, or that test fails.
 */

type Reader = Db | Tx;

/** Sentinels for the two states without a percentage (real percentages are >= 0). */
const NOT_EVALUABLE = -1e9;
const NOT_DUE = -2e9;

interface ObjectiveRow {
  id: number;
  code: string;
  weight: number | null;
  areaId: number | null;
  n: number;
  evaluated: number;
  notDue: number;
  notEvaluable: number;
  wsum: number | null;
  wtotal: number | null;
  missed: number;
  completed: number;
  overdue: number;
}

/** A real as text that reads back as the same double (json_array would keep 15 digits only). */
const exact = (column: string) =>
  Prisma.raw(`CASE WHEN ${column} IS NULL THEN NULL ELSE printf('%!.17g', ${column}) END`);
const real = (v: string | number | null | undefined) => (v == null ? null : Number(v));

/** States rebuilt from reports for the activities with records after the date (as evaluatePlan does). */
async function foldedStates(
  db: Reader,
  planId: number,
  year: number,
  cutoff: Date,
): Promise<[string, EvaluatedState][]> {
  const later = await db.report.findMany({
    where: { planYear: year, OR: [{ createdAt: { gte: cutoff } }, { undoneAt: { gte: cutoff } }] },
    select: { activityCode: true },
    distinct: ["activityCode"],
  });
  if (!later.length) return [];
  const codes = later.map((r) => r.activityCode);
  const [reports, shapes] = await Promise.all([
    db.report.findMany({
      where: { planYear: year, activityCode: { in: codes }, createdAt: { lt: cutoff } },
      select: REPLAY_SELECT,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    }),
    db.activity.findMany({
      where: { planId, code: { in: codes } },
      select: { code: true, targetKind: true, period: true },
    }),
  ]);
  const shapeOf = new Map(shapes.map((s) => [s.code, s]));
  return codes.map((code) => [
    code,
    stateAt(
      reports.filter((r) => r.activityCode === code),
      cutoff,
      shapeOf.get(code) ?? { targetKind: "text", period: null },
    ),
  ]);
}

/** Periods elapsed for every (period, qualifier) of the count targets: null when the qualifier names no season. */
async function countPeriods(
  db: Reader,
  planId: number,
  ctx: ScoringContext,
): Promise<[string, string | null, number | null][]> {
  const pairs = await db.$queryRaw<{ period: string; qualifier: string | null }[]>`
    SELECT DISTINCT period, qualifier FROM "Activity"
    WHERE planId = ${planId} AND archivedAt IS NULL AND targetKind = 'count' AND period IS NOT NULL`;
  return pairs.map(({ period, qualifier }) => {
    const w = countWindow({ qualifier }, ctx);
    return [period, qualifier, w ? periodsElapsed(period, w, ctx.asOf) : null];
  });
}

function activityScoreSql(config: ScoringConfig, asOf: string, workingDays: boolean): Prisma.Sql {
  const completed = Prisma.sql`CASE WHEN status = 'completata' THEN 100.0 ELSE 0.0 END`;
  const calendarLate = Prisma.sql`CAST(round(julianday(substr(completedOn, 1, 10)) - julianday(substr(deadline, 1, 10))) AS INTEGER)`;
  // In working days (SMVP rules.deadline.days = "lavorativi", as lateDays counts them): the days in
  // (deadline, completedOn] less the closed ones among them, read as the difference of two running
  // counts of closed days (columns closedByDeadline, closedByCompletion: see closedToSql).
  const late = workingDays
    ? Prisma.sql`(${calendarLate} - MAX(0, closedByCompletion - closedByDeadline))`
    : calendarLate;
  const lateScore =
    config.rules.deadline.late === "zero"
      ? Prisma.sql`0.0`
      : Prisma.sql`COALESCE((SELECT b.pct FROM bands b WHERE ${late} <= b.maxLate ORDER BY b.i LIMIT 1), 0.0)`;
  const deadline = Prisma.sql`CASE
      WHEN deadline IS NULL THEN ${NOT_EVALUABLE}
      WHEN status = 'completata' THEN CASE
        WHEN completedOn IS NULL THEN ${NOT_EVALUABLE}
        WHEN ${late} <= 0 THEN 100.0
        ELSE ${lateScore} END
      WHEN deadline >= ${asOf} THEN ${NOT_DUE}
      ELSE 0.0 END`;
  const ratio = (achieved: Prisma.Sql) => Prisma.sql`CASE
      WHEN threshold IS NULL THEN ${NOT_EVALUABLE}
      WHEN ${achieved} IS NULL THEN ${completed}
      WHEN threshold <= 0 THEN 100.0
      ELSE MAX(0.0, MIN(100.0, (${achieved} / threshold) * 100)) END`;
  const scaled = config.rules.count.scaleByPeriod;
  const target = scaled
    ? Prisma.sql`(CASE WHEN period IS NOT NULL THEN threshold * periods ELSE threshold END)`
    : Prisma.sql`threshold`;
  const countMet =
    config.rules.count.mode === "soglia"
      ? Prisma.sql`CASE WHEN cnt >= ${target} THEN 100.0 ELSE 0.0 END`
      : Prisma.sql`MAX(0.0, MIN(100.0, (cnt / ${target}) * 100))`;
  const count = Prisma.sql`CASE
      WHEN threshold IS NULL THEN ${NOT_EVALUABLE}
      ${scaled ? Prisma.sql`WHEN period IS NOT NULL AND periods IS NULL THEN ${NOT_EVALUABLE} WHEN period IS NOT NULL AND periods <= 0 THEN ${NOT_DUE}` : Prisma.empty}
      WHEN cnt IS NULL THEN ${completed}
      WHEN ${target} <= 0 THEN 100.0
      ELSE ${countMet} END`;
  return Prisma.sql`CASE
      WHEN manualPct IS NOT NULL THEN manualPct
      WHEN kind = 'percentage' THEN ${ratio(Prisma.sql`percent`)}
      WHEN kind = 'amount' THEN ${ratio(Prisma.sql`achieved`)}
      WHEN kind = 'count' THEN ${count}
      WHEN kind = 'boolean' THEN CASE WHEN achieved IS NOT NULL THEN (CASE WHEN achieved >= 1 THEN 100.0 ELSE 0.0 END) ELSE ${completed} END
      WHEN kind = 'upper_bound' THEN CASE
        WHEN threshold IS NULL THEN ${NOT_EVALUABLE}
        WHEN achieved IS NULL THEN ${completed}
        WHEN achieved <= threshold THEN 100.0
        ELSE (threshold / achieved) * 100 END
      ELSE ${deadline} END`;
}

/**
 * The plan's scores at `asOf`, area by area, without the per-activity detail: what the App
 * Home shows. Same figures as evaluatePlan (which the Relazione reads), at a fraction of the cost.
 */
export async function summarizeScores(
  db: Reader,
  opts: { year?: number; asOf: string; calendar?: { isWorkingDay(day: string): boolean } },
): Promise<ScoreSummary> {
  const ref = await currentPlan(db, opts.year);
  const year = ref.year;
  const cutoff = endOfRomeDay(opts.asOf);
  const [inForce, areas, folded] = await Promise.all([
    loadScoringConfig(db, year, opts.asOf),
    db.area.findMany({
      where: { planId: ref.id, archivedAt: null },
      orderBy: { position: "asc" },
      select: { id: true, code: true, name: true, head: true },
    }),
    foldedStates(db, ref.id, year, cutoff),
  ]);
  const config = inForce.config;
  const ctx: ScoringContext = { planYear: year, asOf: opts.asOf, config };
  const windows = await countPeriods(db, ref.id, ctx);
  const json = (v: unknown) => JSON.stringify(v);
  const workingDays = opts.calendar !== undefined && config.rules.deadline.days === "lavorativi";
  const closedTo = closedDaysUpTo(year, workingDays ? opts.calendar! : null);
  const manual = json(
    Object.fromEntries(Object.entries(config.manualEvaluations).map(([code, m]) => [code, m.percent])),
  );
  const foldedJson = json(
    folded.map(([code, s]) => [code, s.status, s.percent, s.count, s.achievedValue, s.completedOn]),
  );

  // Tables for what the configuration and the reports add, joined only when not empty.
  const manualCodes = Object.keys(config.manualEvaluations).length > 0;
  const weighted = Object.keys(config.activityWeights).length > 0;
  const sql = Prisma.sql`
    WITH
      man(code, pct) AS MATERIALIZED (SELECT key, CAST(value AS REAL) FROM json_each(${manual})),
      closedTo(day, n) AS MATERIALIZED (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(${json(closedTo.days)})),
      wts(code, w) AS MATERIALIZED (SELECT key, CAST(value AS REAL) FROM json_each(${json(config.activityWeights)})),
      bands(i, maxLate, pct) AS (SELECT key, json_extract(value, '$.maxDaysLate'), CAST(json_extract(value, '$.percent') AS REAL) FROM json_each(${json(config.rules.deadline.bands)})),
      win(period, qualifier, periods) AS MATERIALIZED (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(${json(windows)})),
      fold(code, status, percent, cnt, achieved, completedOn) AS MATERIALIZED (
        SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), CAST(json_extract(value, '$[2]') AS REAL),
               CAST(json_extract(value, '$[3]') AS REAL), CAST(json_extract(value, '$[4]') AS REAL), json_extract(value, '$[5]')
        FROM json_each(${foldedJson})),
      s AS (
        SELECT a.objectiveId AS objectiveId, a.targetKind AS kind, a.threshold AS threshold, a.period AS period,
               ${windows.length ? Prisma.sql`win.periods` : Prisma.sql`NULL`} AS periods,
               COALESCE(md.deadline, a.deadline) AS deadline,
               ${
                 folded.length
                   ? Prisma.sql`CASE WHEN f.code IS NULL THEN p.status ELSE f.status END AS status,
               CASE WHEN f.code IS NULL THEN p.percent ELSE f.percent END AS percent,
               CASE WHEN f.code IS NULL THEN p.count ELSE f.cnt END AS cnt,
               CASE WHEN f.code IS NULL THEN p.achievedValue ELSE f.achieved END AS achieved,
               CASE WHEN f.code IS NULL THEN p.completedOn ELSE f.completedOn END AS completedOn,`
                   : Prisma.sql`p.status AS status, p.percent AS percent, p.count AS cnt, p.achievedValue AS achieved, p.completedOn AS completedOn,`
               }
               ${manualCodes ? Prisma.sql`man.pct` : Prisma.sql`NULL`} AS manualPct,
               -- the configuration's activityWeights, else the phase weight printed in the plan, else 1 (scoreObjective)
               ${weighted ? Prisma.sql`COALESCE(wts.w, CASE WHEN a.weight > 0 THEN a.weight ELSE 1.0 END)` : Prisma.sql`CASE WHEN a.weight > 0 THEN a.weight ELSE 1.0 END`} AS w
        FROM "Activity" a
        LEFT JOIN "ManualDeadline" md ON md.planYear = ${year} AND md.activityCode = a.code
        LEFT JOIN "Progress" p ON p.planYear = ${year} AND p.activityCode = a.code
        ${folded.length ? Prisma.sql`LEFT JOIN fold f ON f.code = a.code` : Prisma.empty}
        ${manualCodes ? Prisma.sql`LEFT JOIN man ON man.code = a.code` : Prisma.empty}
        ${weighted ? Prisma.sql`LEFT JOIN wts ON wts.code = a.code` : Prisma.empty}
        ${windows.length ? Prisma.sql`LEFT JOIN win ON a.targetKind = 'count' AND win.period = a.period AND win.qualifier IS a.qualifier` : Prisma.empty}
        WHERE a.planId = ${ref.id} AND a.archivedAt IS NULL),
      sc AS (
        SELECT objectiveId, status, deadline, w, ${activityScoreSql(config, opts.asOf, workingDays)} AS pct
        FROM ${workingDays ? closedToSql(closedTo) : Prisma.sql`s`}),
      byObjective AS (
        SELECT objectiveId,
               COUNT(*) AS n,
               SUM(pct >= 0) AS evaluated,
               SUM(pct = ${NOT_DUE}) AS notDue,
               SUM(pct = ${NOT_EVALUABLE}) AS notEvaluable,
               SUM(CASE WHEN pct >= 0 THEN pct * w END) AS wsum,
               SUM(CASE WHEN pct >= 0 THEN w END) AS wtotal,
               SUM(pct >= 0 AND pct < ${config.metThreshold}) AS missed,
               SUM(status = 'completata') AS completed,
               SUM(deadline IS NOT NULL AND deadline < ${opts.asOf} AND status IS NOT 'completata') AS overdue
        -- Each activity's score must be computed once, not once per aggregate that reads it (flattened into the
        -- GROUP BY, the CASE would run nine times a row): a subquery with a LIMIT is never flattened into an aggregate
        -- (SQLite's flattening rule 15), so it runs as a co-routine handing over computed rows, in objectiveId order
        -- (the covering index Activity_scope_idx) so the grouping sorts nothing. Materializing it did the same, but
        -- wrote and sorted 100,000 rows.
        FROM (SELECT * FROM sc ORDER BY objectiveId LIMIT -1) GROUP BY objectiveId)
    -- One row holding every objective as JSON: 20,000 rows of 13 columns cost more to hand over
    -- through the driver than to compute.
    SELECT json_group_array(json_array(o.id, o.code, ${exact("o.weight")}, o.areaId,
             COALESCE(b.n, 0), COALESCE(b.evaluated, 0), COALESCE(b.notDue, 0), COALESCE(b.notEvaluable, 0),
             ${exact("b.wsum")}, ${exact("b.wtotal")}, COALESCE(b.missed, 0), COALESCE(b.completed, 0), COALESCE(b.overdue, 0))
           ORDER BY o.position) AS objectives
    FROM "Objective" o
    LEFT JOIN byObjective b ON b.objectiveId = o.id
    WHERE o.planId = ${ref.id} AND o.archivedAt IS NULL`;
  const [out] = await db.$queryRaw<{ objectives: string }[]>(sql);
  type Cell = string | number | null;
  const rows: ObjectiveRow[] = (JSON.parse(out!.objectives) as Cell[][]).map(
    ([id, code, weight, areaId, n, evaluated, notDue, notEvaluable, wsum, wtotal, missed, completed, overdue]) => ({
      id: id as number,
      code: code as string,
      weight: real(weight),
      areaId: areaId as number | null,
      n: n as number,
      evaluated: evaluated as number,
      notDue: notDue as number,
      notEvaluable: notEvaluable as number,
      wsum: real(wsum),
      wtotal: real(wtotal),
      missed: missed as number,
      completed: completed as number,
      overdue: overdue as number,
    }),
  );

  const objectives = rows.map((r) => {
    const counts: ObjectiveCounts = {
      activities: r.n,
      evaluated: r.evaluated,
      notDue: r.notDue,
      notEvaluable: r.notEvaluable,
      weightedSum: r.wsum ?? 0,
      weightTotal: r.wtotal ?? 0,
      missed: r.missed,
    };
    const method = config.objective.overrides[r.code] ?? config.objective.method;
    return { row: r, score: objectiveScoreFromCounts(method, counts) };
  });

  const section = (objs: typeof objectives, maxPoints: number): Omit<SectionSummary, "code" | "name" | "head"> => {
    const score = scoreArea(
      objs.map((o) => ({ code: o.row.code, weight: o.row.weight, score: o.score as AggregateScore })),
      maxPoints,
    );
    let activities = 0;
    let completed = 0;
    let overdue = 0;
    for (const o of objs) {
      activities += o.row.n;
      completed += o.row.completed;
      overdue += o.row.overdue;
    }
    return {
      objectives: objs.length,
      state: score.state,
      percent: score.percent,
      points: score.points,
      maxPoints,
      counts: { activities, completed, overdue },
    };
  };
  const areaSummaries: SectionSummary[] = areas.map((a) => ({
    code: a.code,
    name: a.name,
    head: a.head,
    ...section(
      objectives.filter((o) => o.row.areaId === a.id),
      config.maxPoints,
    ),
  }));
  const comuneWide = section(
    objectives.filter((o) => o.row.areaId == null),
    config.comuneWideMaxPoints,
  );
  const scored = areaSummaries.filter((a) => a.percent != null);
  return {
    plan: { id: ref.id, year },
    asOf: opts.asOf,
    areas: areaSummaries,
    comuneWide: { code: "ENTE", name: "", head: null, ...comuneWide },
    overallPercent: scored.length ? scored.reduce((s, a) => s + a.percent!, 0) / scored.length : null,
  };
}

export type { ScoreState };

interface ClosedTo {
  /** Every day from the year before the plan's to the year after, with the closed days (weekends, holidays, closures) up to it. */
  days: [string, number][];
  first: string;
  last: string;
  total: number;
}

/**
 * Running counts of closed days: the closed days in (deadline, completedOn] are
 * n(completedOn) - n(deadline), two lookups per activity instead of a count over the closed
 * days. Before the first day none is counted, after the last all of them (as a count over the
 * closed days of these years would).
 */
function closedDaysUpTo(year: number, calendar: { isWorkingDay(day: string): boolean } | null): ClosedTo {
  const first = `${year - 1}-01-01`;
  const days: [string, number][] = [];
  let n = 0;
  let last = first;
  if (calendar)
    for (let d = first; d < `${year + 2}-01-01`; d = addDays(d, 1)) {
      if (!calendar.isWorkingDay(d)) n++;
      days.push([d, n]);
      last = d;
    }
  return { days, first, last, total: n };
}

/** `s` with the running closed-day counts at each activity's deadline and completion day. */
function closedToSql(c: ClosedTo): Prisma.Sql {
  const at = (alias: string, day: Prisma.Sql) =>
    Prisma.sql`COALESCE(${Prisma.raw(alias)}.n, CASE WHEN ${day} < ${c.first} THEN 0 WHEN ${day} > ${c.last} THEN ${c.total} END)`;
  const deadline = Prisma.sql`substr(s.deadline, 1, 10)`;
  const completion = Prisma.sql`substr(s.completedOn, 1, 10)`;
  return Prisma.sql`(SELECT s.*, ${at("cd", deadline)} AS closedByDeadline, ${at("cc", completion)} AS closedByCompletion
    FROM s LEFT JOIN closedTo cd ON cd.day = ${deadline} LEFT JOIN closedTo cc ON cc.day = ${completion})`;
}
