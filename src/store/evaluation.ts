import { REPLAY_SELECT } from "./report-replay.ts";
import type { Db, Tx } from "../db/client.ts";
import { endOfRomeDay, type EvaluationInput, type ReportForFold } from "../domain/scoring/evaluation.ts";
import { currentPlan } from "./plan.ts";
import { loadScoringConfig } from "./scoring-config.ts";
import { loadPlanInForce } from "./plan-definitions.ts";

type Reader = Db | Tx;

/** Everything scoring a plan at a date reads, in one round of parallel queries (plus the reports of activities changed since). */
const REBUILD_CHUNK = 500;

export async function loadEvaluationInput(db: Reader, opts: { year?: number; asOf: string }): Promise<EvaluationInput> {
  const ref = await currentPlan(db, opts.year);
  const year = ref.year;
  const cutoff = endOfRomeDay(opts.asOf);
  const [plan, config, inForce, progress, later, evidenceRows] = await Promise.all([
    db.plan.findUniqueOrThrow({
      where: { id: ref.id },
      select: { id: true, year: true, entity: true, sourceName: true, importedAt: true },
    }),
    // The SMVP version and the definitions in force on the evaluation date.
    loadScoringConfig(db, year, opts.asOf),
    loadPlanInForce(db, ref, opts.asOf),
    db.progress.findMany({ where: { planYear: year } }),
    // Activities whose Progress is newer than the date: they are rebuilt from their reports.
    db.report.findMany({
      where: { planYear: year, OR: [{ createdAt: { gte: cutoff } }, { undoneAt: { gte: cutoff } }] },
      select: { activityCode: true },
      distinct: ["activityCode"],
    }),
    // Evidence of the reports live at the date: the SMVP evidence rules read it.
    db.report.findMany({
      where: {
        planYear: year,
        evidence: { not: null },
        createdAt: { lt: cutoff },
        OR: [{ undoneAt: null }, { undoneAt: { gte: cutoff } }],
      },
      select: { activityCode: true, evidence: true },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    }),
  ]);
  const evidence = new Map<string, string[]>();
  for (const r of evidenceRows) {
    const text = r.evidence?.trim();
    if (!text) continue;
    const list = evidence.get(r.activityCode);
    if (list) list.push(text);
    else evidence.set(r.activityCode, [text]);
  }

  const rebuild = new Set(later.map((r) => r.activityCode));
  const byCode = new Map<string, ReportForFold[]>();
  if (rebuild.size) {
    // In chunks: SQLite refuses a statement with too many parameters (a date early in a large plan's year rebuilds thousands).
    const codes = [...rebuild];
    const chunks: string[][] = [];
    for (let i = 0; i < codes.length; i += REBUILD_CHUNK) chunks.push(codes.slice(i, i + REBUILD_CHUNK));
    const parts = await Promise.all(
      chunks.map((chunk) =>
        db.report.findMany({
          where: { planYear: year, activityCode: { in: chunk }, createdAt: { lt: cutoff } },
          select: REPLAY_SELECT,
          orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        }),
      ),
    );
    // Each chunk is ordered, and an activity's reports all sit in one chunk: the per-activity order holds.
    for (const r of parts.flat()) {
      const list = byCode.get(r.activityCode);
      if (list) list.push(r);
      else byCode.set(r.activityCode, [r]);
    }
  }
  return { plan, config, inForce, progress, rebuild, reportsBefore: byCode, evidence };
}
