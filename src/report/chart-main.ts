import { createInterface } from "node:readline";
import { drawChart } from "./chart-draw.ts";
import type { ChartReply, ChartRequest } from "./chart-process.ts";

/**
 * The chart process (started by chart-process.ts): one drawing request per line of
 * stdin, one reply per line of stdout, in order. It ends when stdin closes, which the bot
 * does after a quiet moment, after a number of drawings, or by exiting itself.
 */

const write = (reply: ChartReply) => process.stdout.write(`${JSON.stringify(reply)}\n`);

/**
 * resvg's images keep their pixels (about 2 MB for a chart of ours) in native memory that V8 does
 * not count, freed only when a collection finds the image unreachable and the event loop then
 * turns. Left to V8, which sees a small heap, the process grew ~2 MB per drawing (measured: 40
 * drawings, 140 -> 186 MB); with a young-generation collection after each drawing and a full one
 * every FULL_GC_EVERY it stays at ~130 MB, for ~3 ms a drawing (started with --expose-gc).
 */
const FULL_GC_EVERY = 6;
const collect = (globalThis as { gc?: (options?: { type: "minor" | "major" }) => void }).gc;
let drawnSinceFull = 0;
function releaseDrawingMemory(): void {
  if (!collect) return;
  drawnSinceFull += 1;
  if (drawnSinceFull < FULL_GC_EVERY) {
    collect({ type: "minor" });
    return;
  }
  drawnSinceFull = 0;
  collect();
}

async function handle(line: string): Promise<void> {
  let request: ChartRequest;
  try {
    request = JSON.parse(line) as ChartRequest;
  } catch {
    return; // not a request: nothing to answer
  }
  try {
    const image = await drawChart(request.spec, request.title);
    write({
      id: request.id,
      ok: true,
      png: Buffer.from(image.png).toString("base64"),
      width: image.width,
      height: image.height,
      title: image.title,
    });
  } catch (e) {
    write({ id: request.id, ok: false, message: e instanceof Error ? e.message : String(e) });
  }
  releaseDrawingMemory();
  // A turn of the event loop: the images' native memory is freed there.
  await new Promise((resolve) => setImmediate(resolve));
}

let queue = Promise.resolve();
const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  queue = queue.then(() => handle(line));
});
lines.on("close", () => {
  void queue.then(() => process.exit(0));
});
