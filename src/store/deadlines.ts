import type { Db, Tx } from "../db/client.ts";

/** Deadlines set by hand, kept apart from the plan (keyed by year and canonical code) so they survive re-imports. */

export async function manualDeadlineOf(
  db: Db | Tx,
  year: number,
  code: string,
): Promise<{ deadline: string; note: string | null } | null> {
  return db.manualDeadline.findUnique({
    where: { planYear_activityCode: { planYear: year, activityCode: code } },
    select: { deadline: true, note: true },
  });
}

export async function saveManualDeadline(
  tx: Tx,
  m: { year: number; code: string; deadline: string; setBy: string; setAt: Date; note?: string | null },
): Promise<void> {
  const note = m.note ?? null;
  await tx.manualDeadline.upsert({
    where: { planYear_activityCode: { planYear: m.year, activityCode: m.code } },
    create: { planYear: m.year, activityCode: m.code, deadline: m.deadline, setBy: m.setBy, setAt: m.setAt, note },
    update: { deadline: m.deadline, setBy: m.setBy, setAt: m.setAt, note },
  });
}

/** The deadline the adopted document prints for an activity (null: none, or no such activity). */
export async function documentDeadlineOf(db: Db | Tx, planId: number, code: string): Promise<string | null> {
  return (await db.activity.findFirst({ where: { planId, code }, select: { deadline: true } }))?.deadline ?? null;
}
