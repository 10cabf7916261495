import { romeDay } from "../clock.ts";
import { wellFormed } from "./text.ts";
import type { Db, Tx } from "../db/client.ts";
import { UserError } from "../errors.ts";
import type { DelayExplanation, Progress, Report } from "../generated/prisma/client.ts";
import { appendAudit } from "./audit.ts";
import type { ChangeBus } from "./events.ts";
import { itDate, itDateTime } from "./italian-format.ts";

/**
 * Progress is never edited: people record Reports, and the state of an activity is
 * recomputed from all its non-undone reports. So an undo is exact, a retried Slack
 * delivery is recognised by its idempotency key, and the audit shows every step.
 */

export const PROGRESS_STATUSES = ["non_iniziata", "in_corso", "completata", "bloccata"] as const;
export type ProgressStatus = (typeof PROGRESS_STATUSES)[number];

export const REPORT_KINDS = ["status", "percent", "count_add", "count_set", "boolean", "amount", "measure", "note"] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export type ReportSource = "slack_command" | "slack_modal" | "slack_button" | "console" | "cli";

export const UNDO_WINDOW_MINUTES = 15;
export const MAX_REPORT_NOTE = 1000;
export const MAX_EVIDENCE = 500;

/** Indicator kinds on which counting (+1, = 5) makes sense. */
export function isCountIndicator(targetKind: string): boolean {
  return targetKind === "count";
}

export interface ReportInput {
  planYear: number;
  /** Canonical code. */
  activityCode: string;
  userId: string;
  /** Who typed it, when on `userId`'s behalf (a Responsabile for a colleague); null or absent = the person. */
  enteredBy?: string | null;
  kind: ReportKind;
  /** An explicit status; wins over what the value implies. */
  status?: ProgressStatus | null;
  value?: number | null;
  /** The day the fact refers to; today (Rome) when absent. */
  occurredOn?: string | null;
  note?: string | null;
  evidence?: string | null;
  source: ReportSource;
  /** Slack trigger_id / view id: a second delivery with the same key returns the first report. */
  idempotencyKey?: string | null;
}

/** What the derivation needs of a report. */
export interface ReportFact {
  id: number;
  kind: string;
  status: string | null;
  value: number | null;
  occurredOn: string;
  note: string | null;
  userId: string;
  createdAt: Date;
}

export interface PeriodCount {
  /** "2024-03-12" (day), "2024-W11" (week), "2024-03" (month), "2024" (year). */
  period: string;
  count: number;
}

export interface DerivedProgress {
  status: ProgressStatus;
  percent: number | null;
  count: number | null;
  /** Count indicators with a period ("> 2 al giorno"): how much was counted in each period. */
  periodCounts: PeriodCount[];
  achievedValue: number | null;
  completedOn: string | null;
  blockedReason: string | null;
  lastReportAt: Date | null;
  lastReporterId: string | null;
}

export interface IndicatorShape {
  targetKind: string;
  period: string | null;
}

/** The state of an activity from its non-undone reports, applied in the order they were recorded. */
export function deriveProgress(reports: readonly ReportFact[], indicator: IndicatorShape): DerivedProgress {
  const ordered = [...reports].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
  let status: ProgressStatus = "non_iniziata";
  let percent: number | null = null;
  let count: number | null = null;
  let achievedValue: number | null = null;
  let completedOn: string | null = null;
  let blockedReason: string | null = null;
  const buckets = new Map<string, number>();
  const period = isPeriod(indicator.period) ? indicator.period : null;
  const addToPeriod = (day: string, delta: number) => {
    if (!period || delta === 0) return;
    const key = periodKey(day, period);
    buckets.set(key, (buckets.get(key) ?? 0) + delta);
  };

  for (const r of ordered) {
    const v = r.value;
    let implied: ProgressStatus | null = null;
    switch (r.kind) {
      case "percent":
        if (v === null) break;
        percent = v;
        if (v >= 100) implied = "completata";
        else if (status === "completata" || (status === "non_iniziata" && v > 0)) implied = "in_corso";
        break;
      case "count_add":
        if (v === null) break;
        count = (count ?? 0) + v;
        addToPeriod(r.occurredOn, v);
        if (status === "non_iniziata") implied = "in_corso";
        break;
      case "count_set":
        if (v === null) break;
        addToPeriod(r.occurredOn, v - (count ?? 0));
        count = v;
        if (status === "non_iniziata" && v > 0) implied = "in_corso";
        break;
      case "boolean":
      case "amount":
      case "measure":
        if (v === null) break;
        achievedValue = r.kind === "boolean" ? (v ? 1 : 0) : v;
        if (status === "non_iniziata") implied = "in_corso";
        break;
      default:
        break;
    }
    const next = isStatus(r.status) ? r.status : implied;
    if (next !== null) {
      // A repeated explicit "completato il X" corrects the date; 100% after completion keeps the first one.
      if (next !== "completata") completedOn = null;
      else if (status !== "completata" || isStatus(r.status)) completedOn = r.occurredOn;
      if (next === "bloccata") blockedReason = r.note ?? (status === "bloccata" ? blockedReason : null);
      else blockedReason = null;
      status = next;
    }
  }
  const last = ordered.at(-1);
  return {
    status,
    percent,
    count,
    periodCounts: [...buckets.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([p, c]) => ({ period: p, count: c })),
    achievedValue,
    completedOn,
    blockedReason,
    lastReportAt: last?.createdAt ?? null,
    lastReporterId: last?.userId ?? null,
  };
}

function isStatus(s: string | null | undefined): s is ProgressStatus {
  return s !== null && s !== undefined && (PROGRESS_STATUSES as readonly string[]).includes(s);
}

type Period = "day" | "week" | "month" | "year";
function isPeriod(p: string | null): p is Period {
  return p === "day" || p === "week" || p === "month" || p === "year";
}

export function periodKey(isoDay: string, period: Period): string {
  switch (period) {
    case "day":
      return isoDay;
    case "month":
      return isoDay.slice(0, 7);
    case "year":
      return isoDay.slice(0, 4);
    case "week": {
      // ISO 8601 week: the Thursday of the week decides the year.
      const d = new Date(Date.UTC(+isoDay.slice(0, 4), +isoDay.slice(5, 7) - 1, +isoDay.slice(8, 10)));
      d.setUTCDate(d.getUTCDate() + 4 - (d.getUTCDay() || 7));
      const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
      const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
      return `${d.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
    }
  }
}

export interface RecordResult {
  report: Report;
  progress: Progress;
  derived: DerivedProgress;
  /** True when this delivery had already been recorded (a Slack retry): nothing new was written. */
  duplicate: boolean;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function validateInput(input: ReportInput, today: string): void {
  if (!(REPORT_KINDS as readonly string[]).includes(input.kind)) throw new Error(`tipo di aggiornamento sconosciuto: ${input.kind}`);
  if (input.status != null && !isStatus(input.status)) throw new Error(`stato sconosciuto: ${input.status}`);
  if (input.value != null && !Number.isFinite(input.value)) throw new UserError("bad_value", "Il valore indicato non è un numero valido.");
  if (input.kind === "percent" && (input.value == null || input.value < 0 || input.value > 100)) {
    throw new UserError("bad_percent", "La percentuale deve essere un numero tra 0 e 100.");
  }
  if ((input.kind === "count_add" || input.kind === "count_set") && (input.value == null || input.value < 0)) {
    throw new UserError("bad_count", "Il conteggio deve essere un numero da 0 in su.");
  }
  if (input.kind === "boolean" && input.value !== 0 && input.value !== 1) throw new UserError("bad_boolean", "Indica sì o no.");
  if (input.occurredOn != null) {
    if (!ISO_DAY.test(input.occurredOn)) throw new UserError("bad_date", "Data non valida: attesa una data come 12/03/2024.");
    if (input.occurredOn > today) {
      throw new UserError("future_date", `La data ${itDate(input.occurredOn)} è nel futuro: indica una data fino a oggi (${itDate(today)}).`);
    }
  }
  if (input.note && input.note.length > MAX_REPORT_NOTE) {
    throw new UserError("note_too_long", `La nota è troppo lunga: il massimo è ${MAX_REPORT_NOTE} caratteri.`);
  }
  if (input.evidence && input.evidence.length > MAX_EVIDENCE) {
    throw new UserError("evidence_too_long", `L'evidenza è troppo lunga: il massimo è ${MAX_EVIDENCE} caratteri.`);
  }
  if (input.status === "bloccata" && !input.note?.trim()) {
    throw new UserError("blocked_without_reason", "Per segnare un'attività come bloccata serve il motivo.");
  }
}

function progressData(d: DerivedProgress, now: Date) {
  return {
    status: d.status,
    percent: d.percent,
    count: d.count,
    achievedValue: d.achievedValue,
    completedOn: d.completedOn,
    blockedReason: d.blockedReason,
    lastReportAt: d.lastReportAt,
    lastReporterId: d.lastReporterId,
    updatedAt: now,
  };
}

function auditView(p: Progress | null) {
  if (!p) return null;
  return { status: p.status, percent: p.percent, count: p.count, achievedValue: p.achievedValue, completedOn: p.completedOn, blockedReason: p.blockedReason };
}

async function recompute(tx: Tx, planYear: number, activityCode: string, indicator: IndicatorShape, now: Date) {
  const reports = await tx.report.findMany({
    where: { planYear, activityCode, undoneAt: null },
    select: { id: true, kind: true, status: true, value: true, occurredOn: true, note: true, userId: true, createdAt: true },
  });
  const derived = deriveProgress(reports, indicator);
  const data = progressData(derived, now);
  const progress = await tx.progress.upsert({
    where: { planYear_activityCode: { planYear, activityCode } },
    create: { planYear, activityCode, ...data },
    update: data,
  });
  return { derived, progress };
}

async function liveIndicator(tx: Tx, planYear: number, activityCode: string): Promise<IndicatorShape> {
  const activity = await tx.activity.findFirst({
    where: { code: activityCode, archivedAt: null, plan: { year: planYear } },
    select: { targetKind: true, period: true },
  });
  if (!activity) {
    throw new UserError("unknown_code", `L'attività ${activityCode} non è nel piano ${planYear} in vigore (forse è stata tolta da un nuovo piano).`);
  }
  return activity;
}

/**
 * Records one report and recomputes the activity's Progress, in one transaction with its
 * audit row. A repeated idempotency key returns the stored report (duplicate: true).
 */
export async function recordReport(db: Db, input: ReportInput, now: Date, changes?: ChangeBus): Promise<RecordResult> {
  const today = romeDay(now);
  validateInput(input, today);
  const result = await db.$transaction(async (tx) => {
    if (input.idempotencyKey) {
      const existing = await tx.report.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
      if (existing) {
        const indicator = await liveIndicator(tx, existing.planYear, existing.activityCode);
        const reports = await tx.report.findMany({
          where: { planYear: existing.planYear, activityCode: existing.activityCode, undoneAt: null },
          select: { id: true, kind: true, status: true, value: true, occurredOn: true, note: true, userId: true, createdAt: true },
        });
        const derived = deriveProgress(reports, indicator);
        const progress =
          (await tx.progress.findUnique({ where: { planYear_activityCode: { planYear: existing.planYear, activityCode: existing.activityCode } } })) ??
          ({ planYear: existing.planYear, activityCode: existing.activityCode, ...progressData(derived, now) } satisfies Progress);
        return { report: existing, progress, derived, duplicate: true };
      }
    }
    const indicator = await liveIndicator(tx, input.planYear, input.activityCode);
    if ((input.kind === "count_add" || input.kind === "count_set") && !isCountIndicator(indicator.targetKind)) {
      throw new UserError("not_a_count", `L'attività ${input.activityCode} non ha un indicatore numerico: «+1» e «= N» valgono solo per i conteggi. Usa per esempio una percentuale («/obiettivo ${input.activityCode} 60%») o «/obiettivo ${input.activityCode} completato».`);
    }
    const before = await tx.progress.findUnique({ where: { planYear_activityCode: { planYear: input.planYear, activityCode: input.activityCode } } });
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
        source: input.source,
        idempotencyKey: input.idempotencyKey ?? null,
        createdAt: now,
      },
    });
    const { derived, progress } = await recompute(tx, input.planYear, input.activityCode, indicator, now);
    await appendAudit(tx, {
      at: now,
      actor: input.enteredBy ?? input.userId,
      action: "report",
      entityType: "progress",
      entityKey: `${input.planYear}:${input.activityCode}`,
      before: auditView(before),
      after: { ...auditView(progress), report: { id: report.id, kind: report.kind, status: report.status, value: report.value, occurredOn: report.occurredOn, source: report.source } },
    });
    return { report, progress, derived, duplicate: false };
  });
  if (!result.duplicate) changes?.emit({ userId: input.userId, planYear: input.planYear, activityCode: input.activityCode, kind: "report" });
  return result;
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
    if (!report) throw new UserError("report_not_found", "Questo aggiornamento non esiste più: non c'è niente da annullare.");
    // The author is who typed it: the colleague who recorded on someone's behalf, or the person.
    if ((report.enteredBy ?? report.userId) !== input.userId) {
      throw new UserError("not_author", `Solo chi ha registrato l'aggiornamento (<@${report.enteredBy ?? report.userId}>) può annullarlo. Se è sbagliato, registra un nuovo aggiornamento con lo stato corretto.`);
    }
    if (report.undoneAt) {
      throw new UserError("already_undone", `Questo aggiornamento è già stato annullato (${itDateTime(report.undoneAt)}).`);
    }
    const ageMs = input.now.getTime() - report.createdAt.getTime();
    if (ageMs > UNDO_WINDOW_MINUTES * 60_000) {
      throw new UserError(
        "undo_expired",
        `Sono passati più di ${UNDO_WINDOW_MINUTES} minuti dalla registrazione: non si può più annullare. Registra un nuovo aggiornamento con lo stato corretto, per esempio «/obiettivo ${report.activityCode} in corso».`,
      );
    }
    const before = await tx.progress.findUnique({ where: { planYear_activityCode: { planYear: report.planYear, activityCode: report.activityCode } } });
    const undone = await tx.report.update({ where: { id: report.id }, data: { undoneAt: input.now, undoneBy: input.userId } });
    // Archived activities keep their code: an undo right after a re-import still recomputes correctly.
    const activity = await tx.activity.findFirst({
      where: { code: report.activityCode, plan: { year: report.planYear } },
      select: { targetKind: true, period: true },
    });
    const { derived, progress } = await recompute(tx, report.planYear, report.activityCode, activity ?? { targetKind: "text", period: null }, input.now);
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
  changes?.emit({ userId: input.userId, planYear: result.report.planYear, activityCode: result.report.activityCode, kind: "report_undo" });
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
export async function currentProgress(db: Db | Tx, year: number, code: string, indicator: IndicatorShape): Promise<DerivedProgress> {
  const reports = await db.report.findMany({
    where: { planYear: year, activityCode: code, undoneAt: null },
    select: { id: true, kind: true, status: true, value: true, occurredOn: true, note: true, userId: true, createdAt: true },
  });
  return deriveProgress(reports, indicator);
}
