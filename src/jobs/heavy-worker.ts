import { spawnSync } from "node:child_process";
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { BULK_READ_PAGE_CACHE_KIB, openDatabase } from "../db/client.ts";
import { UserError } from "../errors.ts";
import { HEAVY_JOBS, type HeavyKind } from "./heavy-jobs.ts";
import type { HeavyReply, HeavyRequest } from "./heavy.ts";

/**
 * The heavy-work thread: its own database connection (WAL lets it read while the bot
 * writes), one job at a time as the runner sends them, results back as messages (file
 * bytes transferred, not copied). "close" closes the database and lets the thread end.
 */

/**
 * On Linux a thread has its own scheduling policy: this one runs as SCHED_IDLE, so on a small
 * shared server a long export uses only the CPU nobody else wants. A nice value is not enough:
 * measured on two cores during the 100,000-activity XLSX, at nice 10 or 19 the `/obiettivo` p99
 * stayed 2-2.6x its idle p99, because a nice thread keeps the CPU for the rest of its slice when
 * the bot's thread wakes; a SCHED_IDLE thread gives it up at once (1.2-1.3x). Node has no call
 * for the policy, so util-linux's `chrt` sets it (on every Linux distribution); without it the
 * thread falls back to nice 10, and on another OS it runs at normal priority. Processes this
 * thread starts (the chart process) inherit the policy. A thread for jobs that write (`idle`
 * false, jobs/heavy.ts) stays at nice 10: SCHED_IDLE must never hold SQLite's write lock.
 */
function yieldToTheBot(idle: boolean): void {
  let tid: number;
  try {
    tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
  } catch {
    return; // not Linux: normal priority
  }
  if (!Number.isInteger(tid) || tid <= 0) return;
  const made = idle && spawnSync("chrt", ["--idle", "--pid", "0", String(tid)], { stdio: "ignore", timeout: 5_000 });
  if (made && made.status === 0) return;
  try {
    setPriority(tid, 10);
  } catch {
    // not allowed: normal priority
  }
}

const { databaseUrl, idle } = workerData as { databaseUrl: string; idle: boolean };
yieldToTheBot(idle);
const port = parentPort;
if (!port) throw new Error("heavy-worker: va avviato come worker thread (jobs/heavy.ts)");
// The bot migrated the database before starting this thread: no write lock taken here.
const opened = await openDatabase(databaseUrl, { pageCacheKiB: BULK_READ_PAGE_CACHE_KIB, migrate: false });

function transferables(output: unknown): ArrayBuffer[] {
  const bytes = (output as { bytes?: unknown } | null)?.bytes;
  // Only a buffer of its own: a small Buffer lives in a shared pool that must not be detached.
  if (
    bytes instanceof Uint8Array &&
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer
  )
    return [bytes.buffer];
  return [];
}

port.on("message", (msg: HeavyRequest | "close") => {
  if (msg === "close") {
    void opened.close().finally(() => port.close());
    return;
  }
  void run(msg);
});

async function run({ id, kind, input }: HeavyRequest): Promise<void> {
  let reply: HeavyReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const job = HEAVY_JOBS[kind as HeavyKind] as (ctx: { db: typeof opened.db }, input: unknown) => Promise<unknown>;
    if (!job) throw new Error(`lavoro sconosciuto: ${kind}`);
    const output = await job({ db: opened.db }, input);
    transfer = transferables(output);
    reply = { id, ok: true, output };
  } catch (e) {
    reply = {
      id,
      ok: false,
      error: {
        user: e instanceof UserError ? e.error : null,
        message: e instanceof Error ? e.message : String(e),
        stack: e instanceof Error ? e.stack : undefined,
      },
    };
  }
  port!.postMessage(reply, transfer);
}
