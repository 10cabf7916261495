import { UserError } from "../../errors.ts";
import type { AppError } from "../../messages/errors.ts";
import { checkPercentCounts, MAX_SOURCE_LENGTH } from "../validation/counts.ts";
import {
  isStatus,
  MAX_EVIDENCE,
  MAX_REPORT_NOTE,
  REPORT_KINDS,
  type ReportInput,
  type ReportKind,
} from "./progress.ts";

/**
 * The rules a report must meet, one definition for the three ways in: the command grammar
 * (`/obiettivo 3.1.2 60%`), the report form, and the recorder that stores every report.
 * Each surface reads its input its own way and words the problem for its place (a form
 * field, a command example); the bounds are these.
 */

/** The largest count a report may carry or add. */
export const MAX_COUNT = 1_000_000;

export type ValueProblem = "not_a_number" | "percent_range" | "count_range" | "negative" | "not_yes_no";
export type DayProblem = "bad_date" | "future_date";

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A report given with counts carries the percentage they make (45/47 -> 95.7), whatever value came with it. */
export function withCountsPercent(input: ReportInput): ReportInput {
  if (input.numerator == null || input.denominator == null) return input;
  const checked = checkPercentCounts(input.numerator, input.denominator);
  return checked.ok ? { ...input, value: checked.percent } : input;
}

/** A value for a report of that kind: percent 0..100; counts 0..MAX_COUNT (an addition at least 1, whole); amounts from 0. */
export function valueProblem(kind: ReportKind, value: number): ValueProblem | null {
  if (!Number.isFinite(value)) return "not_a_number";
  switch (kind) {
    case "percent":
      return value < 0 || value > 100 ? "percent_range" : null;
    case "count_add":
      return !Number.isInteger(value) || value < 1 || value > MAX_COUNT ? "count_range" : null;
    case "count_set":
      return value < 0 || value > MAX_COUNT ? "count_range" : null;
    case "boolean":
      return value === 0 || value === 1 ? null : "not_yes_no";
    case "amount":
    case "measure":
      return value < 0 ? "negative" : null;
    default:
      return null;
  }
}

/** The day a fact refers to: a real ISO day, not after today. */
export function dayProblem(day: string, today: string): DayProblem | null {
  if (!ISO_DAY.test(day) || Number.isNaN(Date.parse(day))) return "bad_date";
  return day > today ? "future_date" : null;
}

export function noteTooLong(note: string | null | undefined): boolean {
  return !!note && note.length > MAX_REPORT_NOTE;
}

export function evidenceTooLong(evidence: string | null | undefined): boolean {
  return !!evidence && evidence.length > MAX_EVIDENCE;
}

/** Blocking needs a reason, unless the activity is blocked already (the reason is on record). */
export function blockedWithoutReason(
  status: string | null | undefined,
  note: string | null | undefined,
  previousStatus?: string | null,
): boolean {
  return status === "bloccata" && !note?.trim() && previousStatus !== "bloccata";
}

function valueError(kind: ReportKind, problem: ValueProblem): AppError {
  if (problem === "not_a_number") return { code: "bad_value" };
  if (problem === "not_yes_no") return { code: "bad_boolean" };
  if (problem === "percent_range") return { code: "bad_percent" };
  if (problem === "count_range") return { code: "bad_count" };
  return kind === "amount" || kind === "measure" ? { code: "bad_value" } : { code: "bad_count" };
}

/** The one check every report passes before it is stored (command, modal, button, CLI). */
export function validateReportInput(input: ReportInput, today: string): void {
  if (input.numerator != null || input.denominator != null) {
    if (input.kind !== "percent") throw new Error("numeratore e denominatore valgono solo per una percentuale");
    if (input.numerator == null || input.denominator == null) {
      throw new UserError({
        code: "percent_counts",
        reason: "bad_counts",
        text: "Indica sia il numeratore sia il denominatore, per esempio 45 su 47.",
      });
    }
    const checked = checkPercentCounts(input.numerator, input.denominator);
    if (!checked.ok) throw new UserError({ code: "percent_counts", reason: "bad_counts", text: checked.message });
  }
  if (input.valueSource && input.valueSource.length > MAX_SOURCE_LENGTH) {
    throw new UserError({
      code: "percent_counts",
      reason: "source_too_long",
      text: `La fonte del dato è troppo lunga: il massimo è ${MAX_SOURCE_LENGTH} caratteri.`,
    });
  }
  if (!(REPORT_KINDS as readonly string[]).includes(input.kind))
    throw new Error(`tipo di aggiornamento sconosciuto: ${input.kind}`);
  if (input.status != null && !isStatus(input.status)) throw new Error(`stato sconosciuto: ${input.status}`);
  const needsValue =
    input.kind === "percent" || input.kind === "count_add" || input.kind === "count_set" || input.kind === "boolean";
  if (input.value != null || needsValue) {
    const problem =
      input.value == null
        ? input.kind === "boolean"
          ? "not_yes_no"
          : input.kind === "percent"
            ? "percent_range"
            : "count_range"
        : valueProblem(input.kind, input.value);
    if (problem) throw new UserError(valueError(input.kind, problem));
  }
  if (input.occurredOn != null) {
    const problem = dayProblem(input.occurredOn, today);
    if (problem === "bad_date") throw new UserError({ code: "bad_report_date" });
    if (problem === "future_date") throw new UserError({ code: "future_date", day: input.occurredOn, today });
  }
  if (noteTooLong(input.note)) throw new UserError({ code: "note_too_long", max: MAX_REPORT_NOTE });
  if (evidenceTooLong(input.evidence)) throw new UserError({ code: "evidence_too_long", max: MAX_EVIDENCE });
  if (blockedWithoutReason(input.status, input.note)) throw new UserError({ code: "blocked_without_reason" });
}
