import { itDate, itDateTime } from "../domain/text/italian.ts";

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
  | { code: "export_refused" }
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
  | { code: "stale_button"; flow: "delay" | "report" | "share" }
  | { code: "export_failed" }
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
  | { code: "confirm_needs_tty" }
  // working calendar, absences, reports on someone's behalf (issue 13)
  | { code: "bad_patron"; raw: string }
  | { code: "bad_closure_day"; raw: string }
  | { code: "closure_unknown"; day: string }
  | { code: "missing_day"; flag: string; example: string }
  | { code: "bad_iso_day"; raw: string; flag: string }
  | { code: "bad_day"; raw: string; flag: string }
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

const EXPECTED_PLAN =
  "Atteso un documento PIAO in testo con celle separate da tabulazioni (righe «CENTRO RESPONSABILITA'», «OBIETTIVO n.n» e attività numerate come 1.1.1).";

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
      return "Solo il Nucleo di Valutazione, il Segretario e l'amministratore possono esportare la Relazione sulla performance.";
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
      }
      break;
    case "export_failed":
      return "Non sono riuscito a inviarti la Relazione: riprova tra poco. Se il problema continua, usa da riga di comando: npx obiettivi relazione --formato xlsx --output relazione.xlsx";
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
    case "confirm_needs_tty":
      return "Serve una conferma, ma non c'è un terminale per chiederla: aggiungi --si per confermare il ripristino.";
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
    case "bad_day":
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
