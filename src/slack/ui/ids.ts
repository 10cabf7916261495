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
