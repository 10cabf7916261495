/**
 * Block Kit action_id / callback_id constants shared by every builder and listener:
 * a button built by the digest or the App Home is handled by the same listener as one
 * built by /obiettivo. Button `value` is always JSON of the given payload type.
 */
export const ACTION = {
  /** "Segna completata": value {year, code} */
  activityComplete: "activity_complete",
  /** "Aggiorna": opens the report modal; value {year, code} */
  activityUpdate: "activity_update",
  /** "Annulla" on a report reply: value {reportId} */
  reportUndo: "report_undo",
  /** choose one of several activities printed with the same code: value {year, code, rest} */
  chooseActivity: "choose_activity",
  /** "Condividi nel canale" on /stato: value {scope} */
  shareStatus: "share_status",
  /** "Spiega il ritardo": opens the delay-cause modal; value {year, code} */
  delayExplain: "delay_explain",
  /** App Home, Nucleo/Segretario: "Esporta Relazione" */
  exportRelazione: "export_relazione",
  /** App Home, Nucleo/Segretario: "Esporta in Word" */
  exportRelazioneDocx: "export_relazione_docx",
  /** App Home, Nucleo/Segretario: the Responsabili's scorecards in Word / Excel; value {year} */
  exportSchedeDocx: "export_schede_docx",
  exportSchedeXlsx: "export_schede_xlsx",
  /** App Home, Nucleo/Segretario: the validation pack in Word / Excel; value {year} */
  exportValidazioneDocx: "export_validazione_docx",
  exportValidazioneXlsx: "export_validazione_xlsx",
  /** App Home, Segretario/Nucleo: "Comportamenti organizzativi" opens the scoring modal; value {year} */
  behaviourScores: "behaviour_scores",
  /** In the scoring modal: the Responsabile picked (static_select) */
  behaviourPick: "behaviour_pick",
  /** "Aggiungi evidenza" on a completion without the act its rule asks for: opens the evidence modal; value {reportId} */
  addEvidence: "report_add_evidence",
  /** App Home, Nucleo: a sampled activity is "Conforme" / "Non conforme"; value {year, code} */
  findingConforme: "finding_conforme",
  findingNonConforme: "finding_non_conforme",
  /** App Home, Nucleo: "Nota" opens the finding modal; value {year, code} */
  findingNote: "finding_note",
  /** Under the preview of a plan document sent to the bot: value {requestId} */
  planImportConfirm: "plan_import_confirm",
  planImportCancel: "plan_import_cancel",
  /** App Home, Segretario/admin: how to send the plan (DM with the instructions and the Excel template) */
  planImportHelp: "plan_import_help",
  /** "Ricordamelo tra 3 giorni" on a reminder or question: value {year, code, kind} */
  snooze: "notice_snooze",
  /** App Home: "Segnala un'assenza" opens the absence modal */
  absenceOpen: "absence_open",
  /** App Home: cancel one of my absences; value {id} */
  absenceCancel: "absence_cancel",
  /** App Home: reminder preferences modal */
  remindersPrefsOpen: "reminder_prefs_open",
} as const;

export const VIEW = {
  report: "report_modal",
  delayExplanation: "delay_explanation_modal",
  behaviourScores: "behaviour_scores_modal",
  evidence: "evidence_modal",
  finding: "finding_modal",
  absence: "absence_modal",
  reminderPrefs: "reminder_prefs_modal",
} as const;

export interface ActivityButtonValue {
  year: number;
  code: string;
}

export interface SnoozeButtonValue {
  year: number;
  code: string;
  kind: "reminder" | "question";
}
