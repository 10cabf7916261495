import type { Tx } from "../db/client.ts";

export type AuditAction =
  | "report"
  | "report_undo"
  | "delay_cause"
  | "manual_deadline"
  | "plan_import"
  | "user_add"
  | "user_remove"
  | "channel_set"
  | "scoring_config"
  | "restore"
  | "calendar"
  | "absence"
  | "notification_pref";

export interface AuditInput {
  actor: string; // Slack user id, or "cli:<os user>"
  action: AuditAction;
  entityType: string;
  entityKey: string;
  before?: unknown;
  after?: unknown;
  at: Date;
}

/** Appends one audit row inside the caller's transaction (so change and trail land together). */
export async function appendAudit(tx: Tx, e: AuditInput): Promise<void> {
  await tx.auditEntry.create({
    data: {
      at: e.at,
      actor: e.actor,
      action: e.action,
      entityType: e.entityType,
      entityKey: e.entityKey,
      before: e.before === undefined ? null : JSON.stringify(e.before),
      after: e.after === undefined ? null : JSON.stringify(e.after),
    },
  });
}
