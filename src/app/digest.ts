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
import {
  completionRows,
  countReportsOf,
  deadlineRows,
  digestAreas,
  headRows,
  paceRows,
  wideRows,
} from "../store/digest.ts";
import { currentPlan } from "../store/plan.ts";
import { variedPaceRows, withVariedDeadlines, withVariedWide } from "../domain/digest/varied.ts";
import { variedTotals } from "../domain/status/varied.ts";
import { variedObjectives } from "../store/varied-objectives.ts";

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
  // Objectives a variation touches are read apart, in force today, and merged into the rows.
  const varied = await variedObjectives(db, plan, today);
  const skip = varied?.excludeIds ?? [];
  const inForce = varied?.objectives ?? [];
  const deadlines = withVariedDeadlines(await deadlineRows(db, plan, today, shown, skip), inForce, today, shown);
  // The varied objectives' count targets in force are judged by the pace rule and counted in JS,
  // with the (rare) SQL rows a count was set by hand on.
  const paceRanked = [...(await paceRows(db, plan, clock, shown, skip)), ...variedPaceRows(inForce, clock)];
  const toReplay = paceRanked.filter((r) => Number(r.replay) === 1);
  const reports = await countReportsOf(
    db,
    plan.year,
    toReplay.map((r) => r.code),
    clock.asOf,
  );
  const pace = mergePace(paceRanked, replayedCounts(toReplay, reports, clock), shown);
  const wide = withVariedWide(await wideRows(db, plan, skip), inForce);
  const completion = await completionRows(db, plan, skip, variedTotals(inForce, today));
  return assembleDigests({
    plan,
    today,
    areas,
    heads,
    deadlines,
    pace,
    wide,
    completion,
    wideShown: opts.wideShown,
    people: opts.people,
  });
}
