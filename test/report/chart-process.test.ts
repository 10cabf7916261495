import { existsSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { chartProcessPid, drawingsPerProcess } from "../../src/report/chart-process.ts";
import { barChartSpec, renderChart } from "../../src/report/charts.ts";

/** Charts are drawn in a child process, so Vega and resvg (and what resvg never frees) stay out of the bot. */

const PNG = [0x89, 0x50, 0x4e, 0x47];
const spec = (n: number) =>
  barChartSpec(`Area ${n}`, [
    { label: "1.1 Obiettivo", percent: 40 + n },
    { label: "1.2 Altro obiettivo", percent: null },
  ]);

afterEach(() => {
  delete process.env.CHART_DRAWINGS_PER_PROCESS;
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe("the chart process", () => {
  it("draws a PNG in another process, which ends after a quiet moment; this process never loads resvg", async () => {
    const image = await renderChart(spec(1), "Area 1");
    expect([...image.png.slice(0, 4)]).toEqual(PNG);
    expect(image.width).toBeGreaterThan(100);
    expect(image.title).toBe("Area 1");
    const pid = chartProcessPid();
    expect(pid).toBeDefined();
    expect(pid).not.toBe(process.pid);
    if (existsSync("/proc/self/maps")) expect(readFileSync("/proc/self/maps", "utf8")).not.toMatch(/resvg/);
    expect(await until(() => !alive(pid!), 8_000)).toBe(true);
    expect(chartProcessPid()).toBeUndefined();
  }, 20_000);

  it("draws charts asked together, in order, in one process", async () => {
    const images = await Promise.all([1, 2, 3].map((n) => renderChart(spec(n), `Area ${n}`)));
    expect(images.map((i) => i.title)).toEqual(["Area 1", "Area 2", "Area 3"]);
  }, 20_000);

  it("refuses a spec it cannot draw, with a message, and draws the next one", async () => {
    await expect(renderChart({ mark: "nonsense", encoding: 7 }, "Rotto")).rejects.toThrow(/grafico non disegnato/);
    const image = await renderChart(spec(2), "Area 2");
    expect([...image.png.slice(0, 4)]).toEqual(PNG);
  }, 20_000);

  it("is replaced by a fresh process after CHART_DRAWINGS_PER_PROCESS drawings, so it cannot grow without bound", async () => {
    expect(drawingsPerProcess({})).toBe(40);
    expect(drawingsPerProcess({ CHART_DRAWINGS_PER_PROCESS: "zero" })).toBe(40);
    process.env.CHART_DRAWINGS_PER_PROCESS = "4";
    const first = await renderChart(spec(0), "primo").then(() => chartProcessPid());
    const all = await Promise.all(Array.from({ length: 4 }, (_, n) => renderChart(spec(n % 50), `Area ${n}`)));
    expect(all).toHaveLength(4);
    const later = chartProcessPid();
    expect(later).toBeDefined();
    expect(later).not.toBe(first);
    expect(await until(() => !alive(first!), 8_000)).toBe(true);
  }, 60_000);
});
