import type { ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { App as BoltApp, CustomRoute, Receiver } from "@slack/bolt";

// Bolt's App and the two receivers we use, each from its own module: Bolt's index also loads
// the Express and AWS Lambda receivers, about 4 MB of resident memory the bot never uses.
// Through require, so the CommonJS default export is the same under node and under tsx.
const require = createRequire(import.meta.url);
const { default: App } = require("@slack/bolt/dist/App.js") as typeof import("@slack/bolt/dist/App.js");
const { default: HTTPReceiver } =
  require("@slack/bolt/dist/receivers/HTTPReceiver.js") as typeof import("@slack/bolt/dist/receivers/HTTPReceiver.js");
const { default: SocketModeReceiver } =
  require("@slack/bolt/dist/receivers/SocketModeReceiver.js") as typeof import("@slack/bolt/dist/receivers/SocketModeReceiver.js");
type App = BoltApp;
import type { WebClientOptions } from "@slack/web-api";
import { checkDatabase, databaseFileOf, type Db } from "../db/client.ts";
import type { ChangeBus } from "../app/events.ts";
import { slackMode, type Env } from "../env.ts";
import { GENERIC_ERROR_MESSAGE, UserError } from "../errors.ts";
import { HeavyRunner } from "../jobs/heavy.ts";
import { boltLogger, type Logger } from "../logger.ts";
import { registerObiettivo } from "./listeners/obiettivo.ts";
import { registerStato } from "./listeners/stato.ts";
import { registerAssenza } from "./listeners/assenza.ts";
import { registerSnooze } from "./listeners/snooze.ts";
import { registerReportActions } from "./listeners/report-buttons.ts";
import { registerDelayListeners } from "./listeners/delays.ts";
import { registerHomeListeners } from "./listeners/home.ts";
import { registerBehaviourListeners } from "./listeners/behaviours.ts";
import { registerValidationListeners } from "./listeners/validation.ts";
import { registerPlanImportListeners } from "./listeners/plan-import.ts";
import type { AppDeps } from "./deps.ts";
import { replyTargetOf, tryPrivateReply } from "./reply.ts";
import { plainMessage } from "./ui/message.ts";
import { registerReportModal } from "./listeners/report-form.ts";

export interface CreateAppOptions {
  env: Env;
  deps: AppDeps;
  changes: ChangeBus;
  /** Tests and benches may bring their own receiver; otherwise it follows the mode of `env`. */
  receiver?: Receiver;
  /** Counts listener work still running after ack, so a shutdown can wait for it. */
  inFlight?: InFlight;
  /** The heavy-work thread (exports, App Home scores); by default one of the app's own, ended by app.stop(). */
  heavy?: HeavyRunner;
}

/**
 * Few, short retries: a user is waiting on the other side, and a call that fails three
 * times is better reported than retried for half an hour (the library default).
 */
export const WEB_API_RETRY = { retries: 2, factor: 2, minTimeout: 300, maxTimeout: 2_000, randomize: true } as const;

/** The Socket Mode connection itself is worth retrying longer: without it the bot is deaf. */
const SOCKET_CONNECTION_RETRY = {
  retries: 10,
  factor: 1.6,
  minTimeout: 1_000,
  maxTimeout: 30_000,
  randomize: true,
} as const;

export const SLACK_EVENTS_PATH = "/slack/events";

/**
 * Builds the Bolt app for the mode chosen by the environment (Socket Mode with
 * SLACK_APP_TOKEN, HTTP with SLACK_SIGNING_SECRET) with every listener registered.
 * Calls auth.test once here, so a wrong token fails at start rather than on the first user.
 */
export async function createApp({ env, deps, changes, receiver, inFlight, heavy }: CreateAppOptions): Promise<App> {
  const mode = slackMode(env);
  if (mode === "console" || !env.SLACK_BOT_TOKEN) {
    throw new Error("createApp: servono SLACK_BOT_TOKEN e SLACK_APP_TOKEN (Socket Mode) o SLACK_SIGNING_SECRET (HTTP)");
  }
  const logger = boltLogger(deps.log);
  const clientOptions: WebClientOptions = {
    retryConfig: { ...WEB_API_RETRY },
    timeout: 10_000,
    ...(env.SLACK_API_URL ? { slackApiUrl: withTrailingSlash(env.SLACK_API_URL) } : {}),
  };

  const chosenReceiver =
    receiver ??
    (mode === "socket"
      ? new SocketModeReceiver({
          appToken: env.SLACK_APP_TOKEN!,
          logger,
          // Bolt hands installerOptions.clientOptions to the Socket Mode client (apps.connections.open).
          installerOptions: {
            clientOptions: { ...clientOptions, retryConfig: { ...SOCKET_CONNECTION_RETRY } },
          } as never,
        })
      : new HTTPReceiver({
          signingSecret: env.SLACK_SIGNING_SECRET!,
          endpoints: SLACK_EVENTS_PATH,
          port: env.PORT,
          logger,
          customRoutes: [healthRoute(deps.db, deps.log)],
        }));

  const app = new App({
    token: env.SLACK_BOT_TOKEN,
    receiver: chosenReceiver,
    logger,
    clientOptions,
    deferInitialization: true,
    extendedErrorHandler: true,
  });
  try {
    await app.init();
  } catch (e) {
    const reason = (e as { data?: { error?: string } }).data?.error ?? (e instanceof Error ? e.message : String(e));
    throw new Error(
      `Slack non accetta SLACK_BOT_TOKEN (auth.test: ${reason}). Controlla il token del bot in "OAuth & Permissions".`,
    );
  }

  if (inFlight) {
    // Wrapping processEvent (not a middleware) also counts events that Bolt acks before any middleware runs.
    const processEvent = app.processEvent.bind(app);
    app.processEvent = (event) => inFlight.track(processEvent(event));
  }

  // extendedErrorHandler: the handler gets the request body, hence where to answer.
  app.error(async ({ error, body }: { error: Error; body?: unknown }) => {
    const original = unwrapBoltError(error);
    const target = replyTargetOf(body);
    if (original instanceof UserError) {
      await tryPrivateReply(app.client, target, plainMessage(original.textFor("slack")), deps.log);
      return;
    }
    deps.log.error({ err: original, userId: target?.userId }, "errore non previsto in un listener Slack");
    await tryPrivateReply(app.client, target, plainMessage(GENERIC_ERROR_MESSAGE), deps.log);
  });

  const ownHeavy = heavy
    ? undefined
    : new HeavyRunner({ databaseUrl: `file:${databaseFileOf(deps.db)}`, log: deps.log });
  if (ownHeavy) {
    const stop = app.stop.bind(app);
    app.stop = async (...args: Parameters<App["stop"]>) => {
      const result = await stop(...args);
      await ownHeavy.close();
      return result;
    };
  }
  const surfaceDeps = { ...deps, changes, heavy: heavy ?? ownHeavy! };
  registerObiettivo(app, surfaceDeps);
  registerReportModal(app, surfaceDeps);
  registerReportActions(app, surfaceDeps);
  registerStato(app, deps);
  registerDelayListeners(app, surfaceDeps);
  registerHomeListeners(app, surfaceDeps);
  registerBehaviourListeners(app, surfaceDeps);
  registerValidationListeners(app, surfaceDeps);
  registerPlanImportListeners(app, deps);
  registerAssenza(app, surfaceDeps);
  registerSnooze(app, surfaceDeps);
  return app;
}

/** Bolt wraps uncoded errors in UnknownError and several listener errors in MultipleListenerError. */
function unwrapBoltError(error: unknown): unknown {
  const e = error as { original?: unknown; originals?: unknown[] };
  if (e && e.original !== undefined) return e.original;
  if (e && Array.isArray(e.originals) && e.originals.length > 0) {
    return e.originals.find((o) => !(o instanceof UserError)) ?? e.originals[0];
  }
  return error;
}

function healthRoute(db: Db, log: Logger): CustomRoute {
  return {
    path: "/healthz",
    method: ["GET"],
    handler: (_req, res) => {
      void checkDatabase(db).then(
        () => json(res, 200, { ok: true }),
        (e: unknown) => {
          log.warn({ err: e }, "healthz: database non raggiungibile");
          json(res, 503, { ok: false });
        },
      );
    },
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function withTrailingSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

/** Work that Bolt runs after the HTTP/socket ack; a graceful stop waits for it to reach zero. */
export interface InFlightObserver {
  busy(): void;
  idle(): void;
}

export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];
  private readonly observers: InFlightObserver[] = [];

  async track<T>(work: Promise<T>): Promise<T> {
    this.count += 1;
    if (this.count === 1) for (const o of this.observers) o.busy();
    try {
      return await work;
    } finally {
      this.count -= 1;
      if (this.count === 0) {
        for (const w of this.waiters.splice(0)) w();
        for (const o of this.observers) o.idle();
      }
    }
  }

  /** Told when work starts after a quiet spell (busy) and when the last piece ends (idle). */
  observe(observer: InFlightObserver): void {
    this.observers.push(observer);
  }

  get size(): number {
    return this.count;
  }

  /** Resolves when nothing is running, or after `timeoutMs` (a stuck call must not block shutdown forever). */
  idle(timeoutMs = 10_000): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
