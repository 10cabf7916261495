import { addDays, daysBetween, romeDay } from "../domain/calendar/days.ts";
import { planOfYear } from "../store/plan.ts";
import { overdueQuestionMessage } from "../slack/ui/reminders.ts";
import type { JobDeps } from "./digest.ts";
import { headsOf, sendNotices, type Notice, type NoticeResult } from "./notices.ts";
import { headsByArea, openActivitiesDue } from "../store/notices.ts";

/**
 * How long after a deadline the question is still asked: enough to cover a bot that was
 * down for days, short enough that installing the bot in October does not flood the heads
 * with every delay since March (those are in the weekly digest).
 */
export const OVERDUE_QUESTION_DAYS = 14;

export function overdueKey(year: number, code: string, deadline: string, userId: string): string {
  return `overdue:${year}:${code}:${deadline}:${userId}`;
}

/**
 * When an activity becomes overdue, its heads get one message asking what happened, with
 * a "Spiega il ritardo" button: once per (activity, deadline, head), and not at all when a
 * cause was already recorded after the deadline.
 */
export async function runOverdueQuestions(deps: JobDeps): Promise<NoticeResult> {
  const { db, log } = deps;
  const empty: NoticeResult = { sent: [], failed: [], settled: [] };
  const plan = await planOfYear(db);
  if (!plan) return empty;
  const today = romeDay(deps.now);
  const late = await openActivitiesDue(db, plan, addDays(today, -OVERDUE_QUESTION_DAYS), addDays(today, -1), { unexplainedOnly: true });
  const heads = await headsByArea(db);
  const notices: Notice[] = [];
  for (const a of late) {
    const people = headsOf(a, heads);
    if (people.length === 0) {
      log.warn({ code: a.code }, `nessun responsabile registrato a cui chiedere la causa del ritardo di ${a.code}`);
      continue;
    }
    const message = overdueQuestionMessage({
      year: plan.year,
      code: a.code,
      title: a.title,
      areaLabel: a.areaCode ? `${a.areaCode}. ${a.areaName}` : null,
      deadline: a.deadline,
      daysLate: daysBetween(a.deadline, today),
    });
    for (const userId of people) notices.push({ key: overdueKey(plan.year, a.code, a.deadline, userId), kind: "overdue", userId, message });
  }
  const result = await sendNotices(deps, notices);
  if (result.sent.length || result.failed.length) log.info({ sent: result.sent.length, failed: result.failed.length }, "domande sulle cause dei ritardi");
  return result;
}
