import { itDate, itDateTime, itNumber } from "../domain/text/italian.ts";

/**
 * Every error a person can cause, as a code with its data, and its Italian text: the one
 * catalogue. Rules and use cases throw `UserError(error)`; each surface renders the text for
 * itself: Slack gets mentions (<@U…>) and /obiettivo, the console and the CLI names and
 * `npx obiettivi`.
 */

export type Surface = "slack" | "console" | "cli";

export type AppError =
  // people and permissions
  | { code: "unknown_user"; userId: string }
  | { code: "user_not_registered"; userId: string }
  | { code: "nucleo_read_only"; action: "report" | "history_hint" }
  | { code: "forbidden_area"; activityCode: string; activityArea: string | null; actorAreas: string[] }
  | { code: "export_refused"; document?: "relazione" | "schede" | "validazione" }
  | { code: "bad_user_id"; raw: string }
  | { code: "bad_channel_id"; raw: string }
  | { code: "bad_role"; raw: string | undefined; roles: readonly string[] }
  | { code: "area_required"; role: string; year: number; choices: string }
  // the plan
  | { code: "no_plan"; year?: number; forRole?: string }
  /** An area named by a person: `context` says where, hence how the areas are listed. */
  | { code: "area_unknown"; context: "users"; query: string; year: number; choices: string }
  | { code: "area_unknown"; context: "status"; query: string; year: number; example: string | null; list: string }
  | { code: "area_unknown"; context: "digest"; query: string; year: number; list: string }
  | { code: "area_ambiguous"; context: "users"; query: string; candidates: string }
  | { code: "area_ambiguous"; context: "status"; query: string; example: string | null; list: string }
  /** An activity code: typed by an admin (deadline), or gone from the plan since a button or form was shown. */
  | { code: "unknown_code"; context: "deadline" | "delay" | "report"; activityCode: string; year: number }
  | { code: "ambiguous_code"; typed: string; candidates: string }
  | { code: "plan_inconsistent"; detail: string }
  | { code: "csv_invalid"; detail: string }
  | { code: PlanFormatCode; source: string; objectives?: number }
  | DocumentProblem
  // reports
  | { code: "bad_value" }
  | { code: "bad_percent" }
  | { code: "bad_count" }
  | { code: "bad_boolean" }
  | { code: "bad_report_date" }
  | { code: "future_date"; day: string; today: string }
  | { code: "note_too_long"; max: number }
  | { code: "evidence_too_long"; max: number }
  | { code: "blocked_without_reason" }
  | { code: "not_a_count"; activityCode: string }
  | { code: "report_not_found" }
  | { code: "not_author"; authorId: string }
  | { code: "already_undone"; at: Date }
  | { code: "undo_expired"; minutes: number; activityCode: string }
  | { code: "invalid_delay"; detail: string }
  // Slack buttons and exports
  | { code: "stale_button"; flow: "delay" | "report" | "share" | "behaviours" }
  | { code: "export_failed"; document?: "relazione" | "schede" | "validazione" }
  // command line and files
  | { code: "bad_date"; raw: string; expected: "plan" | "cli" }
  | { code: "bad_year"; raw: string; option?: string }
  | { code: "bad_number"; raw: string; range: "positive" | "days" }
  | { code: "bad_format"; raw: string; formats: string }
  | { code: "xlsx_to_tty" }
  | { code: "missing_user_id"; usage: string }
  | { code: "missing_channel"; area: string }
  | { code: "missing_area" }
  | { code: "area_and_all" }
  | { code: "adopted_and_day" }
  | { code: "file_unreadable"; file: string; reason: string | null }
  | { code: "bad_scoring_config"; detail: string }
  // backups
  | { code: "db_missing"; file: string }
  | { code: "db_memory" }
  | { code: "db_corrupt"; file: string; check: string }
  | { code: "db_newer"; file: string; migrations: string[] }
  | { code: "not_obiettivi_db"; file: string; reason: string }
  | { code: "not_a_file"; file: string }
  | { code: "backup_same_file"; file: string }
  | { code: "backup_dir_missing"; dir: string }
  | { code: "backup_exists"; file: string }
  | { code: "backup_failed"; reason: string }
  | { code: "backup_corrupt"; check: string }
  | { code: "restore_same_file"; file: string }
  | { code: "restore_failed"; reason: string; safetyCopy: string | null }
  // scorecards and behaviour scores (issue 15)
  | { code: "behaviour_scores_shape"; criteria: string }
  | { code: "behaviour_scores_empty"; criteria: string }
  | { code: "behaviour_criterion_unknown"; key: string; count: number }
  | {
      code: "behaviour_score_invalid";
      number: number;
      title: string;
      max: number;
      found: string;
      reason: "not_number" | "negative" | "decimals";
    }
  | { code: "behaviour_score_over_max"; number: number; title: string; max: number; value: number }
  | { code: "responsabile_unknown"; name: string; heads: string[] }
  | { code: "behaviours_forbidden"; editors: string[] }
  | { code: "behaviour_pick_first" }
  | { code: "area_not_comune_wide"; activityCode: string }
  | { code: "report_area_unknown"; area: string; year: number; areas: string[] }
  | { code: "texts_dir_missing"; dir: string; files: string[] }
  | { code: "binary_to_tty"; format: string }
  | { code: "bad_json"; file: string; detail: string; example: string }
  // plan history (variations)
  | { code: "variation_incomplete"; missing: ("atto" | "dal" | "motivo")[] }
  | { code: "bad_day"; option: string; raw: string }
  | { code: "variation_before_plan"; validFrom: string; adoptedFrom: string; year: number }
  | { code: "variation_unknown_code"; typed: string; validFrom: string; year: number }
  | { code: "variation_needs_code" }
  | { code: "variation_nothing" }
  | { code: "variation_wrong_entity"; typed: string; field: "deadline" | "target" }
  | { code: "variation_empty_target" }
  | { code: "variation_bad_deadline"; raw: string }
  | { code: "variation_bad_weight"; raw: string }
  | { code: "variation_no_change"; validFrom: string }
  | { code: "variation_mixed" }
  | { code: "variation_year"; documentYear: number; asked: number }
  | { code: "deadline_is_variation"; activityCode: string; deadline: string; target: string; date: string }
  | { code: "bad_command"; detail: string }
  | { code: "not_one_activity"; typed: string; year: number; candidates: string[] }
  | { code: "confirm_needs_tty" }
  // The Nucleo's validation: texts built where the problem is found (they name a sheet, a
  // row, a column, an act); `reason` is the stable code. To be split into codes with data.
  | { code: "validation"; reason: string; text: string }
  | { code: "evidence"; reason: string; text: string }
  | { code: "percent_counts"; reason: string; text: string }
  // plan documents: Excel template, readers not yet available, progress files, import from Slack
  /** `problems` are already placed ("foglio «Attività», riga 7, colonna «Scadenza» (J): …"); `more` were not listed. */
  | { code: "template_invalid"; source: string; problems: string[]; more: number }
  | { code: "not_a_template"; source: string; found: string[] }
  | { code: "xlsx_unreadable"; source: string }
  | { code: "legacy_office"; source: string }
  | {
      code: "progress_file_invalid";
      source: string;
      reason: "missing_columns" | "not_a_sheet" | "unreadable_csv" | "empty" | "no_sheet" | "no_rows";
      detail?: string;
    }
  /** `problems` are already placed ("riga 7: …"). */
  | { code: "progress_import_invalid"; source: string; problems: string[]; more: number }
  | { code: "progress_row_invalid"; where: string; detail: string }
  | { code: "plan_import_refused" }
  | { code: "plan_import_gone" }
  | {
      code: "slack_file_unavailable";
      reason: "no_url" | "no_file" | "missing_scope" | "slack_error" | "not_delivered";
      detail?: string;
    }
  | { code: "two_formats" }
  // working calendar, absences, reports on someone's behalf (issue 13)
  | { code: "bad_patron"; raw: string }
  | { code: "bad_closure_day"; raw: string }
  | { code: "closure_unknown"; day: string }
  | { code: "missing_day"; flag: string; example: string }
  | { code: "bad_iso_day"; raw: string; flag: string }
  | { code: "bad_window_day"; raw: string; flag: string }
  | { code: "bad_window"; from: string; to: string }
  | { code: "window_too_long"; max: number }
  | { code: "absence_order"; from: string; to: string }
  | { code: "absence_too_long"; max: number }
  | { code: "absence_user_unknown"; userId: string }
  | { code: "absence_unknown"; id: number; own: boolean }
  | { code: "bad_absence_id"; raw: string }
  | { code: "stale_absence_button" }
  | { code: "stale_snooze_button" }
  | { code: "behalf_role" }
  | { code: "behalf_other_area"; personId: string; actorAreas: string[] }
  | { code: "behalf_cannot_write"; personId: string; activityCode: string }
  | { code: "behalf_unknown_person"; userId: string }
  | { code: "behalf_name_unknown"; name: string }
  | { code: "behalf_name_ambiguous"; name: string; candidates: string };

export type ErrorCode = AppError["code"];

/** Why a document cannot be read as a Piano della Performance. */
export type PlanFormatCode = "empty" | "binary" | "not_a_plan" | "no_activities" | "no_year";

/** Why a Word or PDF file gives no plan (src/plan-import/docx, pdf, layouts). */
export type DocumentProblem =
  | { code: "document_broken"; source: string; format: "docx" | "pdf"; reason: DocumentBrokenReason }
  | { code: "document_scanned"; source: string; pages: number }
  | { code: "document_empty"; source: string }
  /** No known layout: the tables found (the first few, with their header row) and how many in all. */
  | { code: "document_unknown_layout"; source: string; tables: FoundTable[]; total: number }
  /** Rows of a table read as one (an area whose name swallowed the next rows). */
  | { code: "document_unclear_tables"; source: string; area: string }
  | { code: "document_no_phases"; source: string; schede: number }
  | { code: "document_no_year"; source: string };

export type DocumentBrokenReason =
  | "old_doc"
  | "damaged_zip"
  | "not_zip"
  | "no_document_xml"
  | "bad_xml"
  | "no_body"
  | "password"
  | "invalid_pdf"
  | "unopenable";

export interface FoundTable {
  /** "pagina 3" in a PDF, "" in a Word file. */
  where: string;
  rows: number;
  header: string[];
}

const BROKEN_REASON: Record<DocumentBrokenReason, string> = {
  old_doc: "è un documento Word vecchio formato .doc: salvalo come .docx",
  damaged_zip: "l'archivio .docx è danneggiato o incompleto",
  not_zip: "non è un archivio .docx",
  no_document_xml: "nel pacchetto manca word/document.xml",
  bad_xml: "il testo del documento (word/document.xml) è danneggiato",
  no_body: "il documento non ha un corpo (w:body)",
  password: "è protetto da password: toglila e riprova",
  invalid_pdf: "la struttura del file è danneggiata",
  unopenable: "il file non si apre",
};

/** The documents App Home exports, as a sentence names them. */
const DOCUMENT_NAMES = {
  relazione: "la Relazione sulla performance",
  schede: "le schede di valutazione dei Responsabili",
  validazione: "il fascicolo di validazione del Nucleo",
} as const;
const DOCUMENT_COMMANDS = {
  relazione: "npx obiettivi relazione --formato xlsx --output relazione.xlsx",
  schede: "npx obiettivi relazione --schede --formato docx --output schede.docx",
  validazione: "npx obiettivi validazione --formato docx --output validazione.docx",
} as const;

const TEMPLATE_ADVICE =
  "In alternativa compila il modello Excel (lo scrive «npx obiettivi esporta-modello --output modello.xlsx») e importa quello.";

const EXPECTED_LAYOUTS = [
  "Strutture attese:",
  "• tabelle per obiettivo con le righe «CENTRO RESPONSABILITA' …» (o «Area/Settore …» e «RESPONSABILE …»), «OBIETTIVO 1.1 …», «DESCRIZIONE», «PESO» e la tabella delle attività con intestazione «ATTIVITA' E FASI | INDICATORE | INDICE | VALORE ATTESO»;",
  "• una scheda per obiettivo con le voci «Obiettivo n.», «Titolo», «Descrizione», «Peso», «Responsabile» seguita dalla tabella delle fasi con le colonne «Fase/Attività/Azione», «Scadenza/Termine/Tempi» (oppure i mesi G F M A M G L A S O N D), e se presenti «Indicatore», «Target/Valore atteso», «Peso della fase».",
].join("\n");

function describeTables(tables: FoundTable[], total: number): string {
  if (total === 0) return "Nel documento non ho trovato nessuna tabella.";
  const lines = tables.map((t, i) => {
    const where = t.where ? ` (${t.where})` : "";
    const header = t.header.length ? `«${t.header.join(" | ")}»` : "vuota";
    return `• tabella ${i + 1}${where}, ${t.rows} ${t.rows === 1 ? "riga" : "righe"}: ${header}`;
  });
  const more = total > tables.length ? `\n… e altre ${total - tables.length} tabelle.` : "";
  return `Ho trovato ${total} ${total === 1 ? "tabella" : "tabelle"}; le intestazioni:\n${lines.join("\n")}${more}`;
}

const EXPECTED_PLAN =
  "Atteso un documento PIAO in testo con celle separate da tabulazioni (righe «CENTRO RESPONSABILITA'», «OBIETTIVO n.n» e attività numerate come 1.1.1).";

const TEMPLATE_HINT =
  "Scarica un modello vuoto con «obiettivi esporta-modello --output modello.xlsx» e leggi il foglio «Istruzioni».";

export const GENERIC_ERROR_MESSAGE =
  "Si è verificato un errore imprevisto: la richiesta non è stata registrata. Riprova tra poco; se il problema continua, avvisa l'amministratore del bot.";

export const HOW_TO_BE_ADDED =
  "Chiedi al Segretario Comunale o all'amministratore del bot di aggiungerti con: npx obiettivi utenti aggiungi <il tuo ID Slack> --ruolo <ruolo> [--area <codice>]";

/** A person: a mention in Slack (it shows the name), the id elsewhere. */
function person(s: Surface, userId: string): string {
  return s === "slack" ? `<@${userId}>` : userId;
}

/** A slash command to type: in Slack and in the console as is; from the command line, said to be Slack's. */
function slash(s: Surface, command: string): string {
  return s === "cli" ? `«${command}» in Slack` : `«${command}»`;
}

export function errorText(e: AppError, s: Surface): string {
  switch (e.code) {
    case "validation":
    case "evidence":
    case "percent_counts":
      return e.text;
    case "unknown_user":
      return `Non sei ancora abilitato a usare Obiettivi (utente ${e.userId}). ${HOW_TO_BE_ADDED}`;
    case "user_not_registered":
      return `L'utente ${e.userId} non è registrato: niente da rimuovere. Vedi gli utenti con: npx obiettivi utenti elenco`;
    case "nucleo_read_only":
      return e.action === "history_hint"
        ? `Il Nucleo di Valutazione ha accesso in sola lettura: può consultare la cronologia (${slash(s, "/obiettivo 3.1.2 storia")}) ma non registrare avanzamenti.`
        : "Il Nucleo di Valutazione ha accesso in sola lettura: non può registrare avanzamenti.";
    case "forbidden_area":
      return `Non puoi aggiornare l'attività ${e.activityCode}: appartiene all'area ${e.activityArea}, mentre tu sei abilitato per ${
        e.actorAreas.length ? `l'area ${e.actorAreas.join(", ")}` : "nessuna area"
      }. Chiedi al responsabile dell'area o al Segretario.`;
    case "export_refused":
      return `Solo il Nucleo di Valutazione, il Segretario e l'amministratore possono esportare ${DOCUMENT_NAMES[e.document ?? "relazione"]}.`;
    case "bad_user_id":
      return `ID utente Slack non valido: «${e.raw.trim()}». Atteso un ID come U0123ABCD (in Slack: profilo della persona → ⋮ → «Copia ID membro»).`;
    case "bad_channel_id":
      return `ID canale Slack non valido: «${e.raw.trim()}». Atteso un ID come C0123ABCD (canale pubblico) o G0123ABCD (privato): in Slack apri il canale → nome del canale → in fondo «ID canale».`;
    case "bad_role":
      return e.raw === undefined || e.raw.trim() === ""
        ? `Manca il ruolo: aggiungi --ruolo <ruolo>, uno tra ${e.roles.join(", ")}.`
        : `Ruolo non valido: «${e.raw.trim()}». I ruoli sono: ${e.roles.join(", ")}.`;
    case "area_required":
      return `Il ruolo ${e.role} richiede almeno un'area: aggiungi --area <codice> (ripetibile). Aree del piano ${e.year}: ${e.choices}.`;
    case "no_plan":
      if (e.forRole) {
        return `Il ruolo ${e.forRole} richiede un'area del piano, ma nessun piano è caricato. Importa prima il piano con: npx obiettivi importa <file>`;
      }
      return e.year === undefined
        ? "Nessun piano caricato: l'amministratore del bot deve importare il Piano della Performance con «npx obiettivi importa <file>»."
        : `Nessun piano caricato per l'anno ${e.year}: l'amministratore del bot può importarlo con «npx obiettivi importa <file>».`;
    case "area_unknown":
      switch (e.context) {
        case "users":
          return `Area «${e.query}» non trovata nel piano ${e.year}. Aree: ${e.choices}.`;
        case "status": {
          const example = e.example ? ` «/stato ${e.example}»` : "";
          return `Nessuna area del piano ${e.year} corrisponde a «${e.query}». Scrivi il codice o una parola del nome, per esempio${example}. Aree:\n${e.list}\nOppure «/stato ente» per gli obiettivi dell'ente, «/stato» per tutte le aree.`;
        }
        case "digest":
          return `Nessuna area con codice «${e.query}» nel piano ${e.year}. Aree:\n${e.list}`;
      }
      break;
    case "area_ambiguous":
      if (e.context === "users") return `L'area «${e.query}» è ambigua: può essere ${e.candidates}. Indica il codice.`;
      return `«${e.query}» corrisponde a più aree:\n${e.list}\nScrivi il codice o una parola del nome, per esempio${e.example ? ` «/stato ${e.example}»` : ""}.`;
    case "unknown_code":
      switch (e.context) {
        case "deadline":
          return `Nessuna attività con codice «${e.activityCode}» nel piano ${e.year}. Usa «obiettivi piano» per vedere i codici.`;
        case "delay":
          return `L'attività ${e.activityCode} non è (più) nel piano ${e.year}: forse il piano è stato aggiornato. Controlla con ${slash(s, `/obiettivo ${e.activityCode}`)}.`;
        case "report":
          return `L'attività ${e.activityCode} non è nel piano ${e.year} in vigore (forse è stata tolta da un nuovo piano).`;
      }
      break;
    case "ambiguous_code":
      return `Il codice stampato «${e.typed}» indica più attività: ${e.candidates}. Indica il codice univoco.`;
    case "empty":
      return `Il file «${e.source}» è vuoto. ${EXPECTED_PLAN}`;
    case "binary":
      return `Il file «${e.source}» non è un testo leggibile (sembra un file binario, ad esempio un PDF o un DOCX non convertito). ${EXPECTED_PLAN}`;
    case "not_a_plan":
      return `Il file «${e.source}» non sembra un Piano della Performance: non ho trovato nessuna riga «CENTRO RESPONSABILITA'» né «OBIETTIVO n.n». Atteso un documento PIAO in testo con celle separate da tabulazioni.`;
    case "no_activities": {
      const n = e.objectives ?? 0;
      return `Nel file «${e.source}» ho trovato ${n} ${n === 1 ? "obiettivo" : "obiettivi"} ma nessuna attività: mancano le righe delle attività (codice come 1.1.1, attività, indicatore, indice, valore atteso). ${EXPECTED_PLAN}`;
    }
    case "document_broken":
      return e.format === "docx"
        ? `Il file «${e.source}» non è un documento Word leggibile (${BROKEN_REASON[e.reason]}). Controlla di aver inviato il file .docx originale (non un .doc, non un file danneggiato o troncato) e riprova. ${TEMPLATE_ADVICE}`
        : `Il file «${e.source}» non è un PDF leggibile (${BROKEN_REASON[e.reason]}). Controlla di aver inviato il PDF completo e riprova, oppure usa il file Word del piano. ${TEMPLATE_ADVICE}`;
    case "document_scanned":
      return `Il PDF «${e.source}» (${e.pages} ${e.pages === 1 ? "pagina" : "pagine"}) è una scansione: contiene solo immagini, senza testo da leggere, quindi non posso ricavarne il piano. Usa il file Word (.docx) da cui è stato ricavato, oppure compila il modello Excel (lo scrive «npx obiettivi esporta-modello --output modello.xlsx») e importa quello.`;
    case "document_empty":
      return `Il documento «${e.source}» non contiene testo né tabelle. ${TEMPLATE_ADVICE}`;
    case "document_unknown_layout":
      return `Non riconosco la struttura del piano nel documento «${e.source}».\n${describeTables(e.tables, e.total)}\n${EXPECTED_LAYOUTS}\n${TEMPLATE_ADVICE}`;
    case "document_unclear_tables":
      return `Nel documento «${e.source}» non riesco a separare con certezza le righe delle tabelle: l'area ${e.area} contiene il testo delle righe seguenti (succede con tabelle senza bordi in un PDF). Per non caricare un piano a metà non importo nulla. Usa il file Word (.docx) del piano. ${TEMPLATE_ADVICE}`;
    case "document_no_phases":
      return `Nel documento «${e.source}» ho trovato ${e.schede} ${e.schede === 1 ? "scheda obiettivo" : "schede obiettivo"} ma nessuna fase: dopo ogni scheda è attesa la tabella delle fasi con le colonne «Fase/Attività/Azione» e «Scadenza/Termine/Tempi» (o i mesi G F M A M G L A S O N D).`;
    case "document_no_year":
      return `Nel documento «${e.source}» non ho trovato l'anno del piano: atteso un titolo come «Piano degli obiettivi 2025» o scadenze con la data.`;
    case "no_year":
      return `Nel file «${e.source}» non ho trovato l'anno del piano: atteso un titolo come «OBIETTIVI ESECUTIVI 2024» o «PIANO DETTAGLIATO DEGLI OBIETTIVI PER L'ANNUALITA' 2024», oppure scadenze con la data.`;
    case "plan_inconsistent":
    case "csv_invalid":
    case "invalid_delay":
    case "bad_scoring_config":
      return e.detail;
    case "bad_value":
      return "Il valore indicato non è un numero valido.";
    case "bad_percent":
      return "La percentuale deve essere un numero tra 0 e 100.";
    case "bad_count":
      return "Il conteggio deve essere un numero da 0 in su.";
    case "bad_boolean":
      return "Indica sì o no.";
    case "bad_report_date":
      return "Data non valida: attesa una data come 12/03/2024.";
    case "future_date":
      return `La data ${itDate(e.day)} è nel futuro: indica una data fino a oggi (${itDate(e.today)}).`;
    case "note_too_long":
      return `La nota è troppo lunga: il massimo è ${e.max} caratteri.`;
    case "evidence_too_long":
      return `L'evidenza è troppo lunga: il massimo è ${e.max} caratteri.`;
    case "blocked_without_reason":
      return "Per segnare un'attività come bloccata serve il motivo.";
    case "not_a_count":
      return `L'attività ${e.activityCode} non ha un indicatore numerico: «+1» e «= N» valgono solo per i conteggi. Usa per esempio una percentuale (${slash(s, `/obiettivo ${e.activityCode} 60%`)}) o ${slash(s, `/obiettivo ${e.activityCode} completato`)}.`;
    case "report_not_found":
      return "Questo aggiornamento non esiste più: non c'è niente da annullare.";
    case "not_author":
      return `Solo chi ha registrato l'aggiornamento (${person(s, e.authorId)}) può annullarlo. Se è sbagliato, registra un nuovo aggiornamento con lo stato corretto.`;
    case "already_undone":
      return `Questo aggiornamento è già stato annullato (${itDateTime(e.at)}).`;
    case "undo_expired":
      return `Sono passati più di ${e.minutes} minuti dalla registrazione: non si può più annullare. Registra un nuovo aggiornamento con lo stato corretto, per esempio ${slash(s, `/obiettivo ${e.activityCode} in corso`)}.`;
    case "stale_button":
      switch (e.flow) {
        case "delay":
          return `Questo pulsante non è più valido: apri di nuovo l'attività con ${slash(s, "/obiettivo <codice>")}.`;
        case "report":
          return `Questo pulsante non è più valido: ripeti il comando, per esempio ${slash(s, "/obiettivo 3.1.2 completato")}.`;
        case "share":
          return "Questo pulsante non è più valido: ripeti /stato e premi di nuovo «Condividi nel canale».";
        case "behaviours":
          return "Questo pulsante non è più valido: riapri la scheda Home di Obiettivi e premi di nuovo «Comportamenti organizzativi».";
      }
      break;
    case "export_failed":
      return `Non sono riuscito a inviarti ${DOCUMENT_NAMES[e.document ?? "relazione"]}: riprova tra poco. Se il problema continua, usa da riga di comando: ${DOCUMENT_COMMANDS[e.document ?? "relazione"]}`;
    case "bad_date":
      return e.expected === "cli"
        ? `Data non valida per --oggi: «${e.raw}». Atteso il formato AAAA-MM-GG, per esempio 2024-10-07.`
        : `Data non valida: «${e.raw}». Attesa una data come 31/12/2024, 2024-12-31 o «31 dicembre 2024».`;
    case "bad_year":
      return e.option
        ? `Anno non valido per ${e.option}: «${e.raw}». Atteso un anno come 2024.`
        : `Anno non valido: «${e.raw}». Atteso un anno come 2024.`;
    case "bad_number":
      return e.range === "days"
        ? `Giorni non validi: «${e.raw}». Atteso un numero da 0 a 366.`
        : `Valore non valido: «${e.raw}». Atteso un numero intero maggiore di zero.`;
    case "behaviour_scores_shape":
      return `Punteggi dei comportamenti non validi: atteso un oggetto JSON con il numero del criterio e i punti, per esempio {"1": 4, "2": 5}. Criteri: ${e.criteria}.`;
    case "behaviour_scores_empty":
      return `Nessun punteggio nel file: indica almeno un criterio, per esempio {"1": 4}. Criteri: ${e.criteria}.`;
    case "behaviour_criterion_unknown":
      return `Criterio «${e.key}» inesistente: i criteri dei comportamenti sono numerati da 1 a ${e.count} (vedi «npx obiettivi smvp mostra»).`;
    case "behaviour_score_invalid": {
      const name = `criterio ${e.number} «${e.title}»`;
      if (e.reason === "negative")
        return `Punteggio negativo per il ${name}: atteso un numero da 0 a ${itNumber(e.max)}.`;
      if (e.reason === "decimals") return `Punteggio ${e.found} per il ${name}: al massimo due decimali.`;
      return `Punteggio non valido per il ${name}: atteso un numero da 0 a ${itNumber(e.max)}, trovato ${e.found}.`;
    }
    case "behaviour_score_over_max":
      return `Punteggio ${itNumber(e.value)} oltre il massimo per il criterio ${e.number} «${e.title}»: il punteggio attribuibile va da 0 a ${itNumber(e.max)} punti. Nessun punteggio è stato registrato.`;
    case "responsabile_unknown":
      return e.heads.length
        ? `Responsabile «${e.name}» non trovato nel piano. Responsabili delle aree: ${e.heads.join(", ")}.`
        : `Responsabile «${e.name}» non trovato: il piano non indica i responsabili delle aree.`;
    case "behaviours_forbidden":
      return `I punteggi dei comportamenti organizzativi li inseriscono solo ${e.editors.join(" e ")}, come prevede il SMVP.`;
    case "behaviour_pick_first":
      return "Scegli il Responsabile prima di salvare.";
    case "area_not_comune_wide":
      return `L'attività ${e.activityCode} appartiene già a un'area: l'area si indica solo per le attività degli obiettivi dell'ente.`;
    case "report_area_unknown":
      return `Area «${e.area}» non presente nel piano ${e.year}. Aree: ${e.areas.join(", ")}.`;
    case "texts_dir_missing":
      return `Cartella dei testi non trovata: ${e.dir}. Attesa una cartella con ${e.files.join(", ")}.`;
    case "binary_to_tty":
      return `Il formato ${e.format} è un file binario: indica dove salvarlo con --output, per esempio --output relazione-2024.${e.format} (oppure reindirizza l'uscita: > relazione-2024.${e.format}).`;
    case "bad_json":
      return `${e.file}: il file non è JSON valido (${e.detail}). Atteso per esempio ${e.example}.`;
    case "bad_format":
      return `Formato non valido: «${e.raw}». Formati disponibili: ${e.formats}.`;
    case "xlsx_to_tty":
      return "Il formato xlsx è un file binario: indica dove salvarlo con --output, per esempio --output relazione-2024.xlsx (oppure reindirizza l'uscita: > relazione-2024.xlsx).";
    case "missing_user_id":
      return `Manca l'ID Slack dell'utente. Uso: ${e.usage}`;
    case "missing_channel":
      return `Manca l'ID del canale. Uso: npx obiettivi canale <area> <idCanale>, per esempio: npx obiettivi canale ${e.area} C0123ABCD`;
    case "missing_area":
      return "Indica l'area con --area <codice> (per esempio --area 03) oppure --tutte per tutte le aree.";
    case "area_and_all":
      return "Usa --area <codice> oppure --tutte, non entrambi.";
    case "adopted_and_day":
      return "Usa --adottato (il piano come adottato, prima di ogni variazione) oppure --al <AAAA-MM-GG> (il piano in vigore in quella data), non entrambi.";
    case "file_unreadable":
      return e.reason === null ? `File non trovato: ${e.file}` : `Impossibile leggere il file ${e.file} (${e.reason}).`;
    case "db_missing":
      return `Il database ${e.file} non esiste: non c'è niente da copiare. Controlla DATABASE_URL.`;
    case "db_memory":
      return "DATABASE_URL indica un database in memoria: non c'è un file da copiare o ripristinare.";
    case "db_corrupt":
      return `Il file ${e.file} è un database danneggiato (integrity_check: ${e.check}): non lo uso.`;
    case "db_newer":
      return `Il file ${e.file} viene da una versione di Obiettivi più recente di questa (migrazioni sconosciute: ${e.migrations.join(", ")}). Aggiorna il programma prima di ripristinarlo.`;
    case "not_obiettivi_db":
      return `Il file ${e.file} non è un database di Obiettivi (${e.reason}).`;
    case "not_a_file":
      return `${e.file} non è un file.`;
    case "backup_same_file":
      return `La copia non può sovrascrivere il database in uso (${e.file}): indica un altro file.`;
    case "backup_dir_missing":
      return `La cartella ${e.dir} non esiste: creala o indica un altro percorso.`;
    case "backup_exists":
      return `Il file ${e.file} esiste già: non lo sovrascrivo. Indica un altro nome, oppure aggiungi --forza per sostituirlo.`;
    case "backup_failed":
      return `Copia non riuscita: ${e.reason}. Il database in uso non è stato toccato.`;
    case "backup_corrupt":
      return `La copia non supera il controllo di integrità (${e.check}): non è stata salvata.`;
    case "restore_same_file":
      return `${e.file} è il database in uso: indica il file di una copia.`;
    case "restore_failed":
      return `Ripristino non riuscito: ${e.reason}.${e.safetyCopy ? ` Il database precedente è salvato in ${e.safetyCopy}.` : ""}`;
    case "variation_incomplete": {
      const what = {
        atto: '--atto (l\'atto che approva la variazione, per esempio --atto "Delibera G.C. n. 80 del 12/09/2024")',
        dal: "--dal (la data da cui vale, AAAA-MM-GG, per esempio --dal 2024-09-12)",
        motivo: "--motivo (la motivazione della variazione)",
      };
      return `Variazione non registrata: ${e.missing.length === 1 ? "manca" : "mancano"} ${e.missing.map((m) => what[m]).join("; ")}. Nulla è stato modificato.`;
    }
    case "bad_day":
      return `Data non valida per ${e.option}: «${e.raw}». Atteso il formato AAAA-MM-GG, per esempio 2024-09-12.`;
    case "variation_before_plan":
      return `La variazione non può valere dal ${itDate(e.validFrom)}: il piano ${e.year} è in vigore dal ${itDate(e.adoptedFrom)}.`;
    case "variation_unknown_code":
      return `Nessuna attività o obiettivo con codice «${e.typed}» in vigore il ${itDate(e.validFrom)} nel piano ${e.year}. Usa «obiettivi piano --al ${e.validFrom}» per vedere i codici.`;
    case "variation_needs_code":
      return "Indica con --codice l'attività (o l'obiettivo, per --peso) da variare, per esempio --codice 3.1.4.";
    case "variation_nothing":
      return "Nessuna variazione indicata: passa un documento del piano rivisto, oppure --codice con --scadenza, --valore-atteso o --peso, oppure --stralcia <codice>.";
    case "variation_wrong_entity":
      return `${e.field === "deadline" ? "La scadenza" : "Il valore atteso"} si varia per un'attività: «${e.typed}» è un obiettivo.`;
    case "variation_empty_target":
      return 'Il nuovo valore atteso è vuoto: indicalo, per esempio --valore-atteso "60%".';
    case "variation_bad_deadline":
      return `Data non valida per --scadenza: «${e.raw}». Attesa una data come 31/12/2024 o 2024-12-31.`;
    case "variation_bad_weight":
      return `Peso non valido: «${e.raw}». Atteso un numero da 0 a 100, per esempio --peso 15.`;
    case "variation_no_change":
      return `Nessuna differenza rispetto al piano in vigore il ${itDate(e.validFrom)}: nulla da registrare.`;
    case "variation_mixed":
      return "Indica un documento rivisto oppure una variazione mirata (--codice, --stralcia), non entrambi.";
    case "variation_year":
      return `Il documento è il piano ${e.documentYear}, non il ${e.asked}.`;
    case "deadline_is_variation":
      return `L'attività ${e.activityCode} ha nel piano la scadenza ${itDate(e.deadline)} («${e.target}»): cambiarla è una variazione del piano, approvata con un atto. Usa «obiettivi variazione --codice ${e.activityCode} --scadenza ${e.date} --atto "<atto>" --dal AAAA-MM-GG --motivo "<motivo>"», oppure aggiungi --atto e --dal a questo comando.`;
    case "bad_command":
      return e.detail;
    case "not_one_activity":
      return e.candidates.length
        ? `Il codice «${e.typed}» indica più attività: ${e.candidates.join(", ")}. Indica il codice univoco.`
        : `Nessuna attività con codice «${e.typed}» nel piano ${e.year}. Usa «obiettivi piano» per vedere i codici.`;
    case "confirm_needs_tty":
      return "Serve una conferma, ma non c'è un terminale per chiederla: aggiungi --si per confermare il ripristino.";
    case "template_invalid": {
      const n = e.problems.length + e.more;
      const lines = e.problems.map((p) => `  - ${p}`);
      if (e.more) lines.push(`  … e altri ${e.more} errori.`);
      return `Il modello «${e.source}» contiene ${n === 1 ? "un errore" : `${n} errori`}: non è stato importato nulla. Correggi e riprova.\n${lines.join("\n")}`;
    }
    case "not_a_template":
      return `Il file Excel «${e.source}» non è il modello del piano: attesi i fogli «Aree», «Obiettivi» e «Attività», trovati ${e.found.map((f) => `«${f}»`).join(", ") || "nessuno"}. ${TEMPLATE_HINT}`;
    case "xlsx_unreadable":
      return `Il file «${e.source}» non è un file Excel (.xlsx) leggibile: forse è danneggiato o in un altro formato. Salvalo da Excel come «Cartella di lavoro Excel (.xlsx)» e riprova.`;
    case "legacy_office":
      return `Il file «${e.source}» è nel vecchio formato di Office (.doc o .xls), che non leggo: aprilo e salvalo come .docx (Word) o .xlsx (il modello Excel di «obiettivi esporta-modello»), poi riprova.`;
    case "progress_file_invalid": {
      const why = {
        missing_columns: `nel file «${e.source}» mancano le colonne ${e.detail ?? ""}`,
        not_a_sheet: `il file «${e.source}» non è un foglio Excel (.xlsx) né un CSV`,
        unreadable_csv: `il CSV «${e.source}» non è leggibile (${e.detail ?? ""})`,
        empty: `il file «${e.source}» è vuoto`,
        no_sheet: `il file «${e.source}» non contiene fogli`,
        no_rows: `il file «${e.source}» non contiene righe da importare`,
      }[e.reason];
      return `${why.charAt(0).toUpperCase()}${why.slice(1)}. Attese le colonne codice, data, stato/valore, nota, evidenza, autore (la prima riga con i nomi delle colonne).`;
    }
    case "progress_import_invalid": {
      const n = e.problems.length + e.more;
      const lines = e.problems.map((p) => `  - ${p}`);
      if (e.more) lines.push(`  … e altri ${e.more} errori.`);
      return `Il file «${e.source}» contiene ${n === 1 ? "una riga con un errore" : `${n} errori`}: non è stata importata nessuna riga. Correggi e riprova.\n${lines.join("\n")}`;
    }
    case "progress_row_invalid":
      return `${e.where}: ${e.detail} Non è stata importata nessuna riga.`;
    case "plan_import_refused":
      return "Solo il Segretario Comunale e l'amministratore del bot possono caricare il Piano della Performance. Se devi aggiornare il piano, invia il documento al Segretario.";
    case "plan_import_gone":
      return "Questa anteprima non è più disponibile: invia di nuovo il documento.";
    case "slack_file_unavailable":
      return {
        no_url: "Slack non mi dà accesso a questo file: invialo di nuovo come allegato del messaggio.",
        no_file: "Non riesco a leggere il file da Slack: invialo di nuovo come allegato del messaggio.",
        missing_scope:
          "Non ho il permesso di leggere i file (manca «files:read» all'app Slack): chiedi all'amministratore di aggiornare l'app dal manifest.",
        slack_error: `Slack non mi ha dato il file${e.detail ? ` (${e.detail})` : ""}: invialo di nuovo come allegato del messaggio.`,
        not_delivered: `Slack non mi ha consegnato il file${e.detail ? ` (risposta ${e.detail})` : ""}: controlla che l'app abbia il permesso «files:read» e invialo di nuovo.`,
      }[e.reason];
    case "two_formats":
      return "Indica un solo formato: --csv oppure --formato xlsx.";
    case "bad_patron":
      return `Giorno del patrono non valido: «${e.raw}». Atteso MM-GG, per esempio «obiettivi calendario patrono 06-24» per il 24 giugno.`;
    case "bad_closure_day":
      return `Data non valida: «${e.raw}». Atteso AAAA-MM-GG, per esempio «obiettivi calendario chiusura 2025-08-14».`;
    case "closure_unknown":
      return `Il ${itDate(e.day)} non è tra le chiusure: «obiettivi calendario elenco» le mostra.`;
    case "missing_day":
      return `Manca ${e.flag} ${e.example.includes("/") ? "<data>" : "AAAA-MM-GG"}, per esempio ${e.flag} ${e.example}.`;
    case "bad_iso_day":
      return `Data non valida per ${e.flag}: «${e.raw}». Atteso il formato AAAA-MM-GG, per esempio 2025-04-14.`;
    case "bad_window_day":
      return `Data non valida per ${e.flag}: «${e.raw}». Atteso AAAA-MM-GG o GG/MM/AAAA, per esempio 2025-08-10.`;
    case "bad_window":
      return `--al (${e.to}) viene prima di --dal (${e.from}).`;
    case "window_too_long":
      return `Il periodo può essere al massimo di ${e.max} giorni.`;
    case "absence_order":
      return `La fine dell'assenza (${itDate(e.to)}) viene prima dell'inizio (${itDate(e.from)}): scrivi prima la data di inizio, per esempio «dal 10/08/2025 al 25/08/2025».`;
    case "absence_too_long":
      return `Un'assenza può durare al massimo ${e.max} giorni: controlla l'anno delle date.`;
    case "absence_user_unknown":
      return `L'utente ${e.userId} non è registrato nel bot: «npx obiettivi utenti elenco» mostra chi lo è.`;
    case "absence_unknown":
      return `Nessuna assenza numero ${e.id}${e.own ? " tra le tue" : ""}: ${e.own ? slash(s, "/assenza elenco") : "«npx obiettivi assenze elenco»"} mostra i numeri.`;
    case "stale_absence_button":
      return `Questo pulsante non è più valido: usa ${slash(s, "/assenza elenco")}.`;
    case "stale_snooze_button":
      return "Questo pulsante non è più valido: il promemoria è troppo vecchio.";
    case "bad_absence_id":
      return `Numero di assenza non valido: «${e.raw}». Lo trovi in «obiettivi assenze elenco».`;
    case "behalf_role":
      return "Solo il responsabile dell'area, il Segretario o l'amministratore possono registrare un aggiornamento per conto di un collega.";
    case "behalf_other_area":
      return `Puoi registrare per conto dei colleghi della tua area (${e.actorAreas.join(", ") || "nessuna"}): ${person(s, e.personId)} non ne fa parte.`;
    case "behalf_cannot_write":
      return `${person(s, e.personId)} non può aggiornare l'attività ${e.activityCode} (non è della sua area): non si può registrare per suo conto.`;
    case "behalf_unknown_person":
      return `${person(s, e.userId)} non è registrato nel bot: chiedi al Segretario di aggiungerlo prima di registrare per suo conto.`;
    case "behalf_name_unknown":
      return `Non trovo «@${e.name}» tra gli utenti del bot: scegli il collega dal menu di Slack scrivendo @ (per esempio ${slash(s, "/obiettivo 3.1.2 completato per @Mario")}).`;
    case "behalf_name_ambiguous":
      return `«@${e.name}» indica più persone (${e.candidates}): scegli il collega dal menu di Slack scrivendo @.`;
  }
}
