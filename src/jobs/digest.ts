import type { WebClient } from "@slack/web-api";
import { romeDay } from "../domain/calendar/days.ts";
import type { Db } from "../db/client.ts";
import { isoWeekOf } from "../domain/calendar/weeks.ts";
import { buildDigests } from "../app/digest.ts";
import { digestDayOfWeek, digestKey, romeInstant } from "../domain/schedule/send-plan.ts";
import type { Env } from "../env.ts";
import type { Logger } from "../logger.ts";
import { statusForScope } from "../app/stato.ts";
import { uploadAreaChart } from "../slack/area-chart.ts";
import { digestMessage } from "../slack/ui/digest.ts";
import { loadCalendar } from "../store/calendar.ts";
import { digestPeople } from "../store/digest-people.ts";
import {
  claimDelivery,
  DELIVERY_LEASE_MS,
  markFailed,
  markSent,
  markSkipped,
  startedKeys,
} from "../store/deliveries.ts";
import { sendsDueNow } from "./due.ts";
import { scheduleConfig } from "./schedule-config.ts";
import { postMessage, slackErrorReason, type Sleep } from "./slack-post.ts";
import { areaChannelsInOrder } from "../store/channels.ts";

export interface JobDeps {
  db: Db;
  client: WebClient;
  now: Date;
  log: Logger;
  env: Pick<
    Env,
    "DIGEST_CRON" | "DIGEST_EMPTY_WEEK" | "REMINDER_DAYS" | "PATRONO" | "ABSENCE_REMINDERS" | "NOT_REPORTED_WEEKS"
  >;
  /** Waiting out Slack's rate limits; tests pass a recorder. */
  sleep?: Sleep;
  leaseMs?: number;
  /** Attach the area's chart under each digest (default true). */
  charts?: boolean;
}

export interface DigestRunResult {
  week: string;
  posted: string[];
  /** Quiet weeks with DIGEST_EMPTY_WEEK=niente. */
  skipped: string[];
  failed: string[];
  /** Already posted this week, or being posted by another process. */
  settled: string[];
}

export { digestKey };

/**
 * Posts this ISO week's digest to every area channel that has not had it, once the planner
 * says it is due (its first working day, at DIGEST_CRON's time): each (area, week) once,
 * whatever the restarts and however many copies run (see delivery.ts). A channel that
 * fails is recorded as failed, logged, and tried again by the next run of the week; the
 * others go on. `retryOnly` posts only digests that an earlier run of the week attempted
 * and did not finish (the hourly retry), never a first one.
 */
export async function runDigest(deps: JobDeps, opts: { retryOnly?: boolean } = {}): Promise<DigestRunResult> {
  const { db, log, now } = deps;
  const today = romeDay(now);
  const week = isoWeekOf(today);
  const result: DigestRunResult = { week, posted: [], skipped: [], failed: [], settled: [] };

  const channels = await areaChannelsInOrder(db);
  if (channels.length === 0) {
    log.info(
      { week },
      "riepilogo settimanale: nessun canale di area configurato (npx obiettivi canale <area> <idCanale>)",
    );
    return result;
  }
  const leaseMs = deps.leaseMs ?? DELIVERY_LEASE_MS;
  const due = await sendsDueNow(db, deps.env, now, leaseMs);
  if (!due) {
    log.warn({ week }, "riepilogo settimanale non inviato: nessun piano caricato");
    return result;
  }
  const plan = due.view.plan;
  const digestDay = digestDayOfWeek(due.view.calendar, due.view.config, today);
  if (!digestDay || romeInstant(digestDay, due.view.config.digest.time) > now) return result;
  const keyOf = (areaCode: string) => digestKey(plan.year, areaCode, week);
  const dueKeys = new Set(due.sends.filter((s) => s.kind === "digest").map((s) => s.key));
  const liveAreas = new Set(due.view.facts.channels.map((c) => c.areaCode));
  for (const ch of channels) {
    if (!liveAreas.has(ch.areaCode)) {
      log.warn(
        { area: ch.areaCode, channel: ch.channelId },
        `il canale è associato all'area ${ch.areaCode}, che non è nel piano ${plan.year}: riepilogo non inviato`,
      );
    }
  }
  let pending = channels.filter((c) => dueKeys.has(keyOf(c.areaCode)));
  result.settled = channels
    .filter((c) => liveAreas.has(c.areaCode) && !dueKeys.has(keyOf(c.areaCode)))
    .map((c) => c.areaCode);
  if (opts.retryOnly) {
    const started = new Set(
      await startedKeys(
        db,
        pending.map((c) => keyOf(c.areaCode)),
      ),
    );
    pending = pending.filter((c) => started.has(keyOf(c.areaCode)));
  }
  if (pending.length === 0) return result;

  const { digests } = await buildDigests(db, {
    today,
    year: plan.year,
    areaCodes: pending.map((c) => c.areaCode),
    people: await digestPeople(db, plan, { today, now, notReportedWeeks: deps.env.NOT_REPORTED_WEEKS }),
  });
  const byArea = new Map(digests.map((d) => [d.area.code, d]));

  for (const ch of pending) {
    const digest = byArea.get(ch.areaCode);
    if (!digest) {
      log.warn(
        { area: ch.areaCode, channel: ch.channelId },
        `il canale è associato all'area ${ch.areaCode}, che non è nel piano ${plan.year}: riepilogo non inviato`,
      );
      continue;
    }
    const key = keyOf(ch.areaCode);
    const claim = await claimDelivery(db, { key, kind: "digest", target: ch.channelId, now, leaseMs });
    if (!claim) {
      result.settled.push(ch.areaCode);
      continue;
    }
    if (digest.quiet && deps.env.DIGEST_EMPTY_WEEK === "niente") {
      await markSkipped(db, claim, "settimana senza segnalazioni (DIGEST_EMPTY_WEEK=niente)");
      result.skipped.push(ch.areaCode);
      continue;
    }
    try {
      const msg = digestMessage(digest);
      const posted = await postMessage(
        { client: deps.client, log, sleep: deps.sleep },
        { channel: ch.channelId, ...msg },
      );
      if (!(await markSent(db, claim, now, posted.ts, { kind: "digest", target: ch.channelId }))) {
        log.warn(
          { key },
          "riepilogo inviato, ma un altro processo ha ripreso l'invio dopo la scadenza del lease: possibile doppione",
        );
      }
      result.posted.push(ch.areaCode);
      log.info({ area: ch.areaCode, channel: ch.channelId, week }, "riepilogo settimanale inviato");
      if (deps.charts !== false) await sendDigestChart(deps, plan.year, today, ch, posted.ts);
    } catch (e) {
      const reason = slackErrorReason(e);
      await markFailed(db, claim, reason);
      result.failed.push(ch.areaCode);
      log.error(
        { area: ch.areaCode, channel: ch.channelId, week, reason },
        "riepilogo settimanale non inviato: riprovo alla prossima esecuzione",
      );
    }
  }
  return result;
}

/**
 * At start: if this week's scheduled time has passed (the bot was down then, or the post
 * failed), post this week's digest now. An earlier week is never posted late.
 */
export async function runDigestCatchUp(deps: JobDeps): Promise<DigestRunResult | null> {
  const today = romeDay(deps.now);
  const calendar = await loadCalendar(deps.db, deps.env.PATRONO);
  const config = scheduleConfig(deps.env);
  const day = digestDayOfWeek(calendar, config, today);
  if (!day || romeInstant(day, config.digest.time) > deps.now) return null;
  return runDigest(deps);
}

/** The area's chart, in the digest's thread; a failure is logged and the digest stays sent. */
async function sendDigestChart(
  deps: JobDeps,
  year: number,
  today: string,
  ch: { areaCode: string; channelId: string },
  ts: string | null,
): Promise<void> {
  try {
    const status = await statusForScope(deps.db, { kind: "area", code: ch.areaCode }, { year, today });
    if (status.kind !== "scope") return;
    await uploadAreaChart(deps.client, deps.log, { channel: ch.channelId, ...(ts ? { threadTs: ts } : {}) }, status);
  } catch (e) {
    deps.log.warn({ err: e, area: ch.areaCode }, "grafico del riepilogo non inviato");
  }
}
