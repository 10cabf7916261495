import { REPLAY_SELECT } from "./report-replay.ts";
import type { Db, Tx } from "../db/client.ts";
import type { ReportForFold } from "../domain/scoring/evaluation.ts";

export interface TimedReport extends ReportForFold {
  activityCode: string;
}

/** Every report of the year, oldest first: the month-end trend folds them at each date. */
export async function reportsOfYear(db: Db | Tx, planYear: number): Promise<TimedReport[]> {
  return db.report.findMany({
    where: { planYear },
    select: REPLAY_SELECT,
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
}
