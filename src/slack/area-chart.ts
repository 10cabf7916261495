import type { WebClient } from "@slack/web-api";
import type { ScopeStatus } from "../domain/status/status.ts";
import type { Logger } from "../logger.ts";
import { createHash } from "node:crypto";
import { areaStatusChart } from "../report/charts.ts";

/**
 * Charts already drawn, by what they show: the same figures asked again (another /stato
 * of the same area, the digest after it) reuse the PNG instead of drawing it again.
 */
const drawn = new Map<string, Awaited<ReturnType<typeof areaStatusChart>>>();
const DRAWN_KEPT = 8;

async function chartOf(status: ScopeStatus & { area: NonNullable<ScopeStatus["area"]> }) {
  const key = createHash("sha1")
    .update(JSON.stringify([status.area, status.objectives, status.objectiveTotal]))
    .digest("hex");
  const hit = drawn.get(key);
  if (hit) return hit;
  const chart = await areaStatusChart(status.area, status.objectives, status.objectiveTotal);
  if (drawn.size >= DRAWN_KEPT) drawn.delete(drawn.keys().next().value as string);
  drawn.set(key, chart);
  return chart;
}

/**
 * Uploads an area's chart with files.uploadV2 (files.getUploadURLExternal, the upload,
 * files.completeUploadExternal): the bytes go from the bot to Slack, so it works in Socket
 * Mode with no public URL. Never throws: a chart that cannot be drawn or sent is logged,
 * and the text it accompanies has already gone.
 */
export async function uploadAreaChart(
  client: WebClient,
  log: Logger,
  target: { channel: string; threadTs?: string },
  status: ScopeStatus,
  comment?: string,
): Promise<boolean> {
  if (!status.area || status.objectives.length === 0) return false;
  try {
    const chart = await chartOf({ ...status, area: status.area });
    const common = {
      file: Buffer.from(chart.png),
      filename: `grafico-area-${status.area.code}-${status.today}.png`,
      title: chart.title,
      alt_text: chart.title,
      ...(comment ? { initial_comment: comment } : {}),
    };
    if (target.threadTs)
      await client.files.uploadV2({ ...common, channel_id: target.channel, thread_ts: target.threadTs });
    else await client.files.uploadV2({ ...common, channel_id: target.channel });
    return true;
  } catch (e) {
    log.warn({ err: e, area: status.area.code, channel: target.channel }, "grafico dell'area non inviato");
    return false;
  }
}
