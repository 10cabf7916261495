import { itPercent } from "../domain/text/italian.ts";
import { drawInChartProcess } from "./chart-process.ts";

/**
 * Charts of the Relazione as PNG: a Vega-Lite spec (pure, below) compiled to Vega, drawn
 * headless to SVG and rasterised by resvg (chart-draw.ts), in a child process of its own
 * (chart-process.ts): the bot never loads the three libraries.
 */

export interface BarDatum {
  label: string;
  /** 0..100; null = not evaluable (drawn as a note, not as a bar). */
  percent: number | null;
}

export interface TrendPoint {
  /** ISO day: the month end the figure was computed at. */
  asOf: string;
  series: string;
  percent: number | null;
}

export interface ChartImage {
  png: Uint8Array;
  width: number;
  height: number;
  /** What the chart shows, for alt text and captions. */
  title: string;
}

export const CHART_FONT = "DejaVu Sans";
const MONTHS = ["gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"];
const WIDTH = 560;
const MAX_LABEL = 48;

const clipLabel = (s: string) => (s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL - 1)}…` : s);
const pctText = (n: number) => itPercent(n, 1);

const BASE_CONFIG = {
  font: CHART_FONT,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 11, labelColor: "#222", titleColor: "#222", gridColor: "#e4e4e4" },
  title: { fontSize: 14, anchor: "start", color: "#111" },
  legend: { labelFontSize: 11, titleFontSize: 11 },
} as const;

/** Horizontal bars of % achieved, one per area or objective, with the value at the bar's end. */
export function barChartSpec(title: string, data: BarDatum[]): Record<string, unknown> {
  const values = data.map((d, i) => ({
    key: `${String(i).padStart(4, "0")} ${clipLabel(d.label)}`,
    label: clipLabel(d.label),
    percent: d.percent ?? 0,
    text: d.percent == null ? "non valutabile" : pctText(d.percent),
  }));
  const height = Math.max(60, values.length * 22);
  const y = {
    field: "key",
    type: "nominal",
    sort: null,
    axis: { title: null, labelExpr: "substring(datum.label, 5)", labelLimit: 320 },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title,
    width: WIDTH - 330,
    height,
    data: { values },
    config: BASE_CONFIG,
    encoding: {
      y,
      x: {
        field: "percent",
        type: "quantitative",
        scale: { domain: [0, 100] },
        axis: { title: "% raggiunto", values: [0, 25, 50, 75, 100] },
      },
    },
    layer: [
      { mark: { type: "bar", color: "#2f6f9f", height: 14 } },
      {
        mark: { type: "text", align: "left", dx: 4, fontSize: 10, color: "#222" },
        encoding: { text: { field: "text" } },
      },
    ],
  };
}

/** Lines of monitored completion at each month end, one per series (the Comune and its areas). */
export function trendChartSpec(title: string, points: TrendPoint[]): Record<string, unknown> {
  const values = points
    .filter((p) => p.percent != null)
    .map((p) => ({
      month: MONTHS[Number(p.asOf.slice(5, 7)) - 1] ?? p.asOf,
      order: p.asOf,
      series: p.series,
      percent: p.percent,
    }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title,
    width: WIDTH - 60,
    height: 220,
    data: { values },
    config: BASE_CONFIG,
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "month", type: "ordinal", sort: { field: "order" }, axis: { title: null, labelAngle: 0 } },
      y: { field: "percent", type: "quantitative", scale: { domain: [0, 100] }, axis: { title: "% raggiunto" } },
      color: {
        field: "series",
        type: "nominal",
        sort: null,
        legend: { title: null, orient: "bottom", columns: 2, labelLimit: 300 },
      },
    },
  };
}

/**
 * Draws a Vega-Lite spec as PNG (sharp in Word and in Slack). The drawing happens in a
 * short-lived child process (chart-process.ts): Vega and resvg cost about 100 MB of
 * resident memory and resvg does not give back what a drawing allocates, so neither
 * the bot nor its heavy-work thread ever loads them.
 */
export function renderChart(spec: Record<string, unknown>, title: string): Promise<ChartImage> {
  return drawInChartProcess(spec, title);
}

export function areaChartTitle(areaName: string): string {
  return `${areaName}: % raggiunto per obiettivo`;
}

/** The chart of one area's objectives (what /stato and the weekly digest attach). */
export function areaObjectivesChart(
  areaName: string,
  objectives: { code: string; title: string; percent: number | null }[],
): Promise<ChartImage> {
  const title = areaChartTitle(areaName);
  return renderChart(
    barChartSpec(
      title,
      objectives.map((o) => ({ label: `${o.code} ${o.title}`, percent: o.percent })),
    ),
    title,
  );
}

/** The chart /stato and the weekly digest attach: each objective of the area at the completion /stato shows. */
export function areaStatusChart(
  area: { code: string; name: string },
  objectives: { code: string; title: string; completion: number }[],
  total: number,
): Promise<ChartImage> {
  const shown = objectives.slice(0, MAX_BARS_SLACK);
  const note = total > shown.length ? ` (primi ${shown.length} di ${total})` : "";
  const title = `${area.code}. ${area.name.replace(/^\d+\.\s*/, "")}: avanzamento per obiettivo${note}`;
  return renderChart(
    barChartSpec(
      title,
      shown.map((o) => ({ label: `${o.code} ${o.title}`, percent: o.completion * 100 })),
    ),
    title,
  );
}

const MAX_BARS_SLACK = 40;
