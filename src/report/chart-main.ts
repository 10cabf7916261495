import { createInterface } from "node:readline";
import { drawChart } from "./chart-draw.ts";
import type { ChartReply, ChartRequest } from "./chart-process.ts";

/**
 * The chart process (started by chart-process.ts): one drawing request per line of
 * stdin, one reply per line of stdout, in order. It ends when stdin closes, which the bot
 * does after a quiet moment, after a number of drawings, or by exiting itself.
 */

const write = (reply: ChartReply) => process.stdout.write(`${JSON.stringify(reply)}\n`);

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
}

let queue = Promise.resolve();
const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  queue = queue.then(() => handle(line));
});
lines.on("close", () => {
  void queue.then(() => process.exit(0));
});
