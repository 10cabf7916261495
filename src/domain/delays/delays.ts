import { wellFormed } from "../text/well-formed.ts";
import { UserError } from "../../errors.ts";
import { itDate } from "../text/italian.ts";

/**
 * Causes of delays ("scostamenti"), asked when an activity becomes overdue and kept for
 * the Relazione sulla performance, which must state the cause of every deviation.
 */

export const DELAY_CAUSES = [
  { code: "carenza_personale", label: "carenza di personale" },
  { code: "modifica_normativa", label: "modifica normativa" },
  { code: "ritardo_altri_enti", label: "ritardo di altri enti o uffici" },
  { code: "mancanza_risorse", label: "mancanza di risorse finanziarie" },
  { code: "priorita_cambiate", label: "priorità cambiate dall'amministrazione" },
  { code: "altro", label: "altro" },
] as const;

export type DelayCause = (typeof DELAY_CAUSES)[number]["code"];

export function delayCauseLabel(code: string): string {
  return DELAY_CAUSES.find((c) => c.code === code)?.label ?? code;
}

export const EXPLANATION_MAX = 3000;
export const CORRECTIVE_MAX = 3000;

export interface DelayInput {
  cause: string | null;
  explanation: string | null;
  correctiveAction: string | null;
  /** ISO yyyy-mm-dd. */
  newExpectedDate: string | null;
}

export interface ValidDelay {
  cause: DelayCause;
  explanation: string;
  correctiveAction: string | null;
  newExpectedDate: string | null;
}

export type DelayField = keyof DelayInput;

/** Field-by-field problems, in Italian, so a form can show each next to its field. */
export class DelayValidationError extends UserError {
  constructor(readonly errors: Partial<Record<DelayField, string>>) {
    super({ code: "invalid_delay", detail: Object.values(errors).join(" ") });
  }
}

export function validateDelayInput(
  input: DelayInput,
  today: string,
): { ok: true; value: ValidDelay } | { ok: false; errors: Partial<Record<DelayField, string>> } {
  const errors: Partial<Record<DelayField, string>> = {};
  const cause = DELAY_CAUSES.find((c) => c.code === input.cause)?.code;
  if (!cause) errors.cause = "Scegli la causa del ritardo dall'elenco (se nessuna va bene, scegli «altro» e spiegala).";
  const explanation = wellFormed(input.explanation ?? "").trim();
  if (explanation === "")
    errors.explanation =
      "Scrivi che cosa è successo: la spiegazione è obbligatoria e finisce nella Relazione sulla performance.";
  else if (explanation.length > EXPLANATION_MAX)
    errors.explanation = `La spiegazione è troppo lunga: al massimo ${EXPLANATION_MAX} caratteri.`;
  const corrective = wellFormed(input.correctiveAction ?? "").trim();
  if (corrective.length > CORRECTIVE_MAX)
    errors.correctiveAction = `L'azione correttiva è troppo lunga: al massimo ${CORRECTIVE_MAX} caratteri.`;
  const date = input.newExpectedDate?.trim() || null;
  if (date !== null) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) {
      errors.newExpectedDate = "Data non valida: scegli il giorno dal calendario.";
    } else if (date < today) {
      errors.newExpectedDate = `La nuova data prevista non può essere nel passato: scegli oggi (${itDate(today)}) o un giorno successivo.`;
    }
  }
  if (Object.keys(errors).length > 0 || !cause) return { ok: false, errors };
  return {
    ok: true,
    value: { cause, explanation, correctiveAction: corrective === "" ? null : corrective, newExpectedDate: date },
  };
}

export interface DelayActivity {
  year: number;
  code: string;
  title: string;
  areaCode: string | null;
  areaName: string | null;
  deadline: string | null;
  /** Days past the effective deadline on `today` (<= 0: not yet late). */
  daysLate: number | null;
}

export interface DelayExplanationView {
  id: number;
  cause: string;
  causeLabel: string;
  explanation: string;
  correctiveAction: string | null;
  newExpectedDate: string | null;
  userId: string;
  createdAt: Date;
}
