import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Worker } from "node:worker_threads";
import { App, HTTPReceiver } from "@slack/bolt";
import { SLACK_EVENTS_PATH } from "../src/slack/app.ts";
import { signSlackBody, TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from "../test/helpers/slack-http.ts";

/**
 * Plumbing shared by the benches that time slash commands over HTTP: signed posts from a
 * client thread, a bare Bolt app to compare with, percentiles.
 */

/** The p-th percentile (0..1) by the nearest-rank method. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
}

// The client runs in its own thread, as Slack runs on its own machines: a client on the
// app's event loop could not read the ack while the app works after it, and would time
// the work instead of the HTTP response.
const CLIENT_SOURCE = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", async ({ id, url, body, headers }) => {
  const t0 = performance.now();
  try {
    const res = await fetch(url, { method: "POST", headers, body });
    await res.arrayBuffer();
    parentPort.postMessage({ id, ms: performance.now() - t0, status: res.status });
  } catch (e) {
    parentPort.postMessage({ id, error: String(e) });
  }
});`;

export interface SlackClient {
  /** POSTs a form body signed as Slack signs it; resolves with the ms until the whole HTTP response, measured by the client. */
  post(url: string, body: string): Promise<number>;
  close(): Promise<void>;
}

export function startSlackClient(): SlackClient {
  const worker = new Worker(CLIENT_SOURCE, { eval: true });
  const waiting = new Map<number, { resolve(ms: number): void; reject(e: Error): void }>();
  let seq = 0;
  worker.on("message", (m: { id: number; ms?: number; status?: number; error?: string }) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.error !== undefined) w.reject(new Error(m.error));
    else if (m.status !== 200) w.reject(new Error(`risposta HTTP ${m.status}`));
    else w.resolve(m.ms!);
  });
  return {
    post(url, body) {
      const ts = Math.floor(Date.now() / 1000);
      const headers = {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": String(ts),
        "x-slack-signature": signSlackBody(body, ts),
      };
      const id = ++seq;
      return new Promise<number>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, url, body, headers });
      });
    },
    async close() {
      await worker.terminate();
    },
  };
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
