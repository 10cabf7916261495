import type { KnownBlock } from "@slack/types";
import { claimDelivery, DELIVERY_LEASE_MS, markFailed, markSent, settledKeys } from "../store/deliveries.ts";
import type { JobDeps } from "./digest.ts";
import { postMessage, slackErrorReason } from "./slack-post.ts";

/** One message to one channel or person, sent at most once under its delivery key. */
export interface OnceNotice {
  key: string;
  kind: string;
  /** A channel id, or a user id for a direct message. */
  userId: string;
  message: { text: string; blocks: KnownBlock[] };
}

export interface OnceResult {
  sent: string[];
  failed: string[];
  settled: string[];
}

/** Sends each notice once (claim, post, mark); one failing recipient never stops the others. */
export async function sendOnce(deps: JobDeps, notices: OnceNotice[]): Promise<OnceResult> {
  const { db, log, now } = deps;
  const result: OnceResult = { sent: [], failed: [], settled: [] };
  const leaseMs = deps.leaseMs ?? DELIVERY_LEASE_MS;
  const settled = await settledKeys(
    db,
    notices.map((n) => n.key),
    now,
    leaseMs,
  );
  for (const n of notices) {
    if (settled.has(n.key)) {
      result.settled.push(n.key);
      continue;
    }
    const claim = await claimDelivery(db, { key: n.key, kind: n.kind, target: n.userId, now, leaseMs });
    if (!claim) {
      result.settled.push(n.key);
      continue;
    }
    try {
      const posted = await postMessage(
        { client: deps.client, log, sleep: deps.sleep },
        { channel: n.userId, ...n.message },
      );
      if (!(await markSent(db, claim, now, posted.ts, { kind: n.kind, target: n.userId }))) {
        log.warn(
          { key: n.key },
          "messaggio inviato, ma un altro processo ha ripreso l'invio dopo la scadenza del lease: possibile doppione",
        );
      }
      result.sent.push(n.key);
    } catch (e) {
      const reason = slackErrorReason(e);
      await markFailed(db, claim, reason);
      result.failed.push(n.key);
      log.error({ key: n.key, target: n.userId, reason }, "messaggio non inviato: riprovo alla prossima esecuzione");
    }
  }
  return result;
}
