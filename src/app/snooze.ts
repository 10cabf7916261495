import type { Clock } from "../clock.ts";
import type { Db } from "../db/client.ts";
import { addDays, romeDay } from "../domain/calendar/days.ts";
import { requireActor } from "../domain/permissions.ts";
import type { Env } from "../env.ts";
import { loadCalendar } from "../store/calendar.ts";
import { addSnooze } from "../store/notifications.ts";
import { loadActor } from "../store/users.ts";

/** "Ricordamelo tra N giorni": stored; the planner holds the item and brings it back on the first working day from then. */
export async function snoozeNotice(
  deps: { db: Db; clock: Clock; env: Pick<Env, "PATRONO"> },
  req: { userId: string; year: number; code: string; kind: "reminder" | "question"; days: number },
): Promise<{ code: string; day: string }> {
  requireActor(await loadActor(deps.db, req.userId), req.userId);
  const now = deps.clock();
  const until = addDays(romeDay(now), req.days);
  await addSnooze(deps.db, {
    planYear: req.year,
    code: req.code,
    userId: req.userId,
    kind: req.kind,
    untilDay: until,
    now,
  });
  const day = (await loadCalendar(deps.db, deps.env.PATRONO)).nextWorkingDay(until);
  return { code: req.code, day };
}
