import { TZDate } from "@date-fns/tz";
import cron from "node-cron";
import { addDays, romeDay, TIME_ZONE } from "../domain/calendar/days.ts";
import { mondayOf } from "../domain/calendar/weeks.ts";

/** Midnight in Rome at the start of the ISO week holding `at` (Monday 00:00). */
export function startOfRomeWeek(at: Date): Date {
  const monday = mondayOf(romeDay(at));
  return new Date(
    new TZDate(+monday.slice(0, 4), +monday.slice(5, 7) - 1, +monday.slice(8, 10), 0, 0, 0, TIME_ZONE).getTime(),
  );
}

/** Midnight in Rome at the start of the day holding `at`. */
export function startOfRomeDay(at: Date): Date {
  const d = romeDay(at);
  return new Date(new TZDate(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10), 0, 0, 0, TIME_ZONE).getTime());
}

/**
 * The latest instant in [from, to] at which the cron expression fires in Rome, or null.
 * Walks back only over the hours and minutes the expression names (a weekly "30 8 * * 1"
 * costs 7 checks), and lets node-cron judge each candidate, so DST gaps and its
 * day-of-month/day-of-week rules are the scheduler's own.
 */
export function lastFireBetween(expression: string, from: Date, to: Date): Date | null {
  const fields = cron.parse(expression);
  const task = cron.createTask(expression, () => undefined, { timezone: TIME_ZONE });
  try {
    const hours = [...fields.hour].sort((a, b) => b - a);
    const minutes = [...fields.minute].sort((a, b) => b - a);
    const seconds = [...fields.second].sort((a, b) => b - a);
    const first = romeDay(from);
    for (let day = romeDay(to); day >= first; day = addDays(day, -1)) {
      const [y, m, d] = [+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10)];
      for (const h of hours) {
        for (const min of minutes) {
          for (const s of seconds) {
            const at = new Date(new TZDate(y, m, d, h, min, s, TIME_ZONE).getTime());
            if (at > to || at < from) continue;
            if (task.match(at)) return at;
          }
        }
      }
    }
    return null;
  } finally {
    void task.destroy();
  }
}
