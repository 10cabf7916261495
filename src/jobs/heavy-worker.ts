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
 * On Linux a thread has its own nice value: this one yields the CPU to the bot's thread, so
 * on a small shared server a long export slows the commands as little as possible. Where
 * that is not possible (another OS) the work simply runs at normal priority.
 */
function yieldToTheBot(): void {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10);
  } catch {
    // not Linux, or not allowed: normal priority
  }
}

yieldToTheBot();
const port = parentPort;
if (!port) throw new Error("heavy-worker: va avviato come worker thread (jobs/heavy.ts)");
const { databaseUrl } = workerData as { databaseUrl: string };
const opened = await openDatabase(databaseUrl, { pageCacheKiB: BULK_READ_PAGE_CACHE_KIB });

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
