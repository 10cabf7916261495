import type { Db, Tx } from "../db/client.ts";
import type { AuditAction, AuditRow } from "../domain/audit/format.ts";

/**
 * The audit trail. Rows are only ever appended, inside the transaction of the change; the
 * migration's triggers refuse UPDATE and DELETE, so nothing here or elsewhere can rewrite history.
 */

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
  if (q.year !== undefined)
    and.push({ OR: [{ entityKey: String(q.year) }, { entityKey: { startsWith: `${q.year}:` } }] });
  const rows = await db.auditEntry.findMany({
    where: and.length ? { AND: and } : {},
    orderBy: { id: "desc" },
    take: limit,
  });
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
