import type { ChangeBus } from "../app/events.ts";
import type { Db, Tx } from "../db/client.ts";
import { romeDay } from "../domain/calendar/days.ts";
import {
  deriveProgress,
  isCountIndicator,
  progressFields,
  UNDO_WINDOW_MINUTES,
  type DerivedProgress,
  type IndicatorShape,
  type ReportInput,
} from "../domain/progress/progress.ts";
import { validateReportInput, withCountsPercent } from "../domain/progress/validate.ts";
import { wellFormed } from "../domain/text/well-formed.ts";
import { UserError } from "../errors.ts";
import type { DelayExplanation, Progress, Report } from "../generated/prisma/client.ts";
import { appendAudit } from "./audit.ts";
import { reportAreaFor } from "./report-area.ts";
import { activityDefinitionOf } from "../domain/plan/in-force.ts";
import { loadOverlay } from "./variations.ts";

export interface RecordResult {
  report: Report;
  progress: Progress;
  derived: DerivedProgress;
  /** True when this delivery had already been recorded (a Slack retry): nothing new was written. */
  duplicate: boolean;
}

function progressData(d: DerivedProgress, now: Date) {
  return { ...progressFields(d), updatedAt: now };
}

function auditView(p: Progress | null) {
  if (!p) return null;
  return {
    status: p.status,
    percent: p.percent,
    count: p.count,
    achievedValue: p.achievedValue,
    completedOn: p.completedOn,
    blockedReason: p.blockedReason,
  };
}

/** The reports that stand (not undone) of one activity: what deriveProgress rebuilds its state from. */
function liveReports(tx: Tx, planYear: number, activityCode: string) {
  return tx.report.findMany({
    where: { planYear, activityCode, undoneAt: null },
    select: {
      id: true,
      kind: true,
      status: true,
      value: true,
      occurredOn: true,
      note: true,
      userId: true,
      createdAt: true,
    },
  });
}

async function recompute(tx: Tx, planYear: number, activityCode: string, indicator: IndicatorShape, now: Date) {
  const reports = await liveReports(tx, planYear, activityCode);
  const derived = deriveProgress(reports, indicator);
  const data = progressData(derived, now);
  const progress = await tx.progress.upsert({
    where: { planYear_activityCode: { planYear, activityCode } },
    create: { planYear, activityCode, ...data },
    update: data,
  });
  return { derived, progress };
}

/** The indicator's shape in force on `day` (a variation may change the target's kind or period). */
async function liveIndicator(tx: Tx, planYear: number, activityCode: string, day: string): Promise<IndicatorShape> {
  const activity = await tx.activity.findFirst({
    where: { code: activityCode, archivedAt: null, plan: { year: planYear } },
    select: { targetKind: true, period: true },
  });
  if (!activity) {
    throw new UserError({ code: "unknown_code", context: "report", activityCode, year: planYear });
  }
  const overlay = await loadOverlay(tx, planYear, day);
  if (!overlay.isTouched("activity", activityCode)) return activity;
  const target = overlay.activity(
    activityDefinitionOf({
      code: activityCode,
      title: "",
      indicatorName: "",
      indicatorIndex: null,
      targetText: "",
      targetKind: activity.targetKind,
      threshold: null,
      comparator: null,
      period: activity.period,
      unit: null,
      qualifier: null,
      deadline: null,
      objectiveCode: "",
    }),
    { evenIfAbsent: true },
  )!.target;
  return { targetKind: target.kind, period: target.period };
}

/**
 * Records one report and recomputes the activity's Progress, in one transaction with its
 * audit row. A repeated idempotency key returns the stored report (duplicate: true).
 */
export async function recordReport(db: Db, given: ReportInput, now: Date, changes?: ChangeBus): Promise<RecordResult> {
  validateReportInput(given, romeDay(now));
  const result = await db.$transaction((tx) => recordReportIn(tx, given, now));
  if (!result.duplicate)
    changes?.emit({ userId: given.userId, planYear: given.planYear, activityCode: given.activityCode, kind: "report" });
  return result;
}

/**
 * The same, inside the caller's transaction (an import of many reports, all or none).
 * Validates like recordReport; the caller emits changes once the transaction is committed.
 */
export async function recordReportIn(tx: Tx, given: ReportInput, now: Date): Promise<RecordResult> {
  const today = romeDay(now);
  validateReportInput(given, today);
  const input = withCountsPercent(given);
  if (input.idempotencyKey) {
    const existing = await tx.report.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
    if (existing) {
      const indicator = await liveIndicator(tx, existing.planYear, existing.activityCode, today);
      const reports = await liveReports(tx, existing.planYear, existing.activityCode);
      const derived = deriveProgress(reports, indicator);
      const progress =
        (await tx.progress.findUnique({
          where: { planYear_activityCode: { planYear: existing.planYear, activityCode: existing.activityCode } },
        })) ??
        ({
          planYear: existing.planYear,
          activityCode: existing.activityCode,
          ...progressData(derived, now),
        } satisfies Progress);
      return { report: existing, progress, derived, duplicate: true };
    }
  }
  const indicator = await liveIndicator(tx, input.planYear, input.activityCode, today);
  if ((input.kind === "count_add" || input.kind === "count_set") && !isCountIndicator(indicator.targetKind)) {
    throw new UserError({ code: "not_a_count", activityCode: input.activityCode });
  }
  if (input.denominator != null && indicator.targetKind !== "percentage") {
    throw new UserError({
      code: "percent_counts",
      reason: "not_a_percentage",
      text: `L'attività ${input.activityCode} non ha un indicatore in percentuale: «= 45/47» vale solo per le percentuali. Per un conteggio usa «/obiettivo ${input.activityCode} = 45».`,
    });
  }
  const before = await tx.progress.findUnique({
    where: { planYear_activityCode: { planYear: input.planYear, activityCode: input.activityCode } },
  });
  const areaCode = await reportAreaFor(tx, input);
  const report = await tx.report.create({
    data: {
      planYear: input.planYear,
      activityCode: input.activityCode,
      userId: input.userId,
      enteredBy: input.enteredBy ?? null,
      kind: input.kind,
      status: input.status ?? null,
      value: input.value ?? null,
      occurredOn: input.occurredOn ?? today,
      note: input.note ? wellFormed(input.note).trim() || null : null,
      evidence: input.evidence ? wellFormed(input.evidence).trim() || null : null,
      numerator: input.numerator ?? null,
      denominator: input.denominator ?? null,
      valueSource: input.valueSource ? wellFormed(input.valueSource).trim() || null : null,
      source: input.source,
      idempotencyKey: input.idempotencyKey ?? null,
      areaCode,
      createdAt: now,
    },
  });
  const { derived, progress } = await recompute(tx, input.planYear, input.activityCode, indicator, now);
  await appendAudit(tx, {
    at: now,
    // Who entered it; on someone's behalf, the report says whose fact it is.
    actor: input.enteredBy ?? input.userId,
    action: "report",
    entityType: "progress",
    entityKey: `${input.planYear}:${input.activityCode}`,
    before: auditView(before),
    after: {
      ...auditView(progress),
      report: {
        id: report.id,
        kind: report.kind,
        status: report.status,
        value: report.value,
        occurredOn: report.occurredOn,
        source: report.source,
        ...(input.enteredBy ? { userId: input.userId, enteredBy: input.enteredBy } : {}),
        ...(report.denominator != null
          ? { numerator: report.numerator, denominator: report.denominator, valueSource: report.valueSource }
          : {}),
      },
    },
  });
  return { report, progress, derived, duplicate: false };
}

export interface UndoInput {
  reportId: number;
  userId: string;
  now: Date;
}

export interface UndoResult {
  report: Report;
  progress: Progress;
  derived: DerivedProgress;
}

/** Undoes a report: only its author, only within UNDO_WINDOW_MINUTES. */
export async function undoReport(db: Db, input: UndoInput, changes?: ChangeBus): Promise<UndoResult> {
  const result = await db.$transaction(async (tx) => {
    const report = await tx.report.findUnique({ where: { id: input.reportId } });
    if (!report) throw new UserError({ code: "report_not_found" });
    // The author is who typed it: the colleague who recorded on someone's behalf, or the person.
    if ((report.enteredBy ?? report.userId) !== input.userId) {
      throw new UserError({ code: "not_author", authorId: report.enteredBy ?? report.userId });
    }
    if (report.undoneAt) {
      throw new UserError({ code: "already_undone", at: report.undoneAt });
    }
    const ageMs = input.now.getTime() - report.createdAt.getTime();
    if (ageMs > UNDO_WINDOW_MINUTES * 60_000) {
      throw new UserError({ code: "undo_expired", minutes: UNDO_WINDOW_MINUTES, activityCode: report.activityCode });
    }
    const before = await tx.progress.findUnique({
      where: { planYear_activityCode: { planYear: report.planYear, activityCode: report.activityCode } },
    });
    const undone = await tx.report.update({
      where: { id: report.id },
      data: { undoneAt: input.now, undoneBy: input.userId },
    });
    // Archived activities keep their code: an undo right after a re-import still recomputes correctly.
    const activity = await tx.activity.findFirst({
      where: { code: report.activityCode, plan: { year: report.planYear } },
      select: { targetKind: true, period: true },
    });
    const { derived, progress } = await recompute(
      tx,
      report.planYear,
      report.activityCode,
      activity ?? { targetKind: "text", period: null },
      input.now,
    );
    await appendAudit(tx, {
      at: input.now,
      actor: input.userId,
      action: "report_undo",
      entityType: "progress",
      entityKey: `${report.planYear}:${report.activityCode}`,
      before: auditView(before),
      after: { ...auditView(progress), undoneReportId: report.id },
    });
    return { report: undone, progress, derived };
  });
  changes?.emit({
    userId: input.userId,
    planYear: result.report.planYear,
    activityCode: result.report.activityCode,
    kind: "report_undo",
  });
  return result;
}

export interface ActivityHistory {
  /** Newest first; undone ones included, with `undoneAt` set. */
  reports: Report[];
  totalReports: number;
  delays: DelayExplanation[];
}

/** Reports (undone ones marked) and delay explanations of an activity, newest first. */
export async function activityHistory(db: Db | Tx, year: number, code: string, limit = 30): Promise<ActivityHistory> {
  const where = { planYear: year, activityCode: code };
  const [reports, totalReports, delays] = await Promise.all([
    db.report.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit }),
    db.report.count({ where }),
    db.delayExplanation.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit }),
  ]);
  return { reports, totalReports, delays };
}

/** The current derived state, for an activity nobody reported on yet as well. */
export async function currentProgress(
  db: Db | Tx,
  year: number,
  code: string,
  indicator: IndicatorShape,
): Promise<DerivedProgress> {
  const reports = await db.report.findMany({
    where: { planYear: year, activityCode: code, undoneAt: null },
    select: {
      id: true,
      kind: true,
      status: true,
      value: true,
      occurredOn: true,
      note: true,
      userId: true,
      createdAt: true,
    },
  });
  return deriveProgress(reports, indicator);
}
