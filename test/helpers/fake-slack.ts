import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake Slack Web API on 127.0.0.1 for end-to-end tests: point the app at it with
 * SLACK_API_URL=<fake.url>. It records every call and answers like Slack would, so a test
 * asserts on what the app SENT (method, body, token) rather than on mocks.
 *
 * Also serves:
 * - `POST /response/<id>`: a slash command's / button's `response_url` (see `responseUrl()`);
 * - `POST /upload/<fileId>`: the upload step of files.uploadV2;
 * - `GET /private/<fileId>/<name>`: a file a user shared (see `addFile`), as `url_private_download`,
 *   only with the bot token in the Authorization header, like Slack.
 */

export interface FakeSlackCall {
  method: string;
  /** Form fields with JSON values (blocks, view...) already parsed; or the JSON body. */
  body: Record<string, unknown>;
  /** Bearer token (header) or `token` field, whichever came. */
  token: string | undefined;
  at: number;
}

export interface FakeResponsePost {
  id: string;
  body: Record<string, unknown>;
  at: number;
}

export interface FakeUpload {
  fileId: string;
  bytes: number;
  /** The uploaded content as text (tests upload CSV/XLSX; XLSX is binary, use `raw`). */
  raw: Buffer;
}

/** What an override answers instead of the default; `undefined` from an override = use the default. */
export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** A file a user shared with the bot: files.info describes it, its private URL serves it. */
export interface FakeFile {
  id: string;
  name: string;
  content: Buffer;
  mimetype?: string;
  /** Who shared it (files.info `user`). */
  user?: string;
}

export interface FakeDownload {
  fileId: string;
  /** The Authorization header's bearer token, if any. */
  token: string | undefined;
  status: number;
}

export type FakeOverride = (call: FakeSlackCall, nth: number) => FakeReply | undefined;

export interface FakeSlack {
  /** Base URL of the Web API, ending in "/api/" (for SLACK_API_URL). */
  url: string;
  /** http://127.0.0.1:<port> */
  origin: string;
  calls: FakeSlackCall[];
  responses: FakeResponsePost[];
  uploads: FakeUpload[];
  /** Downloads of shared files through their private URL. */
  downloads: FakeDownload[];
  /** Makes a shared file known to files.info and downloadable; returns its private URL. */
  addFile(file: FakeFile): string;
  /** A fresh response_url on this server; its posts land in `responses` with that id. */
  responseUrl(id?: string): string;
  callsTo(method: string): FakeSlackCall[];
  responsesTo(id: string): FakeResponsePost[];
  /** Replace the answer of a method (until `reset`); return undefined to fall back to the default. */
  override(method: string, fn: FakeOverride): void;
  /** Answer the next `times` calls of `method` with `reply`, then go back to normal. */
  failNext(method: string, reply: FakeReply, times?: number): void;
  /** Resolves with the `count`-th call of `method` (1-based), waiting for it if needed. */
  waitForCall(method: string, count?: number, timeoutMs?: number): Promise<FakeSlackCall>;
  /** Resolves with the `count`-th post to response_url `id`, waiting for it if needed. */
  waitForResponse(id: string, count?: number, timeoutMs?: number): Promise<FakeResponsePost>;
  /** Forget recorded calls and overrides (keeps the server). */
  reset(): void;
  close(): Promise<void>;
}

export const FAKE_TEAM_ID = "T0FAKE001";
export const FAKE_BOT_USER_ID = "U0BOT0001";
export const FAKE_BOT_ID = "B0BOT0001";

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: FakeSlackCall[] = [];
  const responses: FakeResponsePost[] = [];
  const uploads: FakeUpload[] = [];
  const downloads: FakeDownload[] = [];
  const files = new Map<string, FakeFile>();
  const privateUrl = (f: FakeFile) => `${origin}/private/${encodeURIComponent(f.id)}/${encodeURIComponent(f.name)}`;
  /** The token the fake accepts for downloads: the one the app calls the Web API with. */
  let botToken: string | undefined;
  const overrides = new Map<string, FakeOverride>();
  const counts = new Map<string, number>();
  const events = new EventEmitter();
  events.setMaxListeners(0);
  let seq = 0;
  let origin = "";

  const next = () => ++seq;
  const ts = () => `1700000000.${String(next()).padStart(6, "0")}`;

  function defaultReply(call: FakeSlackCall): unknown {
    const b = call.body;
    switch (call.method) {
      case "auth.test":
        return {
          ok: true,
          url: "https://comune-fake.slack.com/",
          team: "Comune Fake",
          user: "obiettivi",
          team_id: FAKE_TEAM_ID,
          user_id: FAKE_BOT_USER_ID,
          bot_id: FAKE_BOT_ID,
          is_enterprise_install: false,
        };
      case "chat.postMessage": {
        const t = ts();
        return {
          ok: true,
          channel: b.channel,
          ts: t,
          message: { type: "message", text: b.text, blocks: b.blocks, ts: t, bot_id: FAKE_BOT_ID },
        };
      }
      case "chat.postEphemeral":
        return { ok: true, message_ts: ts() };
      case "chat.update":
        return { ok: true, channel: b.channel, ts: b.ts, text: b.text };
      case "chat.delete":
        return { ok: true, channel: b.channel, ts: b.ts };
      case "chat.getPermalink":
        return {
          ok: true,
          channel: b.channel,
          permalink: `https://comune-fake.slack.com/archives/${String(b.channel)}/p${String(b.message_ts).replace(".", "")}`,
        };
      case "views.open":
      case "views.push":
      case "views.update":
      case "views.publish": {
        const view = (b.view ?? {}) as Record<string, unknown>;
        const id = typeof b.view_id === "string" ? b.view_id : `V${String(next()).padStart(8, "0")}`;
        return {
          ok: true,
          view: { ...view, id, team_id: FAKE_TEAM_ID, hash: `${Date.now()}.${next()}`, state: { values: {} } },
        };
      }
      case "conversations.open": {
        const users = String(b.users ?? "U0");
        return { ok: true, channel: { id: `D${users.split(",")[0]!.replace(/^U/, "")}` } };
      }
      case "conversations.info":
        return { ok: true, channel: { id: b.channel, name: "canale", is_member: true } };
      case "conversations.join":
        return { ok: true, channel: { id: b.channel } };
      case "users.info": {
        const id = String(b.user ?? "U0");
        return {
          ok: true,
          user: {
            id,
            team_id: FAKE_TEAM_ID,
            name: id.toLowerCase(),
            real_name: `Utente ${id}`,
            tz: "Europe/Rome",
            is_bot: false,
            profile: { real_name: `Utente ${id}`, display_name: id.toLowerCase() },
          },
        };
      }
      case "files.info": {
        const f = files.get(String(b.file ?? ""));
        if (!f) return { ok: false, error: "file_not_found" };
        const ext = f.name.includes(".") ? f.name.slice(f.name.lastIndexOf(".") + 1).toLowerCase() : "";
        return {
          ok: true,
          file: {
            id: f.id,
            name: f.name,
            title: f.name,
            user: f.user ?? "U0",
            size: f.content.length,
            mimetype: f.mimetype ?? "application/octet-stream",
            filetype: ext,
            url_private: privateUrl(f),
            url_private_download: privateUrl(f),
            is_external: false,
          },
        };
      }
      case "files.getUploadURLExternal": {
        const fileId = `F${String(next()).padStart(8, "0")}`;
        return { ok: true, upload_url: `${origin}/upload/${fileId}`, file_id: fileId };
      }
      case "files.completeUploadExternal": {
        const files = Array.isArray(b.files) ? (b.files as { id: string; title?: string }[]) : [];
        return {
          ok: true,
          files: files.map((f) => ({
            id: f.id,
            title: f.title ?? "",
            permalink: `https://comune-fake.slack.com/files/${f.id}`,
          })),
        };
      }
      default:
        return { ok: true };
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = new URL(req.url ?? "/", "http://x").pathname;

    if (path.startsWith("/response/") && req.method === "POST") {
      const id = decodeURIComponent(path.slice("/response/".length));
      responses.push({ id, body: parseBody(raw, req.headers["content-type"]), at: Date.now() });
      events.emit("response");
      return send(res, 200, "ok", "text/plain");
    }
    if (path.startsWith("/upload/") && req.method === "POST") {
      uploads.push({ fileId: path.slice("/upload/".length), bytes: raw.length, raw });
      events.emit("upload");
      return send(res, 200, `OK - ${raw.length}`, "text/plain");
    }
    if (path.startsWith("/private/") && req.method === "GET") {
      const [id] = path.slice("/private/".length).split("/").map(decodeURIComponent);
      const auth = req.headers.authorization;
      const token = auth?.startsWith("Bearer ") ? auth.slice(7) : undefined;
      const f = files.get(id ?? "");
      // Without the bot token Slack answers with its login page, not the file.
      const status = !f ? 404 : !token || token !== botToken ? 302 : 200;
      downloads.push({ fileId: id ?? "", token, status });
      events.emit("download");
      if (status === 200) {
        res.writeHead(200, {
          "content-type": f!.mimetype ?? "application/octet-stream",
          "content-length": String(f!.content.length),
        });
        res.end(f!.content);
        return;
      }
      if (status === 302) {
        res.writeHead(302, { location: `${origin}/login` });
        res.end();
        return;
      }
      return send(res, 404, "not found", "text/plain");
    }
    if (path === "/login") return send(res, 200, "<html>login</html>", "text/html");
    if (!path.startsWith("/api/") || req.method !== "POST") return send(res, 404, "not found", "text/plain");

    const method = path.slice("/api/".length);
    const body = parseBody(raw, req.headers["content-type"]);
    const auth = req.headers.authorization;
    const token = auth?.startsWith("Bearer ") ? auth.slice(7) : typeof body.token === "string" ? body.token : undefined;
    const call: FakeSlackCall = { method, body, token, at: Date.now() };
    if (method === "auth.test" && token) botToken = token;
    calls.push(call);
    const nth = (counts.get(method) ?? 0) + 1;
    counts.set(method, nth);
    events.emit("call");

    const custom = overrides.get(method)?.(call, nth);
    if (custom) {
      const payload =
        custom.body === undefined ? (custom.status && custom.status !== 200 ? "" : defaultReply(call)) : custom.body;
      return send(
        res,
        custom.status ?? 200,
        typeof payload === "string" ? payload : JSON.stringify(payload),
        "application/json",
        custom.headers,
      );
    }
    return send(res, 200, JSON.stringify(defaultReply(call)), "application/json");
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => send(res, 500, String(e), "text/plain"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function waitUntil<T>(event: string, find: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const onEvent = () => {
        const f = find();
        if (f !== undefined) {
          cleanup();
          resolve(f);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `fake Slack: ${what} non arrivato entro ${timeoutMs} ms (chiamate: ${calls.map((c) => c.method).join(", ") || "nessuna"})`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        events.off(event, onEvent);
      };
      events.on(event, onEvent);
    });
  }

  return {
    url: `${origin}/api/`,
    origin,
    calls,
    responses,
    uploads,
    downloads,
    addFile(file) {
      files.set(file.id, file);
      return privateUrl(file);
    },
    responseUrl: (id = `r${next()}`) => `${origin}/response/${encodeURIComponent(id)}`,
    callsTo: (method) => calls.filter((c) => c.method === method),
    responsesTo: (id) => responses.filter((r) => r.id === id),
    override(method, fn) {
      overrides.set(method, fn);
    },
    failNext(method, reply, times = 1) {
      let left = times;
      const previous = overrides.get(method);
      overrides.set(method, (call, nth) => {
        if (left > 0) {
          left -= 1;
          if (left === 0) {
            if (previous) overrides.set(method, previous);
            else overrides.delete(method);
          }
          return reply;
        }
        return previous?.(call, nth);
      });
    },
    waitForCall: (method, count = 1, timeoutMs = 5_000) =>
      waitUntil(
        "call",
        () => calls.filter((c) => c.method === method)[count - 1],
        `la chiamata ${method} n. ${count}`,
        timeoutMs,
      ),
    waitForResponse: (id, count = 1, timeoutMs = 5_000) =>
      waitUntil(
        "response",
        () => responses.filter((r) => r.id === id)[count - 1],
        `la risposta ${id} n. ${count}`,
        timeoutMs,
      ),
    reset() {
      calls.length = 0;
      responses.length = 0;
      uploads.length = 0;
      downloads.length = 0;
      overrides.clear();
      counts.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Slack's Web API takes form fields whose complex values are JSON strings (blocks, view, files). */
function parseBody(raw: Buffer, contentType: string | undefined): Record<string, unknown> {
  const text = raw.toString("utf8");
  if (contentType?.includes("application/json")) {
    try {
      const v = JSON.parse(text) as unknown;
      return v && typeof v === "object" ? (v as Record<string, unknown>) : { value: v };
    } catch {
      return { raw: text };
    }
  }
  if (contentType?.includes("multipart/form-data")) return { multipart: true, bytes: raw.length };
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const t = v.trim();
    if (t.startsWith("{") || t.startsWith("[")) {
      try {
        out[k] = JSON.parse(t);
        continue;
      } catch {
        // not JSON after all: keep the string
      }
    }
    out[k] = v;
  }
  return out;
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  type: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": type, ...headers });
  res.end(body);
}
