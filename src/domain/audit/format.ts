import { itDateTime } from "../text/italian.ts";

/** How the audit trail reads to a person: labels and one line per row. */

export type AuditAction =
  | "report"
  | "report_undo"
  | "delay_cause"
  | "manual_deadline"
  | "plan_variation"
  | "plan_import"
  | "progress_import"
  | "user_add"
  | "user_remove"
  | "channel_set"
  | "scoring_config"
  | "behaviour_scores"
  | "restore"
  | "report_evidence"
  | "validation_finding"
  | "validation_sample"
  | "calendar"
  | "absence"
  | "notification_pref";

export interface AuditRow {
  id: number;
  at: Date;
  actor: string;
  action: string;
  entityType: string;
  entityKey: string;
  before: unknown;
  after: unknown;
}

export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  report: "segnalazione",
  report_undo: "annullamento segnalazione",
  delay_cause: "causa del ritardo",
  manual_deadline: "scadenza impostata a mano",
  plan_variation: "variazione del piano",
  plan_import: "importazione del piano",
  progress_import: "importazione dell'avanzamento",
  user_add: "utente aggiunto o modificato",
  user_remove: "utente rimosso",
  channel_set: "canale dell'area",
  scoring_config: "configurazione SMVP",
  behaviour_scores: "punteggi dei comportamenti",
  restore: "ripristino del database",
  report_evidence: "evidenza aggiunta a una segnalazione",
  validation_finding: "esito del Nucleo di Valutazione",
  validation_sample: "campione per la validazione",
  calendar: "calendario lavorativo",
  absence: "assenza",
  notification_pref: "preferenze dei promemoria",
};

function short(v: unknown, max = 120): string {
  const text = v === null || v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** "status: in_corso -> completata; percent: 60 -> 100": only what changed, when both sides are objects. */
export function describeChange(before: unknown, after: unknown): string {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    const changed = keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    if (!changed.length) return "nessuna differenza";
    return changed.map((k) => `${k}: ${short(before[k], 60)} -> ${short(after[k], 60)}`).join("; ");
  }
  if (before == null && after != null) return `(nuovo) -> ${short(after, 240)}`;
  if (before != null && after == null) return `${short(before, 240)} -> (rimosso)`;
  return `${short(before)} -> ${short(after)}`;
}

/** One line per row: time, actor, action, entity, before -> after. */
export function formatAuditRow(r: AuditRow, names: Map<string, string | null> = new Map()): string {
  const name = names.get(r.actor);
  const actor = name ? `${name} (${r.actor})` : r.actor;
  const action = AUDIT_ACTION_LABELS[r.action as AuditAction] ?? r.action;
  return `${itDateTime(r.at)}  ${actor}  ${action}  ${r.entityType} ${r.entityKey}  ${describeChange(r.before, r.after)}`;
}
