import { UserError } from "../errors.ts";

export type PlanFormatErrorCode =
  | "empty"
  | "binary"
  | "not_a_plan"
  | "no_activities"
  | "no_year"
  | "broken_document"
  | "scanned_pdf"
  | "unknown_layout";

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

const TEMPLATE_ADVICE =
  "In alternativa compila il modello Excel (lo scrive «obiettivi esporta-modello --output modello.xlsx») e importa quello.";

export const documentMessages = {
  brokenDocx: (source: string, why: string) =>
    `Il file «${source}» non è un documento Word leggibile (${why}). Controlla di aver inviato il file .docx originale (non un .doc, non un file danneggiato o troncato) e riprova. ${TEMPLATE_ADVICE}`,
  brokenPdf: (source: string, why: string) =>
    `Il file «${source}» non è un PDF leggibile (${why}). Controlla di aver inviato il PDF completo e riprova, oppure usa il file Word del piano. ${TEMPLATE_ADVICE}`,
  scannedPdf: (source: string, pages: number) =>
    `Il PDF «${source}» (${pages} ${pages === 1 ? "pagina" : "pagine"}) è una scansione: contiene solo immagini, senza testo da leggere, quindi non posso ricavarne il piano. Usa il file Word (.docx) da cui è stato ricavato, oppure compila il modello Excel (lo scrive «obiettivi esporta-modello --output modello.xlsx») e importa quello.`,
  unclearTables: (source: string, area: string) =>
    `Nel documento «${source}» non riesco a separare con certezza le righe delle tabelle: l'area ${area} contiene il testo delle righe seguenti (succede con tabelle senza bordi in un PDF). Per non caricare un piano a metà non importo nulla. Usa il file Word (.docx) del piano. ${TEMPLATE_ADVICE}`,
  emptyDocument: (source: string) => `Il documento «${source}» non contiene testo né tabelle. ${TEMPLATE_ADVICE}`,
  unknownLayout: (source: string, found: string, expected: string) =>
    `Non riconosco la struttura del piano nel documento «${source}».\n${found}\n${expected}\n${TEMPLATE_ADVICE}`,
};
