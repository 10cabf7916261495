import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import type { FakeSlack } from "../../helpers/fake-slack.ts";
import { signSlackBody } from "../../helpers/slack-http.ts";

/**
 * The bot started as a child process, as in production (`node --max-semi-space-size=1 --import tsx src/main.ts`,
 * what `npm start` runs, or `npm start` itself), in HTTP mode against a fake Slack API.
 * Used by the robustness tests and by the benchmark (memory, start time).
 */

export const ROOT = path.resolve(import.meta.dirname, "../../..");
/** Values a test can look for in the logs: they must never appear there. */
export const CHILD_SIGNING_SECRET = "c4ild5ecret0f7he5lack4pp0123456";
export const CHILD_BOT_TOKEN = "xoxb-7777-8888-childbottoken";

/** A bot started as a child process, exactly as in production but pointed at a fake Slack. */
export interface BotProcess {
  child: ChildProcess;
  url: string;
  /** ms from spawn to the "pronto" log line. */
  readyMs: number;
  /** CPU ms the process had used when it said "pronto" (the spawned process only, not its children). */
  readyCpuMs: number;
  /** Every log line so far (the child's stdout and stderr). */
  lines: string[];
  send(
    body: string,
    opts?: { signature?: "bad" | "none"; timestamp?: number },
  ): Promise<{ status: number; text: string }>;
  /** SIGTERM to the whole process group we started; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A log line announcing the bot is ready: JSON with a message that says "pronto". */
export function isReadyLine(line: string): boolean {
  try {
    const j = JSON.parse(line) as { msg?: unknown };
    return typeof j.msg === "string" && /\bpronto\b/i.test(j.msg);
  } catch {
    return false;
  }
}

/**
 * Spawns the bot (`command`, default `node --max-semi-space-size=1 --import tsx src/main.ts`, i.e. what `npm start`
 * runs) in HTTP mode and waits for it to say it is ready. It gets its own process group,
 * so stopping it also stops whatever npm started underneath.
 */
export async function startBotProcess(opts: {
  databaseUrl: string;
  fake: FakeSlack;
  command?: [string, ...string[]];
  env?: Record<string, string>;
  timeoutMs?: number;
}): Promise<BotProcess> {
  const port = await freePort();
  const [cmd, ...args] = opts.command ?? [
    process.execPath,
    "--max-semi-space-size=1",
    "--import",
    "tsx",
    "src/main.ts",
  ];
  const lines: string[] = [];
  const t0 = performance.now();
  const child = spawn(cmd, args, {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? ROOT,
      DATABASE_URL: opts.databaseUrl,
      SLACK_BOT_TOKEN: CHILD_BOT_TOKEN,
      SLACK_SIGNING_SECRET: CHILD_SIGNING_SECRET,
      SLACK_APP_TOKEN: "",
      SLACK_API_URL: opts.fake.url,
      PORT: String(port),
      LOG_LEVEL: "info",
      ...opts.env,
    },
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let readyCpuMs = NaN;
  const readyMs = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`il bot non è pronto dopo ${opts.timeoutMs ?? 30_000} ms:\n${lines.slice(-20).join("\n")}`)),
      opts.timeoutMs ?? 30_000,
    );
    const onText = (stream: NodeJS.ReadableStream) => {
      let buf = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          lines.push(line);
          if (isReadyLine(line)) {
            clearTimeout(timer);
            const ms = performance.now() - t0;
            try {
              readyCpuMs = processCpuMs(child.pid!);
            } catch {
              readyCpuMs = NaN;
            }
            resolve(ms);
          }
        }
      });
    };
    onText(child.stdout!);
    onText(child.stderr!);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`il bot è uscito (codice ${code}) prima di essere pronto:\n${lines.slice(-20).join("\n")}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    child,
    url,
    readyMs,
    readyCpuMs,
    lines,
    async send(body, o = {}) {
      const ts = o.timestamp ?? Math.floor(Date.now() / 1000);
      const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
      if (o.signature !== "none") {
        headers["x-slack-request-timestamp"] = String(ts);
        headers["x-slack-signature"] = signSlackBody(
          body,
          ts,
          o.signature === "bad" ? "not-the-secret" : CHILD_SIGNING_SECRET,
        );
      }
      const res = await fetch(`${url}/slack/events`, { method: "POST", headers, body });
      return { status: res.status, text: await res.text() };
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // already gone
        }
      }, 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** CPU time (user + system, all threads) a process has used so far, from /proc (Linux), in ms. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (USER_HZ = 100 on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Resident and peak memory of a process, from /proc (Linux), in MB. */
export function processMemoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}
