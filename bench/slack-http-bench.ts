import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { App, HTTPReceiver } from "@slack/bolt";
import { SLACK_EVENTS_PATH } from "../src/slack/app.ts";
import { signSlackBody, TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from "../test/helpers/slack-http.ts";

/**
 * Plumbing shared by the benches that time slash commands over HTTP: signed posts, a
 * bare Bolt app to compare with, percentiles. (Same approach as bench/sections/obiettivo.ts.)
 */

/** The p-th percentile (0..1) by the nearest-rank method. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
}

/** POSTs a form body signed as Slack signs it; resolves with the milliseconds until the whole HTTP response. */
export async function signedPost(url: string, body: string): Promise<number> {
  const ts = Math.floor(Date.now() / 1000);
  const t0 = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": String(ts), "x-slack-signature": signSlackBody(body, ts) },
    body,
  });
  await res.arrayBuffer();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`risposta HTTP ${res.status}`);
  return ms;
}

/** A Bolt app with the same receiver that only acks `command`: the floor the real app is compared to. */
export async function startBareApp(command: string): Promise<{ url: string; stop(): Promise<void> }> {
  const receiver = new HTTPReceiver({ signingSecret: TEST_SIGNING_SECRET, endpoints: SLACK_EVENTS_PATH });
  const app = new App({ token: TEST_BOT_TOKEN, botId: "B0BOT0001", botUserId: "U0BOT0001", receiver });
  app.command(command, async ({ ack }) => ack());
  const server = (await app.start({ port: 0, host: "127.0.0.1" })) as Server;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${SLACK_EVENTS_PATH}`,
    stop: async () => {
      await app.stop();
    },
  };
}
