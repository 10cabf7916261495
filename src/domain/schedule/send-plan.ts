import { TZDate } from "@date-fns/tz";
import { addDays, romeDay, TIME_ZONE } from "../calendar/days.ts";
import type { WorkingCalendar } from "../calendar/working-calendar.ts";
import { isoWeekOf, mondayOf } from "../calendar/weeks.ts";

/**
 * What the bot sends, and when: one pure planner for the scheduler (what is due at this
 * instant) and for `obiettivi programma` (every send of a window, simulated day by day).
 *
 * - The weekly digest of each area goes to its channel on the first working day on or
 *   after DIGEST_CRON's weekday, within the same ISO week, at DIGEST_CRON's time.
 * - Direct messages (reminders before a deadline, questions after one) go out on working
 *   days only, at the daily time, and a person gets at most ONE a day: everything due to
 *   them that day is bundled (key `dm:<day>:<user>`). What does not fit in one message, or
 *   comes up after the day's message went, waits for the next working day.
 * - Days are counted in working days: a reminder threshold of 7 means 7 working days
 *   before the deadline; a question is asked for up to OVERDUE_WORKING_DAYS working days.
 * - An absent person gets nothing; their items go to the other heads of the area (setting
 *   "responsabile") or wait for their return ("rientro"). A snooze holds an item until its
 *   day, then brings it back once. A person may turn reminders off or choose how early.
 */

export type SendKind = "digest" | "reminder" | "question";
export type AbsenceRouting = "responsabile" | "rientro";

export interface ScheduleConfig {
  /** ISO weekday of the digest (1 = Monday … 7 = Sunday) and its time, "HH:MM" in Rome. */
  digest: { weekday: number; time: string };
  /** Time of the daily direct messages, "HH:MM" in Rome. */
  dailyTime: string;
  /** REMINDER_DAYS, in working days, largest first. */
  thresholds: readonly number[];
  /** Working days after a deadline during which the question is still asked. */
  overdueDays: number;
  absenceRouting: AbsenceRouting;
}

export interface PlannedActivity {
  code: string;
  title: string;
  /** null for a Comune-wide activity. */
  areaCode: string | null;
  areaName: string | null;
  involvesAllAreas: boolean;
  involvedAreas: readonly string[];
  /** Effective deadline (manual ?? plan). */
  deadline: string;
  lastReporterId: string | null;
  /** A delay cause was recorded on or after the deadline: no question. */
  explained: boolean;
}

export interface PlannedAbsence {
  userId: string;
  from: string;
  to: string;
}

export interface PlannedSnooze {
  id: number;
  userId: string;
  code: string;
  kind: "reminder" | "question";
  until: string;
}

export interface Preference {
  dmReminders: boolean;
  daysBefore: number | null;
}

export interface ScheduleFacts {
  planYear: number;
  calendar: WorkingCalendar;
  channels: readonly { areaCode: string; channelId: string }[];
  /** Open, live activities with a deadline around the window. */
  activities: readonly PlannedActivity[];
  /** Registered heads (role responsabile) per area code. */
  heads: ReadonlyMap<string, readonly string[]>;
  /** Registered users (a DM can reach them): id -> display name. */
  users: ReadonlyMap<string, string | null>;
  absences: readonly PlannedAbsence[];
  snoozes: readonly PlannedSnooze[];
  preferences: ReadonlyMap<string, Preference>;
}

export interface PlannedItem {
  kind: "reminder" | "question";
  code: string;
  title: string;
  areaCode: string | null;
  areaName: string | null;
  deadline: string;
  /** Working days left (reminder, >= 0) or late (question, > 0). */
  workingDays: number;
  /** Delivery keys this item settles once the message is posted. */
  keys: string[];
  /** Absent people whose item this is, when it reached the recipient in their place. */
  onBehalfOf: string[];
  /** The item comes back after "Ricordamelo tra 3 giorni". */
  snoozed: boolean;
}

export interface PlannedSend {
  /** Delivery key of the message. */
  key: string;
  date: string;
  time: string;
  /** The instant (Rome date + time). */
  at: Date;
  kind: SendKind;
  /** Channel id (digest) or Slack user id (direct message). */
  recipient: string;
  area?: string;
  /** Direct messages: the codes of the activities in it, comma-separated. */
  activity?: string;
  items?: PlannedItem[];
}

/** Items in one direct message: Slack allows 50 blocks, an item takes 4 (divider, text, context, buttons). */
export const BUNDLE_MAX_ITEMS = 12;
export const OVERDUE_WORKING_DAYS = 10;

export function digestKey(planYear: number, areaCode: string, week: string): string {
  return `digest:${planYear}:${areaCode}:${week}`;
}

export function reminderKey(year: number, code: string, deadline: string, threshold: number, userId: string): string {
  return `reminder:${year}:${code}:${deadline}:${threshold}:${userId}`;
}

export function overdueKey(year: number, code: string, deadline: string, userId: string): string {
  return `overdue:${year}:${code}:${deadline}:${userId}`;
}

export function snoozeKey(id: number): string {
  return `snooze:${id}`;
}

export function dmKey(day: string, userId: string): string {
  return `dm:${day}:${userId}`;
}

/** The smallest threshold not below the working days left; null before the first or after the deadline. */
export function reminderThreshold(daysLeft: number, thresholds: readonly number[]): number | null {
  if (daysLeft < 0) return null;
  const fitting = thresholds.filter((d) => d >= daysLeft);
  return fitting.length ? Math.min(...fitting) : null;
}

/** A person's thresholds: their "days before" replaces the bot's largest one. */
export function personalThresholds(base: readonly number[], pref: Preference | undefined): readonly number[] {
  if (!pref?.daysBefore && pref?.daysBefore !== 0) return base;
  const n = pref.daysBefore;
  return [...new Set([n, ...base.filter((t) => t < n)])].sort((a, b) => b - a);
}

/** The instant of an ISO day at "HH:MM" in Rome. */
export function romeInstant(day: string, time: string): Date {
  const [h, m] = time.split(":").map(Number) as [number, number];
  return new Date(new TZDate(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10), h, m, 0, TIME_ZONE).getTime());
}

/**
 * The day the digest of `day`'s ISO week goes out: the first working day on or after
 * DIGEST_CRON's weekday in that week (Easter Monday moves it to Tuesday); when the rest of
 * the week is closed (a Friday digest on 1 November), the last working day before it;
 * null when the whole week is closed.
 */
export function digestDayOfWeek(cal: WorkingCalendar, config: ScheduleConfig, day: string): string | null {
  const monday = mondayOf(day);
  const nominal = addDays(monday, config.digest.weekday - 1);
  for (let d = nominal; d <= addDays(monday, 6); d = addDays(d, 1)) {
    if (cal.isWorkingDay(d)) return d;
  }
  for (let d = addDays(nominal, -1); d >= monday; d = addDays(d, -1)) {
    if (cal.isWorkingDay(d)) return d;
  }
  return null;
}

export function isAbsent(absences: readonly PlannedAbsence[], userId: string, day: string): boolean {
  return absences.some((a) => a.userId === userId && a.from <= day && day <= a.to);
}

function headsOf(a: PlannedActivity, heads: ReadonlyMap<string, readonly string[]>): string[] {
  const areas = a.areaCode !== null ? [a.areaCode] : a.involvesAllAreas ? [...heads.keys()] : a.involvedAreas;
  return [...new Set(areas.flatMap((c) => heads.get(c) ?? []))];
}

/** Digests whose day is `day` and that are not yet settled. */
function digestsOn(
  facts: ScheduleFacts,
  config: ScheduleConfig,
  day: string,
  settled: ReadonlySet<string>,
): PlannedSend[] {
  if (digestDayOfWeek(facts.calendar, config, day) !== day) return [];
  const week = isoWeekOf(day);
  const at = romeInstant(day, config.digest.time);
  return facts.channels
    .map((c) => ({ c, key: digestKey(facts.planYear, c.areaCode, week) }))
    .filter(({ key }) => !settled.has(key))
    .map(({ c, key }) => ({
      key,
      date: day,
      time: config.digest.time,
      at,
      kind: "digest" as const,
      recipient: c.channelId,
      area: c.areaCode,
    }));
}

/** Calendar days back that the facts cover for questions: more than any overdue window, even across a closed August. */
export const SCAN_BACK_DAYS = 90;

interface ActivityIndex {
  byCode: Map<string, PlannedActivity>;
  /** By deadline, for the range of each simulated day. */
  sorted: PlannedActivity[];
}

const indexes = new WeakMap<readonly PlannedActivity[], ActivityIndex>();

function indexOf(facts: ScheduleFacts): ActivityIndex {
  let ix = indexes.get(facts.activities);
  if (!ix) {
    const sorted = [...facts.activities].sort((a, b) =>
      a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : 0,
    );
    ix = { byCode: new Map(facts.activities.map((a) => [a.code, a])), sorted };
    indexes.set(facts.activities, ix);
  }
  return ix;
}

function lowerBound(sorted: readonly PlannedActivity[], day: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.deadline < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The activities whose deadline may matter on `day`: up to the day before the first working
 * day past the largest threshold, and back to the last day a question can be asked. A narrow slice of a
 * large plan, found by binary search.
 */
function activitiesAround(facts: ScheduleFacts, config: ScheduleConfig, day: string): readonly PlannedActivity[] {
  const { sorted } = indexOf(facts);
  const widest = Math.max(0, ...config.thresholds, ...[...facts.preferences.values()].map((p) => p.daysBefore ?? 0));
  const cal = facts.calendar;
  const last = addDays(cal.nextWorkingDay(addDays(cal.addWorkingDays(day, widest), 1)), -1);
  const first = cal.subtractWorkingDays(day, config.overdueDays + 1);
  return sorted.slice(lowerBound(sorted, first), lowerBound(sorted, addDays(last, 1)));
}

interface Candidate {
  recipient: string;
  item: PlannedItem;
}

/** Every reminder and question item due on `day`, addressed to whoever should get it before absences. */
function candidatesOn(
  facts: ScheduleFacts,
  config: ScheduleConfig,
  day: string,
  settled: ReadonlySet<string>,
): Candidate[] {
  const cal = facts.calendar;
  const year = facts.planYear;
  const out: Candidate[] = [];
  const snoozedNow = (userId: string, code: string, kind: string) =>
    facts.snoozes.some((s) => s.userId === userId && s.code === code && s.kind === kind && s.until > day);
  const base = (
    a: PlannedActivity,
    kind: PlannedItem["kind"],
    workingDays: number,
    key: string,
    snoozed = false,
  ): PlannedItem => ({
    kind,
    code: a.code,
    title: a.title,
    areaCode: a.areaCode,
    areaName: a.areaName,
    deadline: a.deadline,
    workingDays,
    keys: [key],
    onBehalfOf: [],
    snoozed,
  });
  const { byCode } = indexOf(facts);

  for (const a of activitiesAround(facts, config, day)) {
    const heads = headsOf(a, facts.heads);
    if (a.deadline >= day) {
      const daysLeft = cal.workingDaysBetween(day, a.deadline);
      const people = new Set(heads);
      if (a.lastReporterId && facts.users.has(a.lastReporterId)) people.add(a.lastReporterId);
      for (const userId of people) {
        const pref = facts.preferences.get(userId);
        if (pref && !pref.dmReminders) continue;
        const threshold = reminderThreshold(daysLeft, personalThresholds(config.thresholds, pref));
        if (threshold === null) continue;
        const key = reminderKey(year, a.code, a.deadline, threshold, userId);
        if (settled.has(key) || snoozedNow(userId, a.code, "reminder")) continue;
        out.push({ recipient: userId, item: base(a, "reminder", daysLeft, key) });
      }
    } else if (!a.explained) {
      const daysLate = cal.workingDaysBetween(a.deadline, day);
      if (daysLate < 1 || daysLate > config.overdueDays) continue;
      for (const userId of heads) {
        const key = overdueKey(year, a.code, a.deadline, userId);
        if (settled.has(key) || snoozedNow(userId, a.code, "question")) continue;
        out.push({ recipient: userId, item: base(a, "question", daysLate, key) });
      }
    }
  }
  // Snoozes whose day has come: the item once more, if there is still something to do.
  for (const s of facts.snoozes) {
    if (s.until > day || settled.has(snoozeKey(s.id)) || !facts.users.has(s.userId)) continue;
    const a = byCode.get(s.code);
    if (!a) continue;
    if (s.kind === "question" && (a.explained || a.deadline >= day)) continue;
    const days =
      s.kind === "reminder" ? cal.workingDaysBetween(day, a.deadline) : cal.workingDaysBetween(a.deadline, day);
    out.push({ recipient: s.userId, item: base(a, s.kind, days, snoozeKey(s.id), true) });
  }
  return out;
}

/** Direct messages of `day`: candidates routed around absences, merged per activity, bundled per person. */
function directMessagesOn(
  facts: ScheduleFacts,
  config: ScheduleConfig,
  day: string,
  settled: ReadonlySet<string>,
): PlannedSend[] {
  if (!facts.calendar.isWorkingDay(day)) return [];
  const absent = (u: string) => isAbsent(facts.absences, u, day);
  const { byCode } = indexOf(facts);
  const bundles = new Map<string, Map<string, PlannedItem>>();
  const add = (recipient: string, item: PlannedItem) => {
    let items = bundles.get(recipient);
    if (!items) {
      items = new Map();
      bundles.set(recipient, items);
    }
    const id = `${item.kind}:${item.code}`;
    const had = items.get(id);
    if (!had) items.set(id, { ...item, keys: [...item.keys], onBehalfOf: [...item.onBehalfOf] });
    else {
      had.keys.push(...item.keys.filter((k) => !had.keys.includes(k)));
      for (const p of item.onBehalfOf) if (!had.onBehalfOf.includes(p)) had.onBehalfOf.push(p);
    }
  };
  for (const c of candidatesOn(facts, config, day, settled)) {
    if (!absent(c.recipient)) {
      add(c.recipient, c.item);
      continue;
    }
    // Absent: the item waits, or goes to the area's heads who are in (never for a snooze, which is personal).
    if (config.absenceRouting === "rientro" || c.item.snoozed) continue;
    const a = byCode.get(c.item.code);
    const stand = a ? headsOf(a, facts.heads).filter((h) => h !== c.recipient && !absent(h)) : [];
    for (const h of stand) add(h, { ...c.item, onBehalfOf: [c.recipient] });
  }
  const at = romeInstant(day, config.dailyTime);
  const sends: PlannedSend[] = [];
  for (const [recipient, itemMap] of [...bundles.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const key = dmKey(day, recipient);
    if (settled.has(key)) continue;
    const items = [...itemMap.values()]
      .sort(
        (x, y) =>
          (x.kind === y.kind ? 0 : x.kind === "question" ? -1 : 1) ||
          (x.deadline < y.deadline ? -1 : x.deadline > y.deadline ? 1 : 0) ||
          (x.code < y.code ? -1 : 1),
      )
      .slice(0, BUNDLE_MAX_ITEMS);
    sends.push({
      key,
      date: day,
      time: config.dailyTime,
      at,
      kind: items.some((i) => i.kind === "reminder") ? "reminder" : "question",
      recipient,
      activity: [...new Set(items.map((i) => i.code))].join(", "),
      items,
    });
  }
  return sends;
}

/** Everything planned for `day` that is not settled yet (digests first). */
export function plannedOn(
  facts: ScheduleFacts,
  config: ScheduleConfig,
  day: string,
  settled: ReadonlySet<string>,
): PlannedSend[] {
  const all = [...digestsOn(facts, config, day, settled), ...directMessagesOn(facts, config, day, settled)];
  // Stable: by time, digests before direct messages at the same time.
  return all.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}

/**
 * What the scheduler sends at `now`: this week's digests once their day and time have
 * come (so a bot that was down catches up within the week, never an earlier week), and
 * today's direct messages once the daily time has passed.
 */
export function dueAt(
  facts: ScheduleFacts,
  config: ScheduleConfig,
  now: Date,
  settled: ReadonlySet<string>,
): PlannedSend[] {
  const today = romeDay(now);
  const out: PlannedSend[] = [];
  const digestDay = digestDayOfWeek(facts.calendar, config, today);
  if (digestDay && digestDay <= today) {
    out.push(...digestsOn(facts, config, digestDay, settled).filter((s) => s.at <= now));
  }
  out.push(...directMessagesOn(facts, config, today, settled).filter((s) => s.at <= now));
  return out;
}

/** Every key a planned send settles once posted: the message's own and its items'. */
export function keysSettledBy(s: PlannedSend): string[] {
  return [s.key, ...(s.items ?? []).flatMap((i) => i.keys)];
}

/**
 * The sends of [from, to], simulated day by day: what the scheduler would post each day,
 * given what is already settled and what the earlier days of the window would post.
 * The facts (open activities, absences, snoozes) are taken as they are now.
 */
export function planWindow(
  facts: ScheduleFacts,
  config: ScheduleConfig,
  from: string,
  to: string,
  settled: ReadonlySet<string>,
): PlannedSend[] {
  const done = new Set(settled);
  const out: PlannedSend[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const sends = plannedOn(facts, config, day, done);
    for (const s of sends) for (const k of keysSettledBy(s)) done.add(k);
    out.push(...sends);
  }
  return out;
}
