import type { Db, Tx } from "../db/client.ts";

/** Deadlines set by hand, kept apart from the plan (keyed by year and canonical code) so they survive re-imports. */

export async function manualDeadlineOf(db: Db | Tx, year: number, code: string): Promise<{ deadline: string } | null> {
  return db.manualDeadline.findUnique({ where: { planYear_activityCode: { planYear: year, activityCode: code } }, select: { deadline: true } });
}

export async function saveManualDeadline(tx: Tx, m: { year: number; code: string; deadline: string; setBy: string; setAt: Date }): Promise<void> {
  await tx.manualDeadline.upsert({
    where: { planYear_activityCode: { planYear: m.year, activityCode: m.code } },
    create: { planYear: m.year, activityCode: m.code, deadline: m.deadline, setBy: m.setBy, setAt: m.setAt },
    update: { deadline: m.deadline, setBy: m.setBy, setAt: m.setAt },
  });
}
