import { isoWeekOf } from "../calendar/weeks.ts";
/**
 * Progress is never edited: people record Reports, and the state of an activity is
 * recomputed from all its non-undone reports. So an undo is exact, a retried Slack
 * delivery is recognised by its idempotency key, and the audit shows every step.
 */

export const PROGRESS_STATUSES = ["non_iniziata", "in_corso", "completata", "bloccata"] as const;
export type ProgressStatus = (typeof PROGRESS_STATUSES)[number];

/** How each status reads, everywhere (replies, /stato, App Home, Relazione). */
export const STATUS_LABELS: Record<ProgressStatus, string> = {
  non_iniziata: "non iniziata",
  in_corso: "in corso",
  completata: "completata",
  bloccata: "bloccata",
};

/** A stored status as words; an unknown one as it is. */
export function statusLabel(status: string): string {
  return (STATUS_LABELS as Record<string, string>)[status] ?? status;
}

export const REPORT_KINDS = [
  "status",
  "percent",
  "count_add",
  "count_set",
  "boolean",
  "amount",
  "measure",
  "note",
] as const;
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
  /** Whose fact it is (whose work). */
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
  /** Percentage indicators: the counts behind the percentage (45 of 47); value is then computed from them. */
  numerator?: number | null;
  denominator?: number | null;
  /** Where the counts come from ("protocollo"). */
  valueSource?: string | null;
  source: ReportSource;
  /** Slack trigger_id / view id: a second delivery with the same key returns the first report. */
  idempotencyKey?: string | null;
  /** Comune-wide activities: the area the fact is for; absent = the reporter's own area. */
  areaCode?: string | null;
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

/** What Progress keeps of a derivation (and the Relazione reads of a state): the same fields everywhere. */
export interface ProgressFields<S = string> {
  status: S;
  percent: number | null;
  count: number | null;
  achievedValue: number | null;
  completedOn: string | null;
  blockedReason: string | null;
  lastReportAt: Date | null;
  lastReporterId: string | null;
}

export function progressFields<S>(p: ProgressFields<S>): ProgressFields<S> {
  return {
    status: p.status,
    percent: p.percent,
    count: p.count,
    achievedValue: p.achievedValue,
    completedOn: p.completedOn,
    blockedReason: p.blockedReason,
    lastReportAt: p.lastReportAt,
    lastReporterId: p.lastReporterId,
  };
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
    periodCounts: [...buckets.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([p, c]) => ({ period: p, count: c })),
    achievedValue,
    completedOn,
    blockedReason,
    lastReportAt: last?.createdAt ?? null,
    lastReporterId: last?.userId ?? null,
  };
}

export function isStatus(s: string | null | undefined): s is ProgressStatus {
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
    case "week":
      return isoWeekOf(isoDay);
  }
}
