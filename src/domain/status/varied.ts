import { addDays } from "../calendar/days.ts";
import { activityCompletion, weightedMean } from "../progress/completion.ts";
import {
  DUE_SOON_DAYS,
  OBJECTIVES_SHOWN,
  type AreaInfo,
  type DeadlineRow,
  type ObjectiveStatus,
  type TotalsRow,
} from "./status.ts";

/**
 * /stato with variations. The aggregate SQL runs over the adopted rows of the objectives
 * no variation touches; the touched ones (few) come in force on the day from
 * store/varied-objectives.ts and are summed here by the TS twin of that SQL
 * (activityCompletion), then merged. test/domain/status-variations.test.ts holds the
 * two paths equal.
 */

export interface VariedActivity {
  code: string;
  title: string;
  objectiveCode: string;
  targetKind: string;
  threshold: number | null;
  period: string | null;
  /** "nella stagione estiva": a pace bound to a season (not checked by the digest). */
  qualifier: string | null;
  /** In force: a variation's, else set by hand, else the document's. */
  deadline: string | null;
  status: string | null;
  percent: number | null;
  count: number | null;
  achievedValue: number | null;
  targetText: string;
  involvesAllAreas: boolean;
  involvedAreas: string;
  position: number;
}

export interface VariedObjective {
  id: number;
  code: string;
  title: string;
  weight: number | null;
  areaId: number | null;
  areaCode: string | null;
  position: number;
  activities: VariedActivity[];
}

export interface VariedObjectives {
  /** Adopted objective ids the SQL must skip (in force or not on the day). */
  excludeIds: number[];
  excludedCodes: Set<string>;
  /** Those in force on the day, in plan order, with their activities in force. */
  objectives: VariedObjective[];
}

/** The varied objectives in force that belong to the scope (an area, the Comune-wide ones, or all). */
export function variedInScope(varied: VariedObjectives | null, area: AreaInfo | null | "all"): VariedObjective[] {
  if (!varied) return [];
  if (area === "all") return varied.objectives;
  return varied.objectives.filter((o) => (area === null ? o.areaCode === null : o.areaId === area.id));
}

/** The same per-objective figures as totalsRows' inner query, grouped by area. */
export function variedTotals(objectives: readonly VariedObjective[], today: string): Map<number | null, TotalsRow> {
  const horizon = addDays(today, DUE_SOON_DAYS);
  const out = new Map<number | null, TotalsRow>();
  for (const o of objectives) {
    const n = o.activities.length;
    if (n === 0) continue;
    let score = 0;
    let done = 0;
    let od = 0;
    let ds = 0;
    for (const a of o.activities) {
      score += activityCompletion(a);
      if (a.status === "completata") {
        done += 1;
        continue;
      }
      if (a.deadline !== null && a.deadline < today) od += 1;
      else if (a.deadline !== null && a.deadline <= horizon) ds += 1;
    }
    const weighted = o.weight !== null && o.weight > 0;
    const t: TotalsRow = {
      areaId: o.areaId,
      live: 1n,
      activities: BigInt(n),
      completed: BigInt(done),
      overdue: BigInt(od),
      dueSoon: BigInt(ds),
      weighted: weighted ? 1n : 0n,
      weightSum: weighted ? o.weight! : 0,
      weightedScore: weighted ? (o.weight! * score) / n : 0,
      unweightedScore: weighted ? 0 : score / n,
    };
    out.set(o.areaId, addTotals(out.get(o.areaId), t)!);
  }
  return out;
}

export function addTotals(a: TotalsRow | undefined, b: TotalsRow | undefined): TotalsRow | undefined {
  if (!a || !b) return a ?? b;
  const n = (x: bigint | number) => BigInt(x);
  return {
    areaId: a.areaId,
    live: n(a.live) + n(b.live),
    activities: n(a.activities) + n(b.activities),
    completed: n(a.completed) + n(b.completed),
    overdue: n(a.overdue) + n(b.overdue),
    dueSoon: n(a.dueSoon) + n(b.dueSoon),
    weighted: n(a.weighted) + n(b.weighted),
    weightSum: a.weightSum + b.weightSum,
    weightedScore: a.weightedScore + b.weightedScore,
    unweightedScore: a.unweightedScore + b.unweightedScore,
  };
}

/** The shown list with the varied objectives as in force: recomputed, dropped when not in force here, added when moved here. */
export function withVaried(
  shown: ObjectiveStatus[],
  varied: VariedObjectives | null,
  here: readonly VariedObjective[],
): ObjectiveStatus[] {
  if (!varied) return shown;
  const inForce = new Map(here.map((o) => [o.code, o]));
  const view = (v: VariedObjective): ObjectiveStatus => ({
    code: v.code,
    title: v.title,
    weight: v.weight,
    activities: v.activities.length,
    completed: v.activities.filter((a) => a.status === "completata").length,
    completion: weightedMean(v.activities.map((a) => ({ value: activityCompletion(a), weight: 1 }))),
  });
  const out: ObjectiveStatus[] = [];
  const seen = new Set<string>();
  for (const s of shown) {
    if (!varied.excludedCodes.has(s.code)) {
      out.push(s);
      continue;
    }
    const v = inForce.get(s.code);
    if (v) out.push(view(v));
    seen.add(s.code);
  }
  for (const v of here) if (!seen.has(v.code) && out.length < OBJECTIVES_SHOWN) out.push(view(v));
  return out;
}

/** Open varied activities whose deadline in force falls in [from, to), merged with the SQL's and cut to `limit`. */
export function withVariedDeadlines(
  rows: DeadlineRow[],
  here: readonly VariedObjective[],
  range: { from: string | null; to: string },
  limit: number,
): DeadlineRow[] {
  const from = range.from ?? "";
  const out = [...rows];
  for (const o of here) {
    for (const a of o.activities) {
      if (a.status === "completata" || a.deadline === null || a.deadline < from || a.deadline >= range.to) continue;
      out.push({ code: a.code, title: a.title, objectiveCode: o.code, deadline: a.deadline, status: a.status });
    }
  }
  return out
    .sort((a, b) =>
      a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : a.code < b.code ? -1 : a.code > b.code ? 1 : 0,
    )
    .slice(0, limit);
}
