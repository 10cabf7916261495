import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { envSchema } from "../env.ts";
import { projectPath } from "../paths.ts";
import type { ChartImage } from "./charts.ts";

/**
 * Charts are drawn in a child process of their own, started on the first drawing and
 * ended after a quiet moment. Vega, Vega-Lite and resvg together take about 100 MB of
 * resident memory, which in the bot's process would stay for good; in a child it leaves when
 * the child ends. The child collects the native memory of each drawing (chart-main.ts), and is
 * replaced after CHART_DRAWINGS_PER_PROCESS drawings (40 by default) all the same, so a leak
 * in Vega or resvg cannot make it grow without bound.
 *
 *   const image = await drawInChartProcess(barChartSpec(title, data), title);
 *
 * Requests go one per line of JSON on the child's stdin, one at a time, and come back on
 * its stdout; the drawings of a Word Relazione or of a digest share one child.
 */

export interface ChartRequest {
  id: number;
  spec: Record<string, unknown>;
  title: string;
}

export type ChartReply =
  | { id: number; ok: true; png: string; width: number; height: number; title: string }
  | { id: number; ok: false; message: string };

/** The child ends after this long without a drawing to do. */
const IDLE_MS = 2_000;
/** A drawing that takes longer means the child is stuck: it is ended and the drawing fails. */
const DRAWING_TIMEOUT_MS = 60_000;

/** How many drawings a child makes before it is replaced (CHART_DRAWINGS_PER_PROCESS, validated at start-up by env.ts). */
export function drawingsPerProcess(env: NodeJS.ProcessEnv = process.env): number {
  const field = envSchema.shape.CHART_DRAWINGS_PER_PROCESS;
  const parsed = field.safeParse(env.CHART_DRAWINGS_PER_PROCESS);
  return parsed.success ? parsed.data : field.parse(undefined);
}

interface Pending {
  resolve(image: ChartImage): void;
  reject(error: Error): void;
  /** Set when the request is sent to the child. */
  timer: NodeJS.Timeout | undefined;
}

/** What starts the child: the built file once built, the TypeScript source under tsx (tests, `npm run dev`). */
function childCommand(): { cmd: string; args: string[] } {
  if (import.meta.url.endsWith(".ts"))
    return {
      cmd: process.execPath,
      args: ["--import", "tsx", fileURLToPath(new URL("./chart-main.ts", import.meta.url))],
    };
  return { cmd: process.execPath, args: [projectPath("dist/chart-render.js")] };
}

class ChartChild {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private idleTimer: NodeJS.Timeout | undefined;
  private stderrTail = "";
  /** Requests not yet sent, and the one the child is drawing. */
  private readonly waiting: ChartRequest[] = [];
  private drawing: number | undefined;
  /** Resolves when the process has ended. */
  readonly exited: Promise<void>;
  get pid(): number | undefined {
    return this.child.pid;
  }
  /** Drawings sent to this child so far. */
  sent = 0;
  ended = false;

  constructor(private readonly onEnd: (c: ChartChild) => void) {
    const { cmd, args } = childCommand();
    this.child = spawn(cmd, ["--max-old-space-size=512", "--expose-gc", ...args], {
      cwd: projectPath("."),
      // GLIBC_TUNABLES as `npm start` sets it (decision 0017): large blocks go back to the system when freed.
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        ...(process.env.GLIBC_TUNABLES ? { GLIBC_TUNABLES: process.env.GLIBC_TUNABLES } : {}),
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const kill = () => this.child.kill("SIGKILL");
    process.once("exit", kill);
    this.exited = new Promise((resolve) => this.child.once("close", () => resolve()));
    this.child.on("exit", (code, signal) => {
      process.removeListener("exit", kill);
      this.end(
        new Error(
          `il processo dei grafici è terminato (${signal ?? `codice ${code}`})${this.stderrTail ? `: ${this.stderrTail.trim()}` : ""}`,
        ),
      );
    });
    this.child.on("error", (e) => this.end(e));
    this.child.stdin?.on("error", () => undefined); // a child gone: its exit handler rejects what waits
    this.child.stderr?.on("data", (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString("utf8")).slice(-2_000);
    });
    createInterface({ input: this.child.stdout! }).on("line", (line) => this.reply(line));
  }

  draw(id: number, spec: Record<string, unknown>, title: string): Promise<ChartImage> {
    clearTimeout(this.idleTimer);
    this.sent += 1;
    this.ref(true);
    return new Promise<ChartImage>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, timer: undefined });
      this.waiting.push({ id, spec, title });
      this.sendNext();
    });
  }

  /**
   * One request at a time: asked back to back, the child's resident memory doubled
   * (measured: ~240 MB against ~130 MB for the same eight charts sent one after the other).
   */
  private sendNext(): void {
    if (this.drawing !== undefined) return;
    let request = this.waiting.shift();
    // A request whose promise has already failed (timeout) is not sent.
    while (request && !this.pending.has(request.id)) request = this.waiting.shift();
    if (!request) return;
    const p = this.pending.get(request.id)!;
    this.drawing = request.id;
    p.timer = setTimeout(() => {
      p.reject(new Error(`grafico «${request.title}» non disegnato entro ${DRAWING_TIMEOUT_MS / 1000} s`));
      this.pending.delete(request.id);
      this.child.kill("SIGKILL");
    }, DRAWING_TIMEOUT_MS);
    this.child.stdin?.write(`${JSON.stringify(request)}\n`);
  }

  /**
   * No more drawings for this child: it finishes what it was given and exits. Until then it
   * holds the process open, since the next drawing may be waiting for it to go (a CLI run
   * with nothing else to do would otherwise end there, its drawing never made).
   */
  retire(): Promise<void> {
    this.ended = true;
    clearTimeout(this.idleTimer);
    this.onEnd(this);
    this.ref(true);
    this.closeWhenDrained();
    return this.exited;
  }

  private closeWhenDrained(): void {
    if (this.ended && this.drawing === undefined && this.waiting.length === 0) this.child.stdin?.end();
  }

  private reply(line: string): void {
    let reply: ChartReply;
    try {
      reply = JSON.parse(line) as ChartReply;
    } catch {
      return;
    }
    if (this.drawing === reply.id) this.drawing = undefined;
    const p = this.pending.get(reply.id);
    this.sendNext();
    this.closeWhenDrained();
    if (!p) return;
    this.pending.delete(reply.id);
    clearTimeout(p.timer);
    if (reply.ok)
      p.resolve({
        png: Buffer.from(reply.png, "base64"),
        width: reply.width,
        height: reply.height,
        title: reply.title,
      });
    else p.reject(new Error(`grafico non disegnato: ${reply.message}`));
    if (this.pending.size === 0) this.rest();
  }

  /** Nothing to draw: the child may not keep the bot (or a CLI run) alive, and ends if nothing comes. */
  private rest(): void {
    if (this.ended) return; // retiring: it holds the process open until it has gone
    this.ref(false);
    this.idleTimer = setTimeout(() => void this.retire(), IDLE_MS);
    this.idleTimer.unref();
  }

  private ref(on: boolean): void {
    for (const h of [this.child, this.child.stdout, this.child.stderr, this.child.stdin] as (
      | { ref?(): void; unref?(): void }
      | null
      | undefined
    )[]) {
      if (on) h?.ref?.();
      else h?.unref?.();
    }
  }

  private end(error: Error): void {
    if (!this.ended) {
      this.ended = true;
      this.onEnd(this);
    }
    clearTimeout(this.idleTimer);
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.pending.clear();
    this.waiting.length = 0;
  }
}

let current: ChartChild | undefined;
/** The child that has drawn its share and is finishing: the next one starts once it has gone (one at a time). */
let retiring: Promise<void> = Promise.resolve();
let nextId = 1;

/** Draws one chart in the chart process (started if none runs, replaced when it has drawn enough). */
export async function drawInChartProcess(spec: Record<string, unknown>, title: string): Promise<ChartImage> {
  if (current && current.sent >= drawingsPerProcess()) retiring = current.retire();
  if (!current || current.ended) {
    await retiring;
    if (!current || current.ended)
      current = new ChartChild((c) => {
        if (current === c) current = undefined;
      });
  }
  return current.draw(nextId++, spec, title);
}

/** The chart process taking drawings now, if one runs (tests, diagnostics). */
export function chartProcessPid(): number | undefined {
  return current && !current.ended ? current.pid : undefined;
}
