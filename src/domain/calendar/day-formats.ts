/** Day formats of the calendar settings, apart from the holiday library so that env.ts stays light. */

export const MONTH_DAY = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
export const ISO_DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** "06-24" when it is a real day of some year (29 February allowed), else null. */
export function parseMonthDay(raw: string): string | null {
  const s = raw.trim();
  if (!MONTH_DAY.test(s)) return null;
  const [m, d] = s.split("-").map(Number) as [number, number];
  const max = new Date(Date.UTC(2024, m, 0)).getUTCDate();
  return d <= max ? s : null;
}

/** An existing ISO day ("2025-02-30" is not one), else null. */
export function parseIsoDay(raw: string): string | null {
  const s = raw.trim();
  if (!ISO_DAY.test(s)) return null;
  const t = Date.UTC(+s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8, 10));
  return new Date(t).toISOString().slice(0, 10) === s ? s : null;
}
