import type { KnownBlock } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import type { Logger } from "../logger.ts";

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** How many times one post waits out a rate limit before it is left to the next run. */
const RATE_LIMIT_WAITS = 3;
/** A Retry-After longer than this is not waited for inside a run: the next run retries. */
const MAX_WAIT_MS = 120_000;

export interface PostDeps {
  client: WebClient;
  log: Logger;
  sleep?: Sleep;
}

/**
 * chat.postMessage that honours HTTP 429. The Web API client already waits Retry-After and
 * retries while its retry policy allows; when it is told to reject rate-limited calls, or its
 * retries run out while Slack still says "slow down", the wait happens here.
 */
export async function postMessage(
  deps: PostDeps,
  args: { channel: string; text: string; blocks: KnownBlock[] },
): Promise<{ ts: string | null; channel: string }> {
  const sleep = deps.sleep ?? realSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await deps.client.chat.postMessage({ ...args, unfurl_links: false, unfurl_media: false });
      return { ts: res.ts ?? null, channel: res.channel ?? args.channel };
    } catch (e) {
      const wait = rateLimitWait(e);
      if (wait === null || attempt >= RATE_LIMIT_WAITS || wait > MAX_WAIT_MS) throw e;
      deps.log.warn(
        { channel: args.channel, waitMs: wait },
        "Slack limita le richieste (429): attendo come indicato da Retry-After",
      );
      await sleep(wait);
    }
  }
}

/** Milliseconds to wait before retrying, or null when the error is not a rate limit. */
export function rateLimitWait(e: unknown): number | null {
  const err = e as { code?: string; retryAfter?: number; original?: { message?: string } };
  if (err?.code === "slack_webapi_rate_limited_error" && typeof err.retryAfter === "number")
    return err.retryAfter * 1000;
  // The client waited Retry-After itself before giving up: retry at once.
  if (err?.code === "slack_webapi_request_error" && /rate limit was exceeded/i.test(err.original?.message ?? ""))
    return 0;
  return null;
}

/** A short reason for the log and the Delivery row ("channel_not_found", "HTTP 500"...). */
export function slackErrorReason(e: unknown): string {
  const err = e as { code?: string; data?: { error?: string }; statusCode?: number; message?: string };
  if (err?.data?.error) return err.data.error;
  if (err?.code === "slack_webapi_http_error" && err.statusCode) return `HTTP ${err.statusCode}`;
  return err?.message ?? String(e);
}
