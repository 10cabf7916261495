import { addDays } from "../domain/calendar/days.ts";
import type { Db, Tx } from "../db/client.ts";
import { evaluatePlan } from "./evaluation.ts";
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
 * the same SMVP rules and the same as-of rebuild of state the Relazione uses at its date.
 * One series for the Comune (mean of the areas) and one per area.
 */
export async function completionTrend(db: Db | Tx, opts: { year?: number; asOf: string }): Promise<TrendPoint[]> {
  const first = await evaluatePlan(db, { year: opts.year, asOf: opts.asOf });
  const year = first.plan.year;
  const points: TrendPoint[] = [];
  for (const day of monthEnds(year, opts.asOf < `${year}-12-31` ? opts.asOf : `${year}-12-31`)) {
    const ev = day === opts.asOf ? first : await evaluatePlan(db, { year, asOf: day });
    points.push({ asOf: day, series: "Ente (media delle aree)", percent: ev.overall.percent });
    for (const a of ev.areas) points.push({ asOf: day, series: a.name, percent: a.score.percent });
  }
  return points;
}
