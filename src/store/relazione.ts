import type { Db, Tx } from "../db/client.ts";

/** What the Relazione reads besides the evaluation: evidence, delay causes and people's names, as known before `cutoff`. */
export async function loadRelazioneRecords(db: Db | Tx, year: number, cutoff: Date) {
  const [evidenceRows, delays, users, liveReports, findingRows] = await Promise.all([
    db.report.findMany({
      where: {
        planYear: year,
        evidence: { not: null },
        createdAt: { lt: cutoff },
        OR: [{ undoneAt: null }, { undoneAt: { gte: cutoff } }],
      },
      select: { activityCode: true, evidence: true, userId: true, enteredBy: true, createdAt: true, occurredOn: true },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    }),
    db.delayExplanation.findMany({
      where: { planYear: year, createdAt: { lt: cutoff } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    }),
    userNameRows(db),
    // Late entries and the counts behind percentages: every report live at the date.
    db.report.findMany({
      where: { planYear: year, createdAt: { lt: cutoff }, OR: [{ undoneAt: null }, { undoneAt: { gte: cutoff } }] },
      select: {
        activityCode: true,
        kind: true,
        occurredOn: true,
        createdAt: true,
        userId: true,
        enteredBy: true,
        numerator: true,
        denominator: true,
        valueSource: true,
      },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    }),
    db.validationFinding.findMany({
      where: { planYear: year, recordedAt: { lt: cutoff } },
      orderBy: [{ recordedAt: "asc" }, { id: "asc" }],
    }),
  ]);
  return { evidenceRows, delays, users, liveReports, findingRows };
}

function userNameRows(db: Db | Tx) {
  return db.user.findMany({ select: { slackUserId: true, name: true } });
}
