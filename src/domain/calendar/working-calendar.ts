import { addDays, daysBetween } from "./days.ts";
import { italianHolidays } from "./italian-holidays.ts";
export { parseIsoDay, parseMonthDay } from "./day-formats.ts";

/**
 * The Comune's working calendar: Monday to Friday, minus the Italian national holidays
 * (italian-holidays.ts: Capodanno, Epifania, Pasquetta, 25 aprile, 1 maggio, 2 giugno,
 * Ferragosto, San Francesco from 2026, Ognissanti, Immacolata, Natale, Santo Stefano), the
 * patron saint's day and any extra closure. Pure: a function of this data and the day.
 * Days are ISO strings of the Rome calendar (see days.ts romeDay).
 */

export interface CalendarData {
  /** Patron saint's day, "MM-DD" (PATRONO=06-24 or `obiettivi calendario patrono 06-24`); null: none. */
  patron: string | null;
  /** Extra closures, ISO days (`obiettivi calendario chiusura 2025-08-14`). */
  closures: readonly string[];
}

export type NonWorkingKind = "weekend" | "festivita" | "patrono" | "chiusura";

export interface NonWorkingDay {
  kind: NonWorkingKind;
  /** Italian name: "sabato", "Lunedì dell'Angelo", "festa del santo patrono", "chiusura degli uffici". */
  name: string;
}

const holidaysByYear = new Map<number, ReadonlyMap<string, string>>();

/** National public holidays of a year (ISO day -> Italian name), computed once per year. */
export function nationalHolidays(year: number): ReadonlyMap<string, string> {
  let days = holidaysByYear.get(year);
  if (!days) {
    days = italianHolidays(year);
    holidaysByYear.set(year, days);
  }
  return days;
}

const WEEKDAY_NAMES = ["domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"];

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: string): number {
  return new Date(Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10))).getUTCDay();
}

export function weekdayName(day: string): string {
  return WEEKDAY_NAMES[weekday(day)]!;
}

export class WorkingCalendar {
  private readonly closures: ReadonlySet<string>;
  constructor(readonly data: CalendarData) {
    this.closures = new Set(data.closures);
  }

  /** Why the offices are closed that day, or null on a working day. */
  closedBecause(day: string): NonWorkingDay | null {
    const national = nationalHolidays(+day.slice(0, 4)).get(day);
    if (national) return { kind: "festivita", name: national };
    if (this.data.patron && day.slice(5) === this.data.patron)
      return { kind: "patrono", name: "festa del santo patrono" };
    if (this.closures.has(day)) return { kind: "chiusura", name: "chiusura degli uffici" };
    const dow = weekday(day);
    if (dow === 0 || dow === 6) return { kind: "weekend", name: WEEKDAY_NAMES[dow]! };
    return null;
  }

  isWorkingDay(day: string): boolean {
    return this.closedBecause(day) === null;
  }

  /** The first working day on or after `day` (a year of closures at most is searched). */
  nextWorkingDay(day: string): string {
    let d = day;
    for (let i = 0; i < 366; i++, d = addDays(d, 1)) if (this.isWorkingDay(d)) return d;
    return day;
  }

  /** The working day `n` working days after `day` (n >= 0; n = 0 is `day` itself, even when closed). */
  addWorkingDays(day: string, n: number): string {
    let d = day;
    for (let left = n; left > 0; ) {
      d = addDays(d, 1);
      if (this.isWorkingDay(d)) left--;
    }
    return d;
  }

  /** The working day `n` working days before `day` (n >= 0; n = 0 is `day` itself). */
  subtractWorkingDays(day: string, n: number): string {
    let d = day;
    for (let left = n; left > 0; ) {
      d = addDays(d, -1);
      if (this.isWorkingDay(d)) left--;
    }
    return d;
  }

  /**
   * Working days from `from` to `to`: those in (from, to] when `to` is later, minus those in
   * (to, from] when it is earlier. Friday to Monday is 1; a deadline on Saturday seen on
   * Friday is 0 (nothing left to work before it). O(1) after a year's first use: the planner
   * asks it for every open activity on every day it simulates.
   */
  workingDaysBetween(from: string, to: string): number {
    if (from === to) return 0;
    return this.cumulative(to) - this.cumulative(from);
  }

  private readonly years = new Map<number, Int32Array>();
  private readonly memo = new Map<string, number>();
  private origin: number | null = null;

  /** Working days of the year up to and including each day of it (index = day of year, 0-based). */
  private yearPrefix(year: number): Int32Array {
    let prefix = this.years.get(year);
    if (!prefix) {
      const days = daysBetween(`${year}-01-01`, `${year + 1}-01-01`);
      prefix = new Int32Array(days);
      let n = 0;
      let d = `${year}-01-01`;
      for (let i = 0; i < days; i++, d = addDays(d, 1)) {
        if (this.isWorkingDay(d)) n++;
        prefix[i] = n;
      }
      this.years.set(year, prefix);
    }
    return prefix;
  }

  /** Working days from 1 January of the first year asked up to `day` (only differences are used), memoised. */
  private cumulative(day: string): number {
    const hit = this.memo.get(day);
    if (hit !== undefined) return hit;
    const value = this.count(day);
    this.memo.set(day, value);
    return value;
  }

  private count(day: string): number {
    const year = +day.slice(0, 4);
    // Only differences are used, so the origin is the first year asked: no holidays are computed for years nobody needs.
    this.origin ??= year;
    const origin = this.origin;
    let before = 0;
    for (let y = Math.min(year, origin); y < Math.max(year, origin); y++) before += this.yearTotal(y);
    if (year < origin) before = -before;
    return before + this.yearPrefix(year)[daysBetween(`${year}-01-01`, day)]!;
  }

  private yearTotal(year: number): number {
    const p = this.yearPrefix(year);
    return p[p.length - 1]!;
  }
}

export const NO_EXTRA_CLOSURES: CalendarData = { patron: null, closures: [] };
