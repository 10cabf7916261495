import { addDays, romeDay } from "../domain/calendar/days.ts";
import type { Db } from "../db/client.ts";
import type { WorkingCalendar } from "../domain/calendar/working-calendar.ts";
import type { PlanRef } from "../domain/plan/plan.ts";
import { planOfYear } from "../store/plan.ts";
import {
  dueAt,
  planWindow,
  type PlannedSend,
  type ScheduleConfig,
  type ScheduleFacts,
} from "../domain/schedule/send-plan.ts";
import type { Env } from "../env.ts";
import { loadCalendar } from "../store/calendar.ts";
import { loadScheduleFacts, settledDeliveryKeys } from "../store/schedule-facts.ts";
import { DELIVERY_LEASE_MS } from "../store/deliveries.ts";
import { scheduleConfig } from "./schedule-config.ts";

/**
 * The one door to the send planner: the scheduler's jobs ask it what is due now, and
 * `obiettivi programma` asks it for a window. Both read the same facts the same way.
 */

export type PlannerEnv = Pick<Env, "DIGEST_CRON" | "REMINDER_DAYS" | "ABSENCE_REMINDERS" | "PATRONO">;

export interface PlannerView {
  plan: PlanRef;
  calendar: WorkingCalendar;
  config: ScheduleConfig;
  facts: ScheduleFacts;
  settled: Set<string>;
}

async function view(
  db: Db,
  env: PlannerEnv,
  window: { from: string; to: string },
  now: Date,
  leaseMs: number,
): Promise<PlannerView | null> {
  const plan = await planOfYear(db);
  if (!plan) return null;
  const calendar = await loadCalendar(db, env.PATRONO);
  const config = scheduleConfig(env);
  const facts = await loadScheduleFacts(db, plan, calendar, config, window);
  const settled = await settledDeliveryKeys(db, plan.year, window, now, leaseMs);
  return { plan, calendar, config, facts, settled };
}

/** What is due at `now` (this week's digests, today's direct messages), unsettled. */
export async function sendsDueNow(
  db: Db,
  env: PlannerEnv,
  now: Date,
  leaseMs = DELIVERY_LEASE_MS,
): Promise<{ view: PlannerView; sends: PlannedSend[] } | null> {
  const today = romeDay(now);
  const v = await view(db, env, { from: addDays(today, -7), to: today }, now, leaseMs);
  if (!v) return null;
  return { view: v, sends: dueAt(v.facts, v.config, now, v.settled) };
}

/** Every send the scheduler would make from `from` to `to`, with what was already sent counted as sent. */
export async function sendsPlanned(
  db: Db,
  env: PlannerEnv,
  from: string,
  to: string,
  now: Date,
): Promise<{ view: PlannerView; sends: PlannedSend[] } | null> {
  const v = await view(db, env, { from, to }, now, DELIVERY_LEASE_MS);
  if (!v) return null;
  return { view: v, sends: planWindow(v.facts, v.config, from, to, v.settled) };
}
