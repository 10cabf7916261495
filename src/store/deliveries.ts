import type { Db } from "../db/client.ts";

/**
 * Exactly-once bookkeeping for outgoing messages (Delivery table).
 *
 * A message is claimed BEFORE it is posted, by one atomic statement: insert the key if
 * absent, or take it over if it failed earlier or if its claim is older than the lease
 * (the process that claimed it died). Two processes racing for the same key: SQLite runs
 * the two statements one after the other, the second finds a fresh claim and gets
 * nothing. `attempts` grows with every claim and fences the later updates, so a process
 * whose claim was taken over cannot mark the row.
 *
 * Each step is ONE statement in autocommit, not an interactive transaction: SQLite does
 * not need more for a single statement, and an interactive transaction would keep the
 * write lock across awaits, which freezes any other connection of the same process (its
 * busy wait blocks the event loop that would commit) for the whole busy timeout.
 * A statement that ran inside someone else's transaction on the shared connection and
 * was rolled back with it loses the claim: marking "sent" inserts the row again.
 *
 * The window left: a process that posted and then died (or stalled past the lease)
 * before marking "sent" leaves a claim that another run takes over after the lease, and
 * that run posts again: at most one duplicate per crash, never a lost message.
 */

export const DELIVERY_LEASE_MS = 10 * 60_000;

export type DeliveryStatus = "claimed" | "sent" | "failed" | "skipped";

export interface Claim {
  key: string;
  attempts: number;
}

export interface ClaimInput {
  key: string;
  kind: string;
  target: string;
  now: Date;
  leaseMs?: number;
}

export async function claimDelivery(db: Db, c: ClaimInput): Promise<Claim | null> {
  const staleBefore = new Date(c.now.getTime() - (c.leaseMs ?? DELIVERY_LEASE_MS));
  const rows = await db.$queryRaw<{ attempts: bigint | number }[]>`
    INSERT INTO Delivery (key, kind, target, status, attempts, claimedAt)
    VALUES (${c.key}, ${c.kind}, ${c.target}, 'claimed', 1, ${c.now})
    ON CONFLICT (key) DO UPDATE SET
      status = 'claimed', attempts = Delivery.attempts + 1, claimedAt = excluded.claimedAt, target = excluded.target
    WHERE Delivery.status = 'failed' OR (Delivery.status = 'claimed' AND Delivery.claimedAt < ${staleBefore})
    RETURNING attempts`;
  return rows.length === 1 ? { key: c.key, attempts: Number(rows[0]!.attempts) } : null;
}

/**
 * Marks the claimed message as posted; false when another process took the claim over
 * meanwhile. A claim that vanished (rolled back with someone else's transaction) is
 * written back as sent, so that no later run posts it again.
 */
export async function markSent(
  db: Db,
  claim: Claim,
  at: Date,
  messageTs: string | null,
  what: { kind: string; target: string },
): Promise<boolean> {
  const rows = await db.$queryRaw<{ key: string }[]>`
    INSERT INTO Delivery (key, kind, target, status, attempts, claimedAt, sentAt, messageTs)
    VALUES (${claim.key}, ${what.kind}, ${what.target}, 'sent', ${claim.attempts}, ${at}, ${at}, ${messageTs})
    ON CONFLICT (key) DO UPDATE SET status = 'sent', sentAt = excluded.sentAt, messageTs = excluded.messageTs, lastError = NULL
    WHERE Delivery.attempts = ${claim.attempts} AND Delivery.status = 'claimed'
    RETURNING key`;
  return rows.length === 1;
}

export async function markFailed(db: Db, claim: Claim, error: string): Promise<boolean> {
  return finish(db, claim, { status: "failed", lastError: error.slice(0, 1000) });
}

/** Nothing was due (a quiet week with DIGEST_EMPTY_WEEK=niente): recorded so later runs of the week do not post. */
export async function markSkipped(db: Db, claim: Claim, reason: string): Promise<boolean> {
  return finish(db, claim, { status: "skipped", lastError: reason });
}

async function finish(db: Db, claim: Claim, f: { status: DeliveryStatus; lastError: string | null }): Promise<boolean> {
  const n = await db.$executeRaw`
    UPDATE Delivery SET status = ${f.status}, lastError = ${f.lastError}
    WHERE key = ${claim.key} AND attempts = ${claim.attempts} AND status = 'claimed'`;
  return n === 1;
}

/** Keys among `keys` that need no posting: already sent or skipped, or claimed by a live process. */
export async function settledKeys(
  db: Db,
  keys: readonly string[],
  now: Date,
  leaseMs = DELIVERY_LEASE_MS,
): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const staleBefore = new Date(now.getTime() - leaseMs);
  const out = new Set<string>();
  // Chunks keep the statement under SQLite's parameter limit.
  for (let i = 0; i < keys.length; i += 500) {
    const chunk = keys.slice(i, i + 500);
    const rows = await db.delivery.findMany({
      where: {
        key: { in: chunk },
        OR: [{ status: { in: ["sent", "skipped"] } }, { status: "claimed", claimedAt: { gte: staleBefore } }],
      },
      select: { key: true },
    });
    for (const r of rows) out.add(r.key);
  }
  return out;
}

/**
 * Marks keys as sent without a claim of their own: the items carried by a message that was
 * claimed and posted under its own key (a day's bundle). Idempotent.
 */
export async function markKeysSent(
  db: Db,
  keys: readonly string[],
  what: { kind: string; target: string; at: Date; messageTs: string | null },
): Promise<void> {
  for (const key of new Set(keys)) {
    await db.$executeRaw`
      INSERT INTO Delivery (key, kind, target, status, attempts, claimedAt, sentAt, messageTs)
      VALUES (${key}, ${what.kind}, ${what.target}, 'sent', 1, ${what.at}, ${what.at}, ${what.messageTs})
      ON CONFLICT (key) DO UPDATE SET status = 'sent', sentAt = excluded.sentAt, messageTs = excluded.messageTs, lastError = NULL`;
  }
}

/** Of these keys, those some run has claimed already (sent, failed or under way). */
export async function startedKeys(db: Db, keys: readonly string[]): Promise<string[]> {
  return (await db.delivery.findMany({ where: { key: { in: [...keys] } }, select: { key: true } })).map((r) => r.key);
}
