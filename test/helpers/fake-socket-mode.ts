import { EventEmitter } from "node:events";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import type { FakeSlack } from "./fake-slack.ts";

/**
 * Slack's side of Socket Mode, on 127.0.0.1: apps.connections.open (on the FakeSlack)
 * hands out this server's URL; on connection it says `hello`; `deliver` pushes an envelope
 * as Slack does ({envelope_id, type, payload, accepts_response_payload, retry_attempt}) and
 * resolves with the app's ack ({envelope_id, payload?}).
 */

export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export interface FakeSocketMode {
  url: string;
  /** Tokens apps.connections.open was called with (must be the xapp- token). */
  openTokens(): (string | undefined)[];
  /** Resolves once the app has connected and received hello. */
  connected(timeoutMs?: number): Promise<void>;
  deliver(
    type: "slash_commands" | "interactive" | "events_api",
    payload: unknown,
    opts?: { retryAttempt?: number; retryReason?: string; envelopeId?: string },
  ): Promise<SocketAck>;
  close(): Promise<void>;
}

let envelopeSeq = 0;

export async function startFakeSocketMode(fake: FakeSlack): Promise<FakeSocketMode> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/link`;
  const events = new EventEmitter();
  const acks = new Map<string, SocketAck>();
  let socket: WebSocket | undefined;

  server.on("connection", (ws) => {
    socket = ws;
    ws.on("message", (data) => {
      try {
        const msg = JSON.parse(String(data)) as SocketAck;
        if (msg.envelope_id) {
          acks.set(msg.envelope_id, msg);
          events.emit("ack", msg.envelope_id);
        }
      } catch {
        // not an ack: ignore
      }
    });
    ws.send(
      JSON.stringify({
        type: "hello",
        num_connections: 1,
        debug_info: { host: "fake", approximate_connection_time: 3600 },
        connection_info: { app_id: "A0TEST001" },
      }),
    );
    events.emit("connected");
  });

  fake.override("apps.connections.open", () => ({ body: { ok: true, url } }));

  return {
    url,
    openTokens: () => fake.callsTo("apps.connections.open").map((c) => c.token),
    connected(timeoutMs = 10_000) {
      if (socket) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("Socket Mode: l'app non si è collegata")), timeoutMs);
        events.once("connected", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    deliver(type, payload, opts = {}) {
      if (!socket) return Promise.reject(new Error("Socket Mode: nessuna connessione"));
      const envelopeId = opts.envelopeId ?? `env-${++envelopeSeq}`;
      const waitAck = new Promise<SocketAck>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`Socket Mode: nessun ack per ${envelopeId}`)), 10_000);
        const onAck = (id: string) => {
          if (id !== envelopeId) return;
          clearTimeout(timer);
          events.off("ack", onAck);
          resolve(acks.get(id)!);
        };
        events.on("ack", onAck);
      });
      socket.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          accepts_response_payload: type !== "events_api",
          retry_attempt: opts.retryAttempt ?? 0,
          retry_reason: opts.retryReason ?? "",
        }),
      );
      return waitAck;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of server.clients) c.terminate();
        server.close(() => resolve());
      }),
  };
}
