import { createHmac, randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { App } from "@slack/bolt";
import type { Clock } from "../../src/clock.ts";
import type { Db } from "../../src/db/client.ts";
import { ChangeBus } from "../../src/app/events.ts";
import { loadEnv, type Env } from "../../src/env.ts";
import { createLogger, type Logger } from "../../src/logger.ts";
import { createApp, InFlight, SLACK_EVENTS_PATH } from "../../src/slack/app.ts";
import type { FakeSlack } from "./fake-slack.ts";
import type { HeavyRunner } from "../../src/jobs/heavy.ts";

/**
 * Signed Slack requests (slash commands, buttons, modal submissions, option loads) and the
 * REAL app started in HTTP mode on 127.0.0.1, talking to a FakeSlack as its Web API.
 */

export const TEST_SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
export const TEST_BOT_TOKEN = "xoxb-1111-2222-testtoken";
export const TEST_TEAM = { id: "T0FAKE001", domain: "comune-fake" };
export const TEST_CHANNEL = { id: "C0TEST001", name: "obiettivi" };

/** `v0=` + hex(HMAC-SHA256(secret, "v0:" + ts + ":" + body)), as Slack signs every request. */
export function signSlackBody(body: string, timestampSec: number, secret = TEST_SIGNING_SECRET): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestampSec}:${body}`).digest("hex")}`;
}

export interface SlashCommandInput {
  text: string;
  userId: string;
  command?: string;
  responseUrl: string;
  triggerId?: string;
  channelId?: string;
}

/** The x-www-form-urlencoded body Slack posts for a slash command. */
export function slashCommandBody(c: SlashCommandInput): string {
  return new URLSearchParams({
    token: "verification-token-unused",
    team_id: TEST_TEAM.id,
    team_domain: TEST_TEAM.domain,
    channel_id: c.channelId ?? TEST_CHANNEL.id,
    channel_name: TEST_CHANNEL.name,
    user_id: c.userId,
    user_name: c.userId.toLowerCase(),
    command: c.command ?? "/obiettivo",
    text: c.text,
    api_app_id: "A0TEST001",
    is_enterprise_install: "false",
    response_url: c.responseUrl,
    trigger_id: c.triggerId ?? newTriggerId(),
  }).toString();
}

export interface BlockActionInput {
  userId: string;
  actionId: string;
  /** Button value: objects are JSON-encoded, as our builders do. */
  value?: unknown;
  /** For selects: the selected option's value. */
  selectedValue?: string;
  blockId?: string;
  triggerId?: string;
  /** A button on a message (ephemeral or not): gives a response_url. */
  responseUrl?: string;
  channelId?: string;
  /** A button or select inside a modal or App Home: the view it sits in. */
  view?: {
    id: string;
    callbackId?: string;
    privateMetadata?: string;
    hash?: string;
    type?: "modal" | "home";
    values?: ViewStateValues;
  };
}

export function blockActionBody(a: BlockActionInput): string {
  const action: Record<string, unknown> = {
    action_id: a.actionId,
    block_id: a.blockId ?? "b1",
    action_ts: `${Math.floor(Date.now() / 1000)}.000100`,
  };
  if (a.selectedValue !== undefined) {
    action.type = "static_select";
    action.selected_option = { text: { type: "plain_text", text: a.selectedValue }, value: a.selectedValue };
  } else {
    action.type = "button";
    action.value = typeof a.value === "string" ? a.value : JSON.stringify(a.value ?? {});
  }
  const payload: Record<string, unknown> = {
    type: "block_actions",
    user: { id: a.userId, username: a.userId.toLowerCase(), name: a.userId.toLowerCase(), team_id: TEST_TEAM.id },
    api_app_id: "A0TEST001",
    token: "verification-token-unused",
    trigger_id: a.triggerId ?? newTriggerId(),
    team: TEST_TEAM,
    enterprise: null,
    is_enterprise_install: false,
    actions: [action],
  };
  if (a.view) {
    payload.container = { type: "view", view_id: a.view.id };
    payload.view = viewObject(
      a.view.id,
      a.view.callbackId ?? "",
      a.view.privateMetadata ?? "",
      a.view.values ?? {},
      a.view.hash,
      a.view.type,
    );
  } else {
    const channelId = a.channelId ?? TEST_CHANNEL.id;
    payload.container = { type: "message", message_ts: "1700000000.000001", channel_id: channelId, is_ephemeral: true };
    payload.channel = { id: channelId, name: TEST_CHANNEL.name };
    if (a.responseUrl) payload.response_url = a.responseUrl;
  }
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** state.values of a view: block_id -> action_id -> element state (e.g. {type, value} or {type, selected_option}). */
export type ViewStateValues = Record<string, Record<string, Record<string, unknown>>>;

export interface ViewSubmissionInput {
  userId: string;
  viewId?: string;
  callbackId: string;
  privateMetadata?: string;
  values: ViewStateValues;
  triggerId?: string;
}

export function viewSubmissionBody(v: ViewSubmissionInput): string {
  const payload = {
    type: "view_submission",
    team: TEST_TEAM,
    user: { id: v.userId, username: v.userId.toLowerCase(), name: v.userId.toLowerCase(), team_id: TEST_TEAM.id },
    api_app_id: "A0TEST001",
    token: "verification-token-unused",
    trigger_id: v.triggerId ?? newTriggerId(),
    view: viewObject(
      v.viewId ?? `V${randomUUID().slice(0, 8).toUpperCase()}`,
      v.callbackId,
      v.privateMetadata ?? "",
      v.values,
    ),
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface BlockSuggestionInput {
  userId: string;
  actionId: string;
  blockId?: string;
  query: string;
  view?: { id: string; callbackId?: string; privateMetadata?: string };
}

/** Options load for an external_select ("block_suggestion"). */
export function blockSuggestionBody(s: BlockSuggestionInput): string {
  const view = s.view ?? { id: "V0PICKER1" };
  const payload = {
    type: "block_suggestion",
    user: { id: s.userId, username: s.userId.toLowerCase(), name: s.userId.toLowerCase(), team_id: TEST_TEAM.id },
    team: TEST_TEAM,
    api_app_id: "A0TEST001",
    token: "verification-token-unused",
    action_id: s.actionId,
    block_id: s.blockId ?? "b1",
    value: s.query,
    container: { type: "view", view_id: view.id },
    view: viewObject(view.id, view.callbackId ?? "", view.privateMetadata ?? "", {}),
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

function viewObject(
  id: string,
  callbackId: string,
  privateMetadata: string,
  values: ViewStateValues,
  hash?: string,
  type: "modal" | "home" = "modal",
) {
  return {
    id,
    team_id: TEST_TEAM.id,
    type,
    callback_id: callbackId,
    private_metadata: privateMetadata,
    hash: hash ?? "1700000000.abcdef",
    title: { type: "plain_text", text: "Obiettivi" },
    blocks: [],
    state: { values },
    app_id: "A0TEST001",
    bot_id: "B0BOT0001",
  };
}

export function newTriggerId(): string {
  return `${Date.now()}.${Math.floor(Math.random() * 1e9)}.${randomUUID().replace(/-/g, "").slice(0, 16)}`;
}

export interface SendOptions {
  /** Adds X-Slack-Retry-Num (and a retry reason), as Slack does when it redelivers. */
  retryNum?: number;
  /** Signs with the wrong secret. */
  badSignature?: boolean;
  /** Sends no signature headers at all. */
  unsigned?: boolean;
  /** Unix seconds for X-Slack-Request-Timestamp (default: now); an old one must get 401. */
  timestamp?: number;
  contentType?: string;
}

export interface SentResponse {
  status: number;
  text: string;
  /** The body parsed as JSON when it is JSON (an ack with a payload), else undefined. */
  json: unknown;
}

export interface TestApp {
  /** http://127.0.0.1:<port> */
  url: string;
  app: App;
  env: Env;
  changes: ChangeBus;
  log: Logger;
  /** POST a body to /slack/events, signed (unless told otherwise). */
  send(body: string, options?: SendOptions): Promise<SentResponse>;
  /** Resolves when every listener has finished the work it does after ack. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface StartTestAppOptions {
  db: Db;
  clock: Clock;
  fake: FakeSlack;
  /** Extra environment (e.g. REMINDER_DAYS); Slack variables are set to match the fake. */
  env?: Record<string, string>;
  log?: Logger;
  changes?: ChangeBus;
  /** The heavy-work thread to use (the test then owns it); by default the app's own. */
  heavy?: HeavyRunner;
}

/** Starts the real createApp in HTTP mode on 127.0.0.1 (random port) against the fake Slack Web API. */
export async function startTestApp({
  db,
  clock,
  fake,
  env: extra = {},
  log,
  changes,
  heavy,
}: StartTestAppOptions): Promise<TestApp> {
  const env = loadEnv({
    LOG_LEVEL: "silent",
    ...extra,
    SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: fake.url,
    SLACK_APP_TOKEN: "",
  });
  const logger = log ?? createLogger(env.LOG_LEVEL, [TEST_BOT_TOKEN, TEST_SIGNING_SECRET]);
  const bus = changes ?? new ChangeBus();
  const inFlight = new InFlight();
  const app = await createApp({ env, deps: { db, clock, log: logger, env }, changes: bus, inFlight, heavy });
  const server = (await app.start({ port: 0, host: "127.0.0.1" })) as Server;
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    app,
    env,
    changes: bus,
    log: logger,
    async send(body, options = {}) {
      const ts = options.timestamp ?? Math.floor(Date.now() / 1000);
      const headers: Record<string, string> = {
        "content-type": options.contentType ?? "application/x-www-form-urlencoded",
      };
      if (!options.unsigned) {
        headers["x-slack-request-timestamp"] = String(ts);
        headers["x-slack-signature"] = options.badSignature
          ? signSlackBody(body, ts, "not-the-secret")
          : signSlackBody(body, ts);
      }
      if (options.retryNum !== undefined) {
        headers["x-slack-retry-num"] = String(options.retryNum);
        headers["x-slack-retry-reason"] = "http_timeout";
      }
      const res = await fetch(`${url}${SLACK_EVENTS_PATH}`, { method: "POST", headers, body });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, text, json: parsed };
    },
    async idle() {
      await inFlight.idle(15_000);
    },
    async close() {
      await inFlight.idle(5_000);
      server.closeAllConnections();
      await app.stop();
    },
  };
}
