import { Worker } from "node:worker_threads";
import { UserError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { AppError } from "../messages/errors.ts";
import { projectPath } from "../paths.ts";
import type { HeavyInput, HeavyKind, HeavyOutput } from "./heavy-jobs.ts";

/**
 * Heavy work (exports, Slack-started plan imports, the App Home scores) in one worker
 * thread, one job at a time, so the bot's own thread keeps answering commands meanwhile.
 * The thread starts on the first job and ends after a quiet minute: an idle bot carries
 * no second heap.
 *
 *   const file = await heavy.run("relazione", { format: "xlsx", asOf, now }, { key, onQueued });
 *
 * A job asked while another runs waits its turn; `onQueued` tells the caller at once, so it
 * can say "in preparazione". The same `key` asked again while queued or running joins the
 * first request instead of doing the work twice. App Home scores go before queued exports.
 */

export interface HeavyRequest {
  id: number;
  kind: string;
  input: unknown;
}

export type HeavyReply =
  | { id: number; ok: true; output: unknown }
  | { id: number; ok: false; error: { user: AppError | null; message: string; stack?: string } };

interface Job {
  id: number;
  kind: HeavyKind;
  input: unknown;
  key: string | undefined;
  promise: Promise<unknown>;
  resolve(v: unknown): void;
  reject(e: unknown): void;
  /** The thread it was sent to: only that thread's end fails it. */
  sentTo?: Worker;
}

/** Kinds that jump the queue: a person is looking at an empty App Home while they run. */
const URGENT: ReadonlySet<HeavyKind> = new Set(["home-scores"]);
/**
 * Jobs that write to the database run in a thread at nice 10, not SCHED_IDLE (heavy-worker.ts):
 * a SCHED_IDLE thread holding SQLite's write lock on a busy server can wait for the CPU for
 * seconds, and every command's write waits behind it (priority inversion). The thread is
 * replaced when the next job needs the other priority.
 */
const WRITES: ReadonlySet<HeavyKind> = new Set(["plan-import", "validazione"]);

export interface HeavyRunnerOptions {
  databaseUrl: string;
  log?: Logger;
  /** The thread ends after this long without work (default 60 s). */
  idleMs?: number;
}

export class HeavyRunner {
  private worker: Worker | undefined;
  /** The running thread's priority: SCHED_IDLE (reads only) or nice 10 (jobs that write). */
  private workerIdle = true;
  private running: Job | undefined;
  private readonly queue: Job[] = [];
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly opts: HeavyRunnerOptions) {}

  /** A job is running or waiting. */
  get busy(): boolean {
    return this.running !== undefined || this.queue.length > 0;
  }

  /** The worker thread exists now (started by a job, not yet ended for idleness). */
  get threadAlive(): boolean {
    return this.worker !== undefined;
  }

  /** A job with this key is queued or running. */
  has(key: string): boolean {
    return [this.running, ...this.queue].some((j) => j?.key === key);
  }

  run<K extends HeavyKind>(
    kind: K,
    input: HeavyInput<K>,
    opts: { key?: string; onQueued?: () => void } = {},
  ): Promise<HeavyOutput<K>> {
    if (this.closed) return Promise.reject(new Error("HeavyRunner chiuso"));
    const same = opts.key === undefined ? undefined : [this.running, ...this.queue].find((j) => j?.key === opts.key);
    if (same) {
      opts.onQueued?.();
      return same.promise as Promise<HeavyOutput<K>>;
    }
    if (this.busy) opts.onQueued?.();
    let resolve!: (v: unknown) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const job: Job = { id: this.nextId++, kind, input, key: opts.key, promise, resolve, reject };
    if (URGENT.has(kind)) {
      const firstOrdinary = this.queue.findIndex((j) => !URGENT.has(j.kind));
      this.queue.splice(firstOrdinary < 0 ? this.queue.length : firstOrdinary, 0, job);
    } else {
      this.queue.push(job);
    }
    this.pump();
    return promise as Promise<HeavyOutput<K>>;
  }

  /**
   * Refuses the queued jobs, lets the running one finish for up to `graceMs` (a shutdown
   * must end in bounded time), then ends the thread.
   */
  async close(graceMs = 10_000): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    for (const j of this.queue.splice(0)) j.reject(new Error("arresto in corso"));
    const running = this.running;
    if (running) {
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        running.promise.then(
          () => true,
          () => true,
        ),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), graceMs);
        }),
      ]);
      clearTimeout(timer);
      if (!finished) {
        const worker = this.worker;
        this.worker = undefined;
        await worker?.terminate(); // the exit handler rejects the running job
        return;
      }
    }
    await this.stopWorker();
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const job = this.queue.shift();
    if (!job) {
      this.scheduleIdleStop();
      return;
    }
    clearTimeout(this.idleTimer);
    this.running = job;
    const idle = !WRITES.has(job.kind);
    if (this.worker && this.workerIdle !== idle) {
      void this.stopWorker().then(() =>
        this.closed ? this.finish(job, () => job.reject(new Error("arresto in corso"))) : this.send(job, idle),
      );
      return;
    }
    this.send(job, idle);
  }

  private send(job: Job, idle: boolean): void {
    const worker = this.ensureWorker(idle);
    const request: HeavyRequest = { id: job.id, kind: job.kind, input: job.input };
    job.sentTo = worker;
    try {
      worker.postMessage(request);
    } catch (e) {
      this.finish(job, () => job.reject(e));
    }
  }

  private finish(job: Job, settle: () => void): void {
    if (this.running === job) this.running = undefined;
    settle();
    this.pump();
  }

  private ensureWorker(idle: boolean): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(this.opts.databaseUrl, idle);
    this.workerIdle = idle;
    worker.unref(); // the bot's server keeps the process alive, not this thread
    worker.on("message", (reply: HeavyReply) => {
      const job = this.running;
      if (!job || job.id !== reply.id) return;
      this.finish(job, () => (reply.ok ? job.resolve(reply.output) : job.reject(errorOf(reply.error))));
    });
    worker.on("error", (e) => {
      this.opts.log?.error({ err: e }, "thread dei lavori pesanti terminato con errore");
    });
    worker.on("exit", (code) => {
      if (this.worker === worker) this.worker = undefined;
      const job = this.running;
      if (job?.sentTo === worker)
        this.finish(job, () =>
          job.reject(new Error(`il thread dei lavori pesanti è terminato (codice ${code}) durante «${job.kind}»`)),
        );
    });
    this.worker = worker;
    return worker;
  }

  private scheduleIdleStop(): void {
    clearTimeout(this.idleTimer);
    if (!this.worker) return;
    this.idleTimer = setTimeout(() => void this.stopWorker(), this.opts.idleMs ?? 60_000);
    this.idleTimer.unref();
  }

  private async stopWorker(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    worker.postMessage("close");
    const timer = setTimeout(() => void worker.terminate(), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

/** A UserError crosses the thread as its code and data, and is rebuilt with the same Italian text. */
function errorOf(e: { user: AppError | null; message: string; stack?: string }): Error {
  const err = e.user !== null ? new UserError(e.user) : new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
}

/**
 * The worker from the built dist/heavy-worker.js, or (running from the TypeScript sources:
 * tests, `npm run dev`) from src through tsx, registered inside the thread: Node 20 does
 * not pass `--import tsx` on to a worker's entry.
 */
function startWorker(databaseUrl: string, idle: boolean): Worker {
  const workerData = { databaseUrl, idle };
  if (import.meta.url.endsWith(".ts")) {
    const entry = new URL("./heavy-worker.ts", import.meta.url).href;
    const tsx = import.meta.resolve("tsx/esm/api");
    const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
    return new Worker(boot, { eval: true, workerData });
  }
  return new Worker(projectPath("dist/heavy-worker.js"), { workerData });
}
