import { TZDate } from "@date-fns/tz";

/** Calendar days as ISO strings (yyyy-mm-dd), in the Comune's time zone. Pure: the clock is read elsewhere. */

export const TIME_ZONE = "Europe/Rome";

/** The calendar day (yyyy-mm-dd) in Rome at that instant. */
export function romeDay(at: Date): string {
  const z = new TZDate(at.getTime(), TIME_ZONE);
  const y = z.getFullYear();
  const m = String(z.getMonth() + 1).padStart(2, "0");
  const d = String(z.getDate()).padStart(2, "0");
  return `${y}-${m}-${d}`;
}

/** Noon in Rome on an ISO day: a safe instant to represent "that day". */
export function instantOfDay(isoDay: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDay);
  if (!m) throw new RangeError(`giorno non valido: ${isoDay}`);
  return new Date(new TZDate(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12, 0, 0, TIME_ZONE).getTime());
}

/** Whole days from `from` to `to` (ISO days); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  const a = Date.UTC(+from.slice(0, 4), +from.slice(5, 7) - 1, +from.slice(8, 10));
  const b = Date.UTC(+to.slice(0, 4), +to.slice(5, 7) - 1, +to.slice(8, 10));
  return Math.round((b - a) / 86_400_000);
}

export function addDays(isoDay: string, days: number): string {
  const t = Date.UTC(+isoDay.slice(0, 4), +isoDay.slice(5, 7) - 1, +isoDay.slice(8, 10)) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}
