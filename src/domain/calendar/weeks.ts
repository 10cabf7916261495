import { addDays } from "./days.ts";

/** "2024-W41": the ISO 8601 week (Monday first; week 1 holds the year's first Thursday). */
export function isoWeekOf(isoDay: string): string {
  const t = Date.UTC(+isoDay.slice(0, 4), +isoDay.slice(5, 7) - 1, +isoDay.slice(8, 10));
  const dow = (new Date(t).getUTCDay() + 6) % 7;
  const thursday = new Date(t + (3 - dow) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** Monday of the ISO week holding `isoDay`. */
export function mondayOf(isoDay: string): string {
  const dow =
    (new Date(Date.UTC(+isoDay.slice(0, 4), +isoDay.slice(5, 7) - 1, +isoDay.slice(8, 10))).getUTCDay() + 6) % 7;
  return addDays(isoDay, -dow);
}

/** 41 for "2024-W41". */
export function weekNumber(week: string): number {
  return Number(week.slice(week.indexOf("W") + 1));
}
