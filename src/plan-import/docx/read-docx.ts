import { PlanFormatError } from "../errors.ts";
import type { ParsedPlan } from "../parse-piao.ts";

/** PLACEHOLDER (issue 12, helper 12a writes the real Word reader): same signature, refuses in Italian. */
export async function readDocxPlan(_data: Uint8Array, sourceName: string): Promise<ParsedPlan> {
  throw new PlanFormatError(
    "not_a_plan",
    `Il file «${sourceName}» è un documento Word: formato non ancora supportato. Usa il modello Excel («obiettivi esporta-modello --output modello.xlsx») o il testo del piano.`,
  );
}
