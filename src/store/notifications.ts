import type { Db, Tx } from "../db/client.ts";
import { appendAudit } from "./audit.ts";
import type { Preference } from "../domain/schedule/send-plan.ts";

type Reader = Db | Tx;

export const DEFAULT_PREFERENCE: Preference = { dmReminders: true, daysBefore: null };
export const MAX_DAYS_BEFORE = 60;

export async function preferenceOf(db: Reader, userId: string): Promise<Preference> {
  const row = await db.notificationPreference.findUnique({ where: { slackUserId: userId } });
  return row ? { dmReminders: row.dmReminders, daysBefore: row.daysBefore } : DEFAULT_PREFERENCE;
}

export async function setPreference(db: Db, userId: string, pref: Preference, now: Date): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.notificationPreference.upsert({
      where: { slackUserId: userId },
      create: { slackUserId: userId, dmReminders: pref.dmReminders, daysBefore: pref.daysBefore, updatedAt: now },
      update: { dmReminders: pref.dmReminders, daysBefore: pref.daysBefore, updatedAt: now },
    });
    await appendAudit(tx, {
      at: now,
      actor: userId,
      action: "notification_pref",
      entityType: "user",
      entityKey: userId,
      after: pref,
    });
  });
}

/** "Ricordamelo tra N giorni": one row per press; the planner brings the item back on `untilDay`. */
export async function addSnooze(
  db: Db,
  s: { planYear: number; code: string; userId: string; kind: "reminder" | "question"; untilDay: string; now: Date },
): Promise<number> {
  const row = await db.snooze.create({
    data: {
      planYear: s.planYear,
      activityCode: s.code,
      slackUserId: s.userId,
      kind: s.kind,
      untilDay: s.untilDay,
      createdAt: s.now,
    },
  });
  return row.id;
}
