import { romeDay } from "../domain/calendar/days.ts";
import { escapeMrkdwn } from "../slack/ui/message.ts";
import { variationAreas, variationNoticeKey, variationNoticeText } from "../domain/plan/variation-notice.ts";
import { allAreaChannels } from "../store/channels.ts";
import { planOfYear } from "../store/plan.ts";
import { listVariations, loadChanges, placesOf } from "../store/variations.ts";
import type { JobDeps } from "./digest.ts";
import { sendOnce as sendNotices, type OnceNotice as Notice, type OnceResult as NoticeResult } from "./send-once.ts";

/**
 * Each area channel hears ONCE about a variation touching its activities, on the day it
 * takes effect (or at once when it is already in force): the Delivery key
 * variation:<year>:<id>:<area> makes every later run a no-op.
 */
export async function runVariationNotices(deps: JobDeps): Promise<NoticeResult> {
  const empty: NoticeResult = { sent: [], failed: [], settled: [] };
  const plan = await planOfYear(deps.db);
  if (!plan) return empty;
  const today = romeDay(deps.now);
  const list = (await listVariations(deps.db, plan.year)).filter((v) => v.validFrom <= today);
  if (!list.length) return empty;
  const [all, channels] = await Promise.all([loadChanges(deps.db, plan.year), allAreaChannels(deps.db)]);
  if (!channels.size) return empty;
  const codes = new Set<string>();
  for (const v of list) for (const c of v.changes) if (c.entityType === "activity") codes.add(c.code);
  const places = await placesOf(deps.db, plan, [...codes]);
  const allAreas = [...channels.keys()];
  const notices: Notice[] = [];
  for (const v of list) {
    for (const [area, lines] of variationAreas(v, all, places, allAreas)) {
      const channel = channels.get(area);
      if (!channel) continue;
      const text = variationNoticeText(v, lines);
      notices.push({
        key: variationNoticeKey(plan.year, v.id, area),
        kind: "variation",
        userId: channel,
        message: {
          text,
          blocks: [
            { type: "section", text: { type: "mrkdwn", text: escapeMrkdwn(text) } },
            {
              type: "context",
              elements: [
                {
                  type: "mrkdwn",
                  text: escapeMrkdwn(`In vigore dal ${v.validFrom.split("-").reverse().join("/")} · ${v.reason}`),
                },
              ],
            },
          ],
        },
      });
    }
  }
  const result = await sendNotices(deps, notices);
  if (result.sent.length || result.failed.length)
    deps.log.info({ sent: result.sent.length, failed: result.failed.length }, "avvisi di variazione del piano");
  return result;
}
