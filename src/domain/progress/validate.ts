import { UserError } from "../../errors.ts";
import { isStatus, MAX_EVIDENCE, MAX_REPORT_NOTE, REPORT_KINDS, type ReportInput } from "./progress.ts";

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The one check every report passes before it is stored (command, modal, button, CLI). */
export function validateReportInput(input: ReportInput, today: string): void {
  if (!(REPORT_KINDS as readonly string[]).includes(input.kind)) throw new Error(`tipo di aggiornamento sconosciuto: ${input.kind}`);
  if (input.status != null && !isStatus(input.status)) throw new Error(`stato sconosciuto: ${input.status}`);
  if (input.value != null && !Number.isFinite(input.value)) throw new UserError({ code: "bad_value" });
  if (input.kind === "percent" && (input.value == null || input.value < 0 || input.value > 100)) {
    throw new UserError({ code: "bad_percent" });
  }
  if ((input.kind === "count_add" || input.kind === "count_set") && (input.value == null || input.value < 0)) {
    throw new UserError({ code: "bad_count" });
  }
  if (input.kind === "boolean" && input.value !== 0 && input.value !== 1) throw new UserError({ code: "bad_boolean" });
  if (input.occurredOn != null) {
    if (!ISO_DAY.test(input.occurredOn)) throw new UserError({ code: "bad_report_date" });
    if (input.occurredOn > today) {
      throw new UserError({ code: "future_date", day: input.occurredOn, today });
    }
  }
  if (input.note && input.note.length > MAX_REPORT_NOTE) {
    throw new UserError({ code: "note_too_long", max: MAX_REPORT_NOTE });
  }
  if (input.evidence && input.evidence.length > MAX_EVIDENCE) {
    throw new UserError({ code: "evidence_too_long", max: MAX_EVIDENCE });
  }
  if (input.status === "bloccata" && !input.note?.trim()) {
    throw new UserError({ code: "blocked_without_reason" });
  }
}

