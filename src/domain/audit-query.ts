import type { Db, Tx } from "../db/client.ts";
import type { AuditAction } from "./audit.ts";
import { itDateTime } from "./italian-format.ts";

/**
 * The read side of the audit trail. Rows are only ever appended (src/domain/audit.ts,
 * inside the transaction of the change); the migration's triggers refuse UPDATE and
 * DELETE, so nothing here or elsewhere can rewrite history.
 */

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
  plan_import: "importazione del piano",
  user_add: "utente aggiunto o modificato",
  user_remove: "utente rimosso",
  channel_set: "canale dell'area",
  scoring_config: "configurazione SMVP",
  restore: "ripristino del database",
  calendar: "calendario lavorativo",
  absence: "assenza",
  notification_pref: "preferenze dei promemoria",
};

export interface AuditQuery {
  /** An activity code (or any entity key): rows whose key is it, or ends with ":<it>" (e.g. "2024:3.1.2"). */
  code?: string;
  /** Only keys of that year ("2024" or "2024:..."), when given with or without a code. */
  year?: number;
  /** The most recent N rows (returned oldest first). */
  limit?: number;
}

function parseJson(text: string | null): unknown {
  if (text == null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export async function listAudit(db: Db | Tx, q: AuditQuery = {}): Promise<AuditRow[]> {
  const limit = Math.max(1, Math.min(q.limit ?? 50, 100_000));
  const and: object[] = [];
  if (q.code) {
    const code = q.code.trim();
    and.push({ OR: [{ entityKey: code }, { entityKey: { endsWith: `:${code}` } }] });
  }
  if (q.year !== undefined) and.push({ OR: [{ entityKey: String(q.year) }, { entityKey: { startsWith: `${q.year}:` } }] });
  const rows = await db.auditEntry.findMany({ where: and.length ? { AND: and } : {}, orderBy: { id: "desc" }, take: limit });
  return rows.reverse().map((r) => ({
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    entityType: r.entityType,
    entityKey: r.entityKey,
    before: parseJson(r.before),
    after: parseJson(r.after),
  }));
}

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
