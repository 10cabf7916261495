import { instantOfDay } from "./domain/calendar/days.ts";

/** Time is always injected: only main.ts, the scheduler and the CLI entry call the real clock. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** A clock stopped at the given instant, or at 12:00 Rome time of the given ISO day (CLI `--oggi`). */
export function fixedClock(at: string | Date): Clock {
  const d = typeof at === "string" ? instantOfDay(at) : at;
  return () => new Date(d.getTime());
}
