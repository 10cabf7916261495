import { UserError } from "../errors.ts";

export type PlanFormatErrorCode = "empty" | "binary" | "not_a_plan" | "no_activities" | "no_year";

/** The document cannot be read as a Piano della Performance; `message` tells the user what was expected. */
export class PlanFormatError extends UserError {
  constructor(
    override readonly code: PlanFormatErrorCode,
    message: string,
  ) {
    super(code, message);
    this.name = "PlanFormatError";
  }
}

const EXPECTED =
  "Atteso un documento PIAO in testo con celle separate da tabulazioni (righe «CENTRO RESPONSABILITA'», «OBIETTIVO n.n» e attività numerate come 1.1.1).";

export const planFormatMessages = {
  empty: (source: string) => `Il file «${source}» è vuoto. ${EXPECTED}`,
  binary: (source: string) =>
    `Il file «${source}» non è un testo leggibile (sembra un file binario, ad esempio un PDF o un DOCX non convertito). ${EXPECTED}`,
  notAPlan: (source: string) =>
    `Il file «${source}» non sembra un Piano della Performance: non ho trovato nessuna riga «CENTRO RESPONSABILITA'» né «OBIETTIVO n.n». Atteso un documento PIAO in testo con celle separate da tabulazioni.`,
  noActivities: (source: string, objectives: number) =>
    `Nel file «${source}» ho trovato ${objectives} ${objectives === 1 ? "obiettivo" : "obiettivi"} ma nessuna attività: mancano le righe delle attività (codice come 1.1.1, attività, indicatore, indice, valore atteso). ${EXPECTED}`,
  noYear: (source: string) =>
    `Nel file «${source}» non ho trovato l'anno del piano: atteso un titolo come «OBIETTIVI ESECUTIVI 2024» o «PIANO DETTAGLIATO DEGLI OBIETTIVI PER L'ANNUALITA' 2024», oppure scadenze con la data.`,
};
