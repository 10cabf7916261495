import { addDays, daysBetween, romeDay } from "../domain/calendar/days.ts";
import { planOfYear } from "../store/plan.ts";
import { reminderMessage } from "../slack/ui/reminders.ts";
import type { JobDeps } from "./digest.ts";
import { headsOf, sendNotices, type Notice, type NoticeResult } from "./notices.ts";
import { headsByArea, openActivitiesDue, registeredUsers } from "../store/notices.ts";

/**
 * The threshold a reminder is due for: the smallest of REMINDER_DAYS not below the days
 * left. With 7,1: 7..2 days left -> the 7-day reminder, 1 or 0 -> the 1-day one; so a
 * bot that was down on the exact day still reminds, and never sends an outdated one.
 */
export function reminderThreshold(daysLeft: number, thresholds: readonly number[]): number | null {
  if (daysLeft < 0) return null;
  const fitting = thresholds.filter((d) => d >= daysLeft);
  return fitting.length ? Math.min(...fitting) : null;
}

export function reminderKey(year: number, code: string, deadline: string, threshold: number, userId: string): string {
  return `reminder:${year}:${code}:${deadline}:${threshold}:${userId}`;
}

/**
 * Direct messages before a deadline to the area's heads and to whoever last reported on
 * the activity, once per (activity, deadline, threshold, person). The deadline is in the
 * key so that a deadline moved by hand gets its own reminders.
 */
export async function runReminders(deps: JobDeps): Promise<NoticeResult> {
  const { db, log } = deps;
  const thresholds = deps.env.REMINDER_DAYS;
  const empty: NoticeResult = { sent: [], failed: [], settled: [] };
  if (thresholds.length === 0) return empty;
  const plan = await planOfYear(db);
  if (!plan) return empty;
  const today = romeDay(deps.now);
  const due = await openActivitiesDue(db, plan, today, addDays(today, Math.max(...thresholds)));
  const heads = await headsByArea(db);
  const users = await registeredUsers(db);
  const notices: Notice[] = [];
  for (const a of due) {
    const daysLeft = daysBetween(today, a.deadline);
    const threshold = reminderThreshold(daysLeft, thresholds);
    if (threshold === null) continue;
    const people = new Set(headsOf(a, heads));
    if (a.lastReporterId && users.has(a.lastReporterId)) people.add(a.lastReporterId);
    if (people.size === 0) {
      log.warn({ code: a.code }, `promemoria per ${a.code} non inviato: l'area non ha responsabili registrati e nessuno ha ancora aggiornato l'attività`);
      continue;
    }
    const message = reminderMessage({
      year: plan.year,
      code: a.code,
      title: a.title,
      areaLabel: a.areaCode ? `${a.areaCode}. ${a.areaName}` : null,
      deadline: a.deadline,
      daysLeft,
    });
    for (const userId of people) {
      notices.push({ key: reminderKey(plan.year, a.code, a.deadline, threshold, userId), kind: "reminder", userId, message });
    }
  }
  const result = await sendNotices(deps, notices);
  if (result.sent.length || result.failed.length) log.info({ sent: result.sent.length, failed: result.failed.length }, "promemoria delle scadenze");
  return result;
}
