import { UserError } from "../../errors.ts";
import { itDate } from "../text/italian.ts";
import { isStatus, MAX_EVIDENCE, MAX_REPORT_NOTE, REPORT_KINDS, type ReportInput } from "./progress.ts";

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The one check every report passes before it is stored (command, modal, button, CLI). */
export function validateReportInput(input: ReportInput, today: string): void {
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

