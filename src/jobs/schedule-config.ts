import cron from "node-cron";
import type { Env } from "../env.ts";
import { OVERDUE_WORKING_DAYS, type ScheduleConfig } from "../domain/schedule/send-plan.ts";

/** Reminders and overdue questions: every morning, before the working day. */
export const DAILY_TIME = "08:00";

function hhmm(h: number, m: number): string {
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

/**
 * DIGEST_CRON read as "a weekday and a time": its first weekday (Sunday = 7) and its
 * earliest hour and minute. The planner moves the day to the first working day of the week.
 */
export function digestSlot(expression: string): { weekday: number; time: string } {
  const f = cron.parse(expression);
  const days = [...f.dayOfWeek]
    .map(Number)
    .map((d) => (d === 0 ? 7 : d))
    .sort((a, b) => a - b);
  const weekday = days.length >= 7 || days.length === 0 ? 1 : days[0]!;
  return { weekday, time: hhmm(Math.min(...[...f.hour].map(Number)), Math.min(...[...f.minute].map(Number))) };
}

/** The cron expression that fires every day at `time` ("HH:MM"), for the scheduler's ticks. */
export function dailyCronAt(time: string): string {
  const [h, m] = time.split(":").map(Number);
  return `${m} ${h} * * *`;
}

export type ScheduleEnv = Pick<Env, "DIGEST_CRON" | "REMINDER_DAYS" | "ABSENCE_REMINDERS">;

export function scheduleConfig(env: ScheduleEnv): ScheduleConfig {
  return {
    digest: digestSlot(env.DIGEST_CRON),
    dailyTime: DAILY_TIME,
    thresholds: env.REMINDER_DAYS,
    overdueDays: OVERDUE_WORKING_DAYS,
    absenceRouting: env.ABSENCE_REMINDERS,
  };
}
