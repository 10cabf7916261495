import { addDays } from "../domain/calendar/days.ts";
import type { Db, Tx } from "../db/client.ts";
import { endOfRomeDay, evaluate, type ReportForFold } from "../domain/scoring/evaluation.ts";
import { loadEvaluationInput } from "../store/evaluation.ts";
import { reportsOfYear } from "../store/trend.ts";
import type { TrendPoint } from "../report/charts.ts";

/** The last day of each month of the plan year up to `asOf` (and `asOf` itself when mid-month). */
export function monthEnds(year: number, asOf: string): string[] {
  const out: string[] = [];
  for (let m = 1; m <= 12; m++) {
    const next = m === 12 ? `${year + 1}-01-01` : `${year}-${String(m + 1).padStart(2, "0")}-01`;
    const end = addDays(next, -1);
    if (end > asOf) {
      if (asOf >= `${year}-${String(m).padStart(2, "0")}-01`) out.push(asOf);
      break;
    }
    out.push(end);
  }
  return out;
}

/**
 * Monitored completion through the year: the plan scored as known at each month end, by
 * the same SMVP rules and the same as-of rebuild the Relazione uses at its date (an activity
 * with reports or undos after the date is folded from its reports made before it, the others
 * read their Progress). The plan is read once and every report once; each date is pure work.
 * One series for the Comune (mean of the areas) and one per area.
 */
export async function completionTrend(db: Db | Tx, opts: { year?: number; asOf: string }): Promise<TrendPoint[]> {
  const input = await loadEvaluationInput(db, opts);
  const year = input.plan.year;
  const reports = await reportsOfYear(db, year);
  const byCode = new Map<string, ReportForFold[]>();
  const lastEvent = new Map<string, number>();
  for (const r of reports) {
    const list = byCode.get(r.activityCode);
    if (list) list.push(r);
    else byCode.set(r.activityCode, [r]);
    const t = Math.max(r.createdAt.getTime(), r.undoneAt?.getTime() ?? 0);
    if (t > (lastEvent.get(r.activityCode) ?? 0)) lastEvent.set(r.activityCode, t);
  }
  const points: TrendPoint[] = [];
  for (const day of monthEnds(year, opts.asOf < `${year}-12-31` ? opts.asOf : `${year}-12-31`)) {
    const cutoff = endOfRomeDay(day).getTime();
    const rebuild = new Set<string>();
    for (const [code, t] of lastEvent) if (t >= cutoff) rebuild.add(code);
    const ev = evaluate({ ...input, rebuild, reportsBefore: byCode }, { asOf: day });
    points.push({ asOf: day, series: "Ente (media delle aree)", percent: ev.overall.percent });
    for (const a of ev.areas) points.push({ asOf: day, series: a.name, percent: a.score.percent });
  }
  return points;
}
