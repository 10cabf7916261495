import type { Db, Tx } from "../db/client.ts";
import { endOfRomeDay, type EvaluationInput, type ReportForFold } from "../domain/scoring/evaluation.ts";
import { currentPlan } from "./plan.ts";
import { loadScoringConfig } from "./scoring-config.ts";

type Reader = Db | Tx;

/** Everything scoring a plan at a date reads, in one round of parallel queries (plus the reports of activities changed since). */
export async function loadEvaluationInput(db: Reader, opts: { year?: number; asOf: string }): Promise<EvaluationInput> {
  const ref = await currentPlan(db, opts.year);
  const year = ref.year;
  const cutoff = endOfRomeDay(opts.asOf);
  const [plan, config, areas, objectives, activities, progress, manual, later] = await Promise.all([
    db.plan.findUniqueOrThrow({ where: { id: ref.id }, select: { id: true, year: true, entity: true, sourceName: true, importedAt: true } }),
    loadScoringConfig(db, year),
    db.area.findMany({ where: { planId: ref.id, archivedAt: null }, orderBy: { position: "asc" }, select: { id: true, code: true, name: true, head: true } }),
    db.objective.findMany({
      where: { planId: ref.id, archivedAt: null },
      orderBy: { position: "asc" },
      select: { id: true, code: true, title: true, publicValue: true, weight: true, areaId: true },
    }),
    db.activity.findMany({
      where: { planId: ref.id, archivedAt: null },
      orderBy: { position: "asc" },
      select: {
        code: true,
        printedCode: true,
        title: true,
        objectiveId: true,
        indicatorName: true,
        indicatorIndex: true,
        targetText: true,
        targetKind: true,
        deadline: true,
        threshold: true,
        comparator: true,
        period: true,
        unit: true,
        qualifier: true,
      },
    }),
    db.progress.findMany({ where: { planYear: year } }),
    db.manualDeadline.findMany({ where: { planYear: year }, select: { activityCode: true, deadline: true } }),
    // Activities whose Progress is newer than the date: they are rebuilt from their reports.
    db.report.findMany({
      where: { planYear: year, OR: [{ createdAt: { gte: cutoff } }, { undoneAt: { gte: cutoff } }] },
      select: { activityCode: true },
      distinct: ["activityCode"],
    }),
  ]);

  const rebuild = new Set(later.map((r) => r.activityCode));
  const byCode = new Map<string, ReportForFold[]>();
  if (rebuild.size) {
    const reports = await db.report.findMany({
      where: { planYear: year, activityCode: { in: [...rebuild] }, createdAt: { lt: cutoff } },
      select: { id: true, activityCode: true, kind: true, status: true, value: true, occurredOn: true, note: true, userId: true, createdAt: true, undoneAt: true },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    for (const r of reports) {
      const list = byCode.get(r.activityCode);
      if (list) list.push(r);
      else byCode.set(r.activityCode, [r]);
    }
  }
  return { plan, config, areas, objectives, activities, progress, manual, rebuild, reportsBefore: byCode };
}

