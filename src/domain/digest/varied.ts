import { addDays } from "../calendar/days.ts";
import type { VariedObjective } from "../status/varied.ts";
import {
  DIGEST_DUE_SOON_DAYS,
  pacedRow,
  type DeadlineRow,
  type PaceClock,
  type PaceRow,
  type WideRow,
} from "./digest.ts";

/**
 * The digest with variations: its set-based SQL leaves out the objectives a variation
 * touches, and these merge their activities, as in force on the day, into the same rows.
 */

/** Late and due-soon rows per area: the SQL's first `shown` of each group plus the varied ones, re-ranked, totals summed. */
export function withVariedDeadlines(
  rows: DeadlineRow[],
  varied: readonly VariedObjective[],
  today: string,
  shown: number,
): DeadlineRow[] {
  if (!varied.length) return rows;
  const horizon = addDays(today, DIGEST_DUE_SOON_DAYS);
  const groups = new Map<string, { rows: DeadlineRow[]; total: number }>();
  const key = (area: string, late: number) => `${area}|${late}`;
  for (const r of rows) {
    const k = key(r.areaCode, Number(r.late));
    const g = groups.get(k) ?? { rows: [], total: Number(r.total) };
    g.rows.push(r);
    groups.set(k, g);
  }
  for (const o of varied) {
    if (o.areaCode === null) continue;
    for (const a of o.activities) {
      if (a.status === "completata" || a.deadline === null || a.deadline > horizon) continue;
      const late = a.deadline < today ? 1 : 0;
      const k = key(o.areaCode, late);
      const g = groups.get(k) ?? { rows: [], total: 0 };
      g.rows.push({
        areaCode: o.areaCode,
        code: a.code,
        title: a.title,
        objectiveCode: o.code,
        deadline: a.deadline,
        status: a.status,
        late,
        total: 0,
      });
      g.total += 1;
      groups.set(k, g);
    }
  }
  const out: DeadlineRow[] = [];
  for (const g of groups.values()) {
    g.rows.sort((x, y) => (x.deadline < y.deadline ? -1 : x.deadline > y.deadline ? 1 : x.code < y.code ? -1 : 1));
    for (const r of g.rows.slice(0, shown)) out.push({ ...r, total: g.total });
  }
  return out.sort((x, y) =>
    x.areaCode !== y.areaCode
      ? x.areaCode < y.areaCode
        ? -1
        : 1
      : Number(y.late) - Number(x.late) ||
        (x.deadline < y.deadline ? -1 : x.deadline > y.deadline ? 1 : x.code < y.code ? -1 : 1),
  );
}

/** Open Comune-wide activities: the SQL's plus the varied ones, by deadline in force, undated last. */
export function withVariedWide(rows: WideRow[], varied: readonly VariedObjective[]): WideRow[] {
  const extra: WideRow[] = [];
  for (const o of varied) {
    if (o.areaCode !== null) continue;
    for (const a of o.activities) {
      if (a.status === "completata") continue;
      extra.push({
        code: a.code,
        title: a.title,
        objectiveCode: o.code,
        deadline: a.deadline,
        status: a.status,
        involvesAllAreas: a.involvesAllAreas,
        involvedAreas: a.involvedAreas,
      });
    }
  }
  if (!extra.length) return rows;
  const k = (r: WideRow) => (r.deadline === null ? "9" : `0${r.deadline}`);
  return [...rows, ...extra].sort((x, y) => (k(x) < k(y) ? -1 : k(x) > k(y) ? 1 : 0));
}

/**
 * The varied objectives' activities the pace rule checks, by their targets in force: rows
 * to count in JS (replayedCounts) and merge with the SQL's (mergePace). A target varied to
 * another kind, or removed, is no longer checked; one added with a count target is.
 */
export function variedPaceRows(varied: readonly VariedObjective[], clock: PaceClock): PaceRow[] {
  const out: PaceRow[] = [];
  for (const o of varied) {
    if (o.areaCode === null) continue;
    for (const a of o.activities) {
      const row = pacedRow({ ...a, areaCode: o.areaCode }, clock);
      if (row) out.push(row);
    }
  }
  return out;
}
