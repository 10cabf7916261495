import type { Db, Tx } from "../db/client.ts";
import {
  assembleDigests,
  DIGEST_ITEMS_SHOWN,
  mergePace,
  paceClock,
  replayedCounts,
  type DigestOptions,
  type DigestSet,
} from "../domain/digest/digest.ts";
import { summarize } from "../domain/status/status.ts";
import { countReportsOf, deadlineRows, digestAreas, headRows, paceRows, wideRows } from "../store/digest.ts";
import { planFilter, totalsRows } from "../store/status.ts";
import { currentPlan } from "../store/plan.ts";

type Reader = Db | Tx;

/** Every live area's digest for `today` (pure reads, no posting). */
export async function buildDigests(db: Reader, opts: DigestOptions): Promise<DigestSet> {
  const plan = await currentPlan(db, opts.year);
  const today = opts.today;
  const shown = opts.shown ?? DIGEST_ITEMS_SHOWN;
  let areas = await digestAreas(db, plan);
  if (opts.areaCodes) {
    const wanted = new Set(opts.areaCodes);
    areas = areas.filter((a) => wanted.has(a.code));
  }
  if (areas.length === 0) return { plan, today, digests: [] };

  const clock = paceClock(plan.year, today);
  const heads = await headRows(db);
  const deadlines = await deadlineRows(db, plan, today, shown);
  const paceRanked = await paceRows(db, plan, clock, shown);
  const toReplay = paceRanked.filter((r) => Number(r.replay) === 1);
  const reports = await countReportsOf(db, plan.year, toReplay.map((r) => r.code), clock.asOf);
  const pace = mergePace(paceRanked, replayedCounts(toReplay, reports, clock), shown);
  const wide = await wideRows(db, plan);
  // The same aggregate pass as /stato's, so an area's figure is the same on both.
  const totals = await totalsRows(db, plan, planFilter(plan), today, true);
  const completion = new Map(
    totals.filter((t) => t.areaId !== null).map((t) => {
      const s = summarize(null, t, [], today);
      return [Number(t.areaId), { completion: s.completion, activities: s.activities, completed: s.completed }] as const;
    }),
  );
  return assembleDigests({ plan, today, areas, heads, deadlines, pace, wide, completion, wideShown: opts.wideShown, people: opts.people });
}
