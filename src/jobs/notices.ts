import { daysBetween } from "../domain/calendar/days.ts";
import type { Db } from "../db/client.ts";
import type { PlannedItem, PlannedSend } from "../domain/schedule/send-plan.ts";
import { noticeBundleMessage, type NoticeItem } from "../slack/ui/reminders.ts";
import type { JobDeps } from "./digest.ts";
import { claimDelivery, DELIVERY_LEASE_MS, markFailed, markKeysSent, markSent } from "../store/deliveries.ts";
import { sendsDueNow } from "./due.ts";
import { postMessage, slackErrorReason } from "./slack-post.ts";

/**
 * The daily direct messages: whatever the planner says is due to each person today
 * (reminders, overdue questions, snoozed items) in ONE message, claimed under the key
 * dm:<day>:<user>; once posted, every item in it is marked so that it is not sent again.
 */

export interface NoticeResult {
  /** Keys of the items sent (reminder:…, overdue:…, snooze:…). */
  sent: string[];
  failed: string[];
  settled: string[];
  /** Keys of the messages (dm:<day>:<user>) posted. */
  messages: string[];
}

export function noticeItem(
  year: number,
  i: PlannedItem,
  today: string,
  names: ReadonlyMap<string, string | null>,
): NoticeItem {
  return {
    year,
    code: i.code,
    title: i.title,
    areaLabel: i.areaCode ? `${i.areaCode}. ${i.areaName}` : null,
    deadline: i.deadline,
    kind: i.kind,
    days: i.kind === "reminder" ? daysBetween(today, i.deadline) : daysBetween(i.deadline, today),
    workingDays: i.workingDays,
    onBehalfOf: i.onBehalfOf.map((u) => names.get(u) ?? u),
    snoozed: i.snoozed,
  };
}

/** Posts each person's message of the day once; one failing recipient never stops the others. */
export async function runDirectMessages(deps: JobDeps): Promise<NoticeResult> {
  const { db, log, now } = deps;
  const result: NoticeResult = { sent: [], failed: [], settled: [], messages: [] };
  const leaseMs = deps.leaseMs ?? DELIVERY_LEASE_MS;
  const due = await sendsDueNow(db, deps.env, now, leaseMs);
  if (!due) return result;
  const dms = due.sends.filter((s) => s.kind !== "digest");
  for (const s of dms) await sendOne(deps, db, s, due.view.plan.year, due.view.facts.users, result, leaseMs);
  if (result.sent.length || result.failed.length) {
    log.info(
      { messages: result.messages.length, items: result.sent.length, failed: result.failed.length },
      "messaggi diretti del giorno (promemoria e domande)",
    );
  }
  return result;
}

async function sendOne(
  deps: JobDeps,
  db: Db,
  s: PlannedSend,
  year: number,
  names: ReadonlyMap<string, string | null>,
  result: NoticeResult,
  leaseMs: number,
): Promise<void> {
  const items = s.items ?? [];
  const itemKeys = items.flatMap((i) => i.keys);
  const claim = await claimDelivery(db, { key: s.key, kind: "dm", target: s.recipient, now: deps.now, leaseMs });
  if (!claim) {
    result.settled.push(...itemKeys);
    return;
  }
  try {
    const message = noticeBundleMessage(items.map((i) => noticeItem(year, i, s.date, names)));
    const posted = await postMessage(
      { client: deps.client, log: deps.log, sleep: deps.sleep },
      { channel: s.recipient, ...message },
    );
    if (!(await markSent(db, claim, deps.now, posted.ts, { kind: "dm", target: s.recipient }))) {
      deps.log.warn(
        { key: s.key },
        "messaggio inviato, ma un altro processo ha ripreso l'invio dopo la scadenza del lease: possibile doppione",
      );
    }
    await markKeysSent(db, itemKeys, { kind: s.kind, target: s.recipient, at: deps.now, messageTs: posted.ts });
    result.sent.push(...itemKeys);
    result.messages.push(s.key);
  } catch (e) {
    const reason = slackErrorReason(e);
    await markFailed(db, claim, reason);
    result.failed.push(...itemKeys);
    deps.log.error(
      { key: s.key, user: s.recipient, reason },
      "messaggio diretto non inviato: riprovo alla prossima esecuzione",
    );
  }
}
