import type { Db } from "../db/client.ts";
import {
  DelayValidationError,
  validateDelayInput,
  type DelayActivity,
  type DelayInput,
  type ValidDelay,
} from "../domain/delays/delays.ts";
import { assertCanWriteActivity, requireActor } from "../domain/permissions.ts";
import { appendAudit } from "../store/audit.ts";
import { delayActivity, insertDelayExplanation } from "../store/delays.ts";
import { loadActor } from "../store/users.ts";
import type { ChangeBus } from "./events.ts";

/** Explaining a delay: the "Spiega il ritardo" button and its form. */

/**
 * The activity a delay cause is about, checked for the user: only those who may write
 * the activity may explain its delay (the same rule as reporting progress).
 */
export async function delayActivityFor(
  db: Db,
  q: { year: number; code: string; userId: string; today: string },
): Promise<DelayActivity> {
  const actor = requireActor(await loadActor(db, q.userId), q.userId);
  const activity = await delayActivity(db, q.year, q.code, q.today);
  assertCanWriteActivity(actor, activity, "delay");
  return activity;
}

export interface RecordDelayInput extends DelayInput {
  year: number;
  code: string;
  userId: string;
  now: Date;
  today: string;
}

export interface RecordedDelay {
  id: number;
  activity: DelayActivity;
  value: ValidDelay;
}

/** Validates, checks permission, stores the cause with author and time, audits it, and tells listeners. */
export async function recordDelayExplanation(
  db: Db,
  input: RecordDelayInput,
  changes?: ChangeBus,
): Promise<RecordedDelay> {
  const v = validateDelayInput(input, input.today);
  if (!v.ok) throw new DelayValidationError(v.errors);
  const saved = await db.$transaction(async (tx) => {
    const actor = requireActor(await loadActor(tx, input.userId), input.userId);
    const activity = await delayActivity(tx, input.year, input.code, input.today);
    assertCanWriteActivity(actor, activity, "delay");
    const row = await insertDelayExplanation(tx, {
      year: input.year,
      code: activity.code,
      value: v.value,
      userId: input.userId,
      now: input.now,
    });
    await appendAudit(tx, {
      at: input.now,
      actor: input.userId,
      action: "delay_cause",
      entityType: "activity",
      entityKey: `${input.year}:${activity.code}`,
      after: { id: row.id, ...v.value, deadline: activity.deadline },
    });
    return { id: row.id, activity };
  });
  changes?.emit({ userId: input.userId, planYear: input.year, activityCode: saved.activity.code, kind: "delay_cause" });
  return { ...saved, value: v.value };
}
