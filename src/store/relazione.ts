import type { Db, Tx } from "../db/client.ts";

/** What the Relazione reads besides the evaluation: evidence, delay causes and people's names, as known before `cutoff`. */
export async function loadRelazioneRecords(db: Db | Tx, year: number, cutoff: Date) {
  const [evidenceRows, delays, users] = await Promise.all([
    db.report.findMany({
      where: { planYear: year, evidence: { not: null }, createdAt: { lt: cutoff }, OR: [{ undoneAt: null }, { undoneAt: { gte: cutoff } }] },
      select: { activityCode: true, evidence: true, userId: true, enteredBy: true, createdAt: true, occurredOn: true },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    }),
    db.delayExplanation.findMany({ where: { planYear: year, createdAt: { lt: cutoff } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
    userNameRows(db),
  ]);
  return { evidenceRows, delays, users };
}

function userNameRows(db: Db | Tx) {
  return db.user.findMany({ select: { slackUserId: true, name: true } });
}
