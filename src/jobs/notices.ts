import type { KnownBlock } from "@slack/types";
import type { NoticeActivity } from "../store/notices.ts";
import type { JobDeps } from "./digest.ts";
import { claimDelivery, DELIVERY_LEASE_MS, markFailed, markSent, settledKeys } from "../store/deliveries.ts";
import { postMessage, slackErrorReason } from "./slack-post.ts";

/** What the reminder and the overdue jobs share: who hears about an activity, and sending each notice once. */

/** The heads of the activity's area; for a Comune-wide one, the heads of every area it involves. */
export function headsOf(a: NoticeActivity, heads: Map<string, string[]>): string[] {
  const areas = a.areaCode !== null ? [a.areaCode] : a.involvesAllAreas ? [...heads.keys()] : a.involvedAreas;
  return [...new Set(areas.flatMap((c) => heads.get(c) ?? []))];
}

export interface Notice {
  key: string;
  kind: string;
  userId: string;
  message: { text: string; blocks: KnownBlock[] };
}

export interface NoticeResult {
  sent: string[];
  failed: string[];
  settled: string[];
}

/** Sends each notice once (claim, post, mark); one failing recipient never stops the others. */
export async function sendNotices(deps: JobDeps, notices: Notice[]): Promise<NoticeResult> {
  const { db, log, now } = deps;
  const result: NoticeResult = { sent: [], failed: [], settled: [] };
  const leaseMs = deps.leaseMs ?? DELIVERY_LEASE_MS;
  const settled = await settledKeys(db, notices.map((n) => n.key), now, leaseMs);
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
      const posted = await postMessage({ client: deps.client, log, sleep: deps.sleep }, { channel: n.userId, ...n.message });
      if (!(await markSent(db, claim, now, posted.ts, { kind: n.kind, target: n.userId }))) {
        log.warn({ key: n.key }, "messaggio inviato, ma un altro processo ha ripreso l'invio dopo la scadenza del lease: possibile doppione");
      }
      result.sent.push(n.key);
    } catch (e) {
      const reason = slackErrorReason(e);
      await markFailed(db, claim, reason);
      result.failed.push(n.key);
      log.error({ key: n.key, user: n.userId, reason }, "messaggio diretto non inviato: riprovo alla prossima esecuzione");
    }
  }
  return result;
}
