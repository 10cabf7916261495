import { existsSync } from "node:fs";
import { CHART_FONT, type ChartImage } from "./charts.ts";

/**
 * The drawing itself: a Vega-Lite spec compiled to Vega, drawn headless to SVG and
 * rasterised by resvg at 1.5 times its size. Runs only inside the chart process
 * (chart-main.ts), never in the bot: see chart-process.ts for why.
 */

const SCALE = 1.5;
/** The chart font's own files when the system has them: scanning every system font costs more than drawing a chart. */
const FONT_FILES = [
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
  "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
];
let foundFonts: string[] | undefined;
function fontFiles(): string[] {
  foundFonts ??= FONT_FILES.filter((f) => existsSync(f));
  return foundFonts.length === FONT_FILES.length ? foundFonts : [];
}

type VegaModules = {
  vl: typeof import("vega-lite");
  vega: typeof import("vega");
  Resvg: typeof import("@resvg/resvg-js").Resvg;
};
let modules: Promise<VegaModules> | undefined;

function load(): Promise<VegaModules> {
  modules ??= Promise.all([import("vega-lite"), import("vega"), import("@resvg/resvg-js")]).then(
    ([vl, vega, resvg]) => ({ vl, vega, Resvg: resvg.Resvg }),
  );
  return modules;
}

export async function drawChart(spec: Record<string, unknown>, title: string): Promise<ChartImage> {
  const { vl, vega, Resvg } = await load();
  const compiled = vl.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    const svg = await view.toSVG(SCALE);
    const files = fontFiles();
    const font = files.length
      ? { loadSystemFonts: false, fontFiles: files, defaultFontFamily: CHART_FONT }
      : { loadSystemFonts: true, defaultFontFamily: CHART_FONT };
    const rendered = new Resvg(svg, { font, background: "#ffffff" }).render();
    return {
      png: new Uint8Array(rendered.asPng()),
      width: rendered.width / SCALE,
      height: rendered.height / SCALE,
      title,
    };
  } finally {
    view.finalize();
  }
}
