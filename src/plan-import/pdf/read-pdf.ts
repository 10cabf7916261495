/**
 * Reads a PDF plan: the text layer with positions (pdfjs-dist, legacy build, no worker on Node)
 * and the table rulings drawn on each page, rebuilt into the neutral document model — rows and
 * columns from the rulings (merged cells where a border is missing), cells wrapping over several
 * lines joined, tables that continue on the next page joined and their repeated header dropped.
 * Text outside ruled tables becomes paragraphs, or rows split at wide gaps when it is laid out in
 * columns. A PDF without a text layer (a scan) is refused with an Italian message.
 */
import { type DocCell, type DocRow, type DocTable, type DocumentBlock, collapseSpaces } from "../document/model.ts";
import { PlanFormatError } from "../errors.ts";
import { recognisePlan } from "../layouts/recognise.ts";
import type { ParsedPlan } from "../parse-piao.ts";

interface TextItem {
  str: string;
  x: number;
  /** Baseline, PDF space (y grows upwards). */
  y: number;
  w: number;
  size: number;
}

interface Segment {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

interface PageContent {
  number: number;
  items: TextItem[];
  horizontal: Segment[];
  vertical: Segment[];
  /** Areas filled with a colour (not white): how a Gantt grid often marks its months. */
  shades: Segment[];
  images: number;
}

const TOL = 2;

// ---------------------------------------------------------------------------
// Page extraction

type Matrix = [number, number, number, number, number, number];

function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[2] * n[1],
    m[1] * n[0] + m[3] * n[1],
    m[0] * n[2] + m[2] * n[3],
    m[1] * n[2] + m[3] * n[3],
    m[0] * n[4] + m[2] * n[5] + m[4],
    m[1] * n[4] + m[3] * n[5] + m[5],
  ];
}

function apply(m: Matrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

interface PdfJs {
  OPS: Record<string, number>;
}

/** Straight horizontal and vertical strokes, and thin filled rectangles, in page space. */
function rulingsOf(
  pdfjs: PdfJs,
  fnArray: number[],
  argsArray: unknown[][],
  /** User space to the upright page (rotation undone, y upwards). */
  base: Matrix,
): {
  horizontal: Segment[];
  vertical: Segment[];
  shades: Segment[];
  images: number;
} {
  const OPS = pdfjs.OPS;
  const horizontal: Segment[] = [];
  const vertical: Segment[] = [];
  const shades: Segment[] = [];
  let images = 0;
  let ctm: Matrix = base;
  let fillColor = "#000000";
  const stack: { ctm: Matrix; fillColor: string }[] = [];
  const addSegment = (ax: number, ay: number, bx: number, by: number) => {
    if (Math.abs(ay - by) <= 0.8 && Math.abs(ax - bx) > 3)
      horizontal.push({
        x0: Math.min(ax, bx),
        x1: Math.max(ax, bx),
        y0: ay,
        y1: ay,
      });
    else if (Math.abs(ax - bx) <= 0.8 && Math.abs(ay - by) > 3)
      vertical.push({
        x0: ax,
        x1: ax,
        y0: Math.min(ay, by),
        y1: Math.max(ay, by),
      });
  };
  const addRect = (x0: number, y0: number, x1: number, y1: number) => {
    const w = Math.abs(x1 - x0);
    const h = Math.abs(y1 - y0);
    if (h <= 2.5 && w > 3)
      horizontal.push({
        x0: Math.min(x0, x1),
        x1: Math.max(x0, x1),
        y0: (y0 + y1) / 2,
        y1: (y0 + y1) / 2,
      });
    else if (w <= 2.5 && h > 3)
      vertical.push({
        x0: (x0 + x1) / 2,
        x1: (x0 + x1) / 2,
        y0: Math.min(y0, y1),
        y1: Math.max(y0, y1),
      });
    else if (w > 3 && h > 3 && !isWhite(fillColor))
      shades.push({
        x0: Math.min(x0, x1),
        x1: Math.max(x0, x1),
        y0: Math.min(y0, y1),
        y1: Math.max(y0, y1),
      });
  };
  const strokeOps = new Set([
    OPS.stroke,
    OPS.closeStroke,
    OPS.fillStroke,
    OPS.eoFillStroke,
    OPS.closeFillStroke,
    OPS.closeEOFillStroke,
  ]);
  const fillOps = new Set([OPS.fill, OPS.eoFill]);
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i]!;
    if (fn === OPS.save) stack.push({ ctm, fillColor });
    else if (fn === OPS.restore)
      ({ ctm, fillColor } = stack.pop() ?? {
        ctm: base,
        fillColor: "#000000",
      });
    else if (fn === OPS.setFillRGBColor) fillColor = String((argsArray[i] as unknown[])[0] ?? "#000000");
    else if (fn === OPS.transform) ctm = multiply(ctm, argsArray[i] as unknown as Matrix);
    else if (
      fn === OPS.paintImageXObject ||
      fn === OPS.paintInlineImageXObject ||
      fn === OPS.paintImageMaskXObject ||
      fn === OPS.paintJpegXObject
    )
      images++;
    else if (fn === OPS.constructPath) {
      const [op, data] = argsArray[i] as [number, (ArrayLike<number> | null)[]];
      const path = data?.[0];
      if (!path) continue;
      const stroke = strokeOps.has(op);
      const fill = fillOps.has(op) || op === OPS.fillStroke || op === OPS.eoFillStroke;
      if (!stroke && !fill) continue;
      // DrawOPS: 0 moveTo x y, 1 lineTo x y, 2 curveTo 6 numbers, 3 quadraticCurveTo 4, 4 closePath.
      const pts: [number, number][] = [];
      let start: [number, number] | null = null;
      let k = 0;
      const flushPoly = () => {
        if (pts.length >= 2) {
          if (stroke)
            for (let j = 1; j < pts.length; j++) addSegment(pts[j - 1]![0], pts[j - 1]![1], pts[j]![0], pts[j]![1]);
          if (fill && pts.length >= 4) {
            const xs = pts.map((p) => p[0]);
            const ys = pts.map((p) => p[1]);
            addRect(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys));
          }
        }
        pts.length = 0;
      };
      while (k < path.length) {
        const code = path[k]!;
        if (code === 0) {
          flushPoly();
          start = apply(ctm, path[k + 1]!, path[k + 2]!);
          pts.push(start);
          k += 3;
        } else if (code === 1) {
          pts.push(apply(ctm, path[k + 1]!, path[k + 2]!));
          k += 3;
        } else if (code === 2) {
          pts.push(apply(ctm, path[k + 5]!, path[k + 6]!));
          k += 7;
        } else if (code === 3) {
          pts.push(apply(ctm, path[k + 3]!, path[k + 4]!));
          k += 5;
        } else if (code === 4) {
          if (start) pts.push(start);
          k += 1;
        } else {
          break;
        }
      }
      flushPoly();
    }
  }
  return { horizontal, vertical, shades, images };
}

function isWhite(color: string): boolean {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  return !m || [m[1], m[2], m[3]].every((h) => Number.parseInt(h!, 16) >= 0xf0);
}

// ---------------------------------------------------------------------------
// Text into lines

interface Line {
  y: number;
  items: TextItem[];
  size: number;
}

function toLines(items: TextItem[]): Line[] {
  const sorted = [...items].sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: Line[] = [];
  for (const it of sorted) {
    const tol = Math.max(1.5, it.size * 0.35);
    const line = lines.find((l) => Math.abs(l.y - it.y) <= tol);
    if (line) line.items.push(it);
    else lines.push({ y: it.y, items: [it], size: it.size });
  }
  for (const l of lines) {
    l.items.sort((a, b) => a.x - b.x);
    l.size = Math.max(...l.items.map((i) => i.size));
  }
  return lines.sort((a, b) => b.y - a.y);
}

function lineText(items: TextItem[]): string {
  let s = "";
  let end = -Infinity;
  for (const it of items) {
    const gap = it.x - end;
    if (s && gap > Math.max(0.8, it.size * 0.12) && !s.endsWith(" ") && !it.str.startsWith(" ")) s += " ";
    s += it.str;
    end = it.x + it.w;
  }
  return collapseSpaces(s);
}

const BULLET = /^(?:[-–•·▪◦●■❖➢►*]|\d{1,2}[.)]|[a-z][.)])\s/;

function lineEnd(l: Line): number {
  const last = l.items[l.items.length - 1]!;
  return last.x + last.w;
}

/** Width of the first word of a line, from its item's width shared out by characters. */
function firstWordWidth(l: Line): number {
  const it = l.items[0]!;
  const word = /^\S+/.exec(it.str.trimStart())?.[0] ?? it.str;
  return it.str.length ? (it.w * word.length) / it.str.length : it.w;
}

/**
 * Lines of one cell (or of the page) into paragraphs. A line starts a new paragraph at a bullet,
 * a wider gap, or when its first word would have fitted at the end of the line above (so the
 * line above was not wrapped but ended).
 */
function paragraphsOf(lines: Line[], box?: { x0: number; x1: number }): string[] {
  return placedParagraphs(lines, box).map((p) => p.text);
}

function placedParagraphs(lines: Line[], box?: { x0: number; x1: number }): { text: string; y: number }[] {
  const out: string[] = [];
  const tops: number[] = [];
  const kept = lines.filter((l) => lineText(l.items));
  const longest = kept.length ? Math.max(...kept.map(lineEnd)) : 0;
  const left = kept.length ? Math.min(...kept.map((l) => l.items[0]!.x)) : 0;
  // In a cell, lines may run up to its right border less the padding (the same as on the left).
  const padding = box && kept.length ? Math.max(0, left - box.x0) : 0;
  const right = box ? Math.max(longest, box.x1 - padding) : longest;
  // The line pitch of wrapped text: a wider gap is space between paragraphs.
  const gaps = kept
    .slice(1)
    .map((l, i) => kept[i]!.y - l.y)
    .filter((g) => g > 0);
  const size = kept.length ? Math.max(...kept.map((l) => l.size)) : 10;
  const pitch = Math.min(gaps.length ? Math.min(...gaps) : Infinity, size * 1.25);
  let prev: Line | null = null;
  for (const l of kept) {
    const text = lineText(l.items);
    const gap = prev === null ? 0 : prev.y - l.y;
    const space = l.size * 0.28;
    const ended = prev !== null && lineEnd(prev) + space + firstWordWidth(l) * 1.2 + l.size * 0.5 < right;
    const newPara = prev === null || BULLET.test(text) || gap > pitch + Math.max(2, size * 0.22) || ended;
    if (newPara) {
      out.push(text);
      tops.push(l.y);
    } else {
      // A word longer than the column, cut where the line was full: joined again.
      const prevText = lineText(prev!.items);
      const joined = firstWordWidth(prev!) + firstWordWidth(l);
      const cut =
        !/\s/.test(prevText) &&
        right - lineEnd(prev!) < l.size * 0.6 &&
        joined > right - left - 1 &&
        /\p{L}$/u.test(prevText) &&
        /^\p{L}/u.test(text);
      out[out.length - 1] = cut ? `${out[out.length - 1]!}${text}` : `${out[out.length - 1]!} ${text}`;
    }
    prev = l;
  }
  return out.map((p, i) => ({
    text: p.replace(/^[•·▪◦●■❖➢►]\s*/, "- "),
    y: tops[i]!,
  }));
}

// ---------------------------------------------------------------------------
// Ruled tables

interface Grid {
  xs: number[];
  ys: number[]; // descending (top first)
  horizontal: Segment[];
  vertical: Segment[];
  top: number;
  bottom: number;
  left: number;
  right: number;
}

function cluster(values: number[], tol = TOL): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const out: number[] = [];
  for (const v of sorted) {
    if (out.length && v - out[out.length - 1]! <= tol) continue;
    out.push(v);
  }
  return out;
}

/** Connected groups of rulings: each is a table. */
function gridsOf(horizontal: Segment[], vertical: Segment[]): Grid[] {
  const segs = [...horizontal.map((s) => ({ s, h: true })), ...vertical.map((s) => ({ s, h: false }))];
  const parent = segs.map((_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root]!;
    parent[i] = root;
    return root;
  };
  const touches = (a: Segment, b: Segment) =>
    a.x0 - TOL <= b.x1 && b.x0 - TOL <= a.x1 && a.y0 - TOL <= b.y1 && b.y0 - TOL <= a.y1;
  for (let i = 0; i < segs.length; i++) {
    for (let j = i + 1; j < segs.length; j++) {
      if (touches(segs[i]!.s, segs[j]!.s)) parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, { h: Segment[]; v: Segment[] }>();
  for (const [i, seg] of segs.entries()) {
    const g = groups.get(find(i)) ?? { h: [], v: [] };
    (seg.h ? g.h : g.v).push(seg.s);
    groups.set(find(i), g);
  }
  const grids: Grid[] = [];
  for (const g of groups.values()) {
    const ys = cluster(g.h.map((s) => s.y0)).reverse();
    const xs = cluster(g.v.map((s) => s.x0));
    if (ys.length < 2 || xs.length < 2) continue;
    grids.push({
      xs,
      ys,
      horizontal: g.h,
      vertical: g.v,
      top: ys[0]!,
      bottom: ys[ys.length - 1]!,
      left: xs[0]!,
      right: xs[xs.length - 1]!,
    });
  }
  return grids.sort((a, b) => b.top - a.top);
}

function hasVertical(grid: Grid, x: number, yTop: number, yBottom: number): boolean {
  const mid = (yTop + yBottom) / 2;
  return grid.vertical.some((s) => Math.abs(s.x0 - x) <= TOL && s.y0 - TOL <= mid && s.y1 + TOL >= mid);
}

function hasHorizontal(grid: Grid, y: number, xLeft: number, xRight: number): boolean {
  const mid = (xLeft + xRight) / 2;
  return grid.horizontal.some((s) => Math.abs(s.y0 - y) <= TOL && s.x0 - TOL <= mid && s.x1 + TOL >= mid);
}

/** The lines and box of each cell read from a page, so a row cut by a page break can be joined again. */
const cellLines = new WeakMap<DocCell, { lines: Line[]; box: { x0: number; x1: number } }>();

interface BuiltCell {
  cell: DocCell;
  from: number; // grid column
  to: number; // exclusive
}

function buildTable(
  grid: Grid,
  items: TextItem[],
  shades: Segment[],
  where: string,
): { table: DocTable; columns: number[] } {
  const rows: BuiltCell[][] = [];
  for (let r = 0; r + 1 < grid.ys.length; r++) {
    const yTop = grid.ys[r]!;
    const yBottom = grid.ys[r + 1]!;
    if (yTop - yBottom < 1) continue;
    const cells: BuiltCell[] = [];
    let from = 0;
    for (let c = 1; c < grid.xs.length; c++) {
      if (c < grid.xs.length - 1 && !hasVertical(grid, grid.xs[c]!, yTop, yBottom)) continue;
      const x0 = grid.xs[from]!;
      const x1 = grid.xs[c]!;
      const inside = items.filter((it) => {
        const cx = it.x + Math.min(it.w, 4) / 2;
        const cy = it.y + it.size * 0.3;
        return cx >= x0 - 0.5 && cx < x1 && cy <= yTop && cy > yBottom;
      });
      const lines = toLines(inside);
      const cell: DocCell = {
        paragraphs: paragraphsOf(lines, { x0, x1 }),
        colSpan: c - from,
        rowSpan: 1,
      };
      cellLines.set(cell, { lines, box: { x0, x1 } });
      const cx = (x0 + x1) / 2;
      const cy = (yTop + yBottom) / 2;
      if (shades.some((r) => r.x0 <= cx && cx <= r.x1 && r.y0 <= cy && cy <= r.y1 && r.x1 - r.x0 < (x1 - x0) * 1.5 + 4))
        cell.shaded = true;
      // Continuation of a vertically merged cell: no border on top of it.
      if (r > 0 && !hasHorizontal(grid, yTop, x0, x1)) {
        const above = [...rows]
          .reverse()
          .map((row) => row.find((b) => b.from === from && b.to === c && !b.cell.merged))
          .find((b) => b);
        if (above) {
          above.cell.paragraphs.push(...cell.paragraphs);
          above.cell.rowSpan++;
          cell.paragraphs = [];
          cell.merged = true;
        }
      }
      cells.push({ cell, from, to: c });
      from = c;
    }
    rows.push(cells);
  }
  const table: DocTable = {
    kind: "table",
    rows: rows.map((cells): DocRow => ({ cells: cells.map((b) => b.cell) })),
    where,
  };
  return { table, columns: grid.xs };
}

// ---------------------------------------------------------------------------
// Text laid out in columns without rulings

function gapChunks(line: Line): { x: number; items: TextItem[] }[] {
  const chunks: { x: number; items: TextItem[] }[] = [];
  let end = -Infinity;
  for (const it of line.items) {
    if (!chunks.length || it.x - end > Math.max(12, it.size * 1.8)) chunks.push({ x: it.x, items: [it] });
    else chunks[chunks.length - 1]!.items.push(it);
    end = Math.max(end, it.x + it.w);
  }
  return chunks;
}

/** Paragraph lines, and runs of lines split into columns by wide gaps, as unruled tables. */
function looseBlocks(items: TextItem[], where: string): { y: number; block: DocumentBlock }[] {
  const lines = toLines(items);
  const out: { y: number; block: DocumentBlock }[] = [];
  let prose: Line[] = [];
  /** `wraps`: the line follows the one above at one line pitch, so it goes on with the same row. */
  let rowsGroup: {
    line: Line;
    chunks: { x: number; items: TextItem[] }[];
    wraps: boolean;
  }[] = [];
  const flushProse = () => {
    if (prose.length)
      for (const p of placedParagraphs(prose)) out.push({ y: p.y, block: { kind: "paragraph", text: p.text } });
    prose = [];
  };
  const flushRows = () => {
    if (rowsGroup.length >= 2) {
      const starts = cluster(
        rowsGroup.flatMap((r) => r.chunks.map((c) => c.x)),
        6,
      );
      const rows: DocRow[] = [];
      for (const r of rowsGroup) {
        const at = (x: number) => {
          let k = 0;
          for (let i = 0; i < starts.length; i++) if (starts[i]! <= x + 6) k = i;
          return k;
        };
        const placed = r.chunks.map((c) => ({
          col: at(c.x),
          text: lineText(c.items),
        }));
        const prev = rows[rows.length - 1];
        // A line with text only in later columns wraps the cells of the row above.
        if (prev && (placed[0]!.col > 0 || r.wraps) && placed.length < starts.length) {
          const grid: DocCell[] = [];
          for (const c of prev.cells) {
            grid.push(c);
            for (let k = 1; k < c.colSpan; k++) grid.push(c);
          }
          for (const p of placed) {
            const target = grid[p.col];
            if (target)
              target.paragraphs[target.paragraphs.length - 1] =
                `${target.paragraphs[target.paragraphs.length - 1] ?? ""} ${p.text}`.trim();
          }
          continue;
        }
        const cells: DocCell[] = [];
        for (const [i, p] of placed.entries()) {
          const next = placed[i + 1]?.col ?? starts.length;
          if (i === 0 && p.col > 0) cells.push({ paragraphs: [], colSpan: p.col, rowSpan: 1 });
          cells.push({
            paragraphs: [p.text],
            colSpan: Math.max(1, next - p.col),
            rowSpan: 1,
          });
        }
        rows.push({ cells });
      }
      out.push({
        y: rowsGroup[0]!.line.y,
        block: { kind: "table", rows, where },
      });
    } else {
      prose.push(...rowsGroup.map((r) => r.line));
    }
    rowsGroup = [];
  };
  for (const line of lines) {
    const chunks = gapChunks(line);
    const above = rowsGroup[rowsGroup.length - 1]?.line;
    const wraps = !!above && above.y - line.y <= Math.max(above.size, line.size) * 1.3;
    // An empty line's worth of space ends a table.
    if (above && above.y - line.y > Math.max(above.size, line.size) * 2.3) {
      flushRows();
      flushProse();
    }
    if (chunks.length >= 2 || (rowsGroup.length > 0 && (chunks[0]!.x > rowsGroup[0]!.chunks[0]!.x + 12 || wraps))) {
      if (!rowsGroup.length) flushProse();
      rowsGroup.push({ line, chunks, wraps: chunks.length === 1 && wraps });
    } else {
      if (rowsGroup.length) {
        flushRows();
        flushProse();
      }
      prose.push(line);
    }
  }
  flushRows();
  flushProse();
  return out;
}

// ---------------------------------------------------------------------------
// Pages into blocks

interface PageBlocks {
  blocks: {
    y: number;
    block: DocumentBlock;
    columns?: number[];
    bottom?: number;
    top?: number;
  }[];
}

function pageBlocks(page: PageContent): PageBlocks {
  const grids = gridsOf(page.horizontal, page.vertical);
  const where = `pagina ${page.number}`;
  const used = new Set<TextItem>();
  const blocks: PageBlocks["blocks"] = [];
  for (const g of grids) {
    const inside = page.items.filter((it) => {
      const cx = it.x + Math.min(it.w, 4) / 2;
      const cy = it.y + it.size * 0.3;
      return cx >= g.left - 0.5 && cx <= g.right + 0.5 && cy <= g.top && cy >= g.bottom;
    });
    for (const it of inside) used.add(it);
    const { table, columns } = buildTable(g, inside, page.shades, where);
    if (table.rows.length)
      blocks.push({
        y: g.top,
        block: table,
        columns,
        bottom: g.bottom,
        top: g.top,
      });
  }
  const rest = page.items.filter((it) => !used.has(it));
  blocks.push(...looseBlocks(rest, where));
  blocks.sort((a, b) => b.y - a.y);
  return { blocks };
}

/** Same outer borders: the same table going on (some inner borders may show on one page only). */
function sameFrame(a: number[] | undefined, b: number[] | undefined): boolean {
  return !!a && !!b && Math.abs(a[0]! - b[0]!) <= 3 && Math.abs(a[a.length - 1]! - b[b.length - 1]!) <= 3;
}

/** Column spans measured again on a common set of column borders. */
function regrid(table: DocTable, xs: number[]): void {
  const nearest = (x: number) => {
    let best = 0;
    for (let i = 1; i < xs.length; i++) if (Math.abs(xs[i]! - x) < Math.abs(xs[best]! - x)) best = i;
    return best;
  };
  for (const row of table.rows) {
    for (const c of row.cells) {
      const box = cellLines.get(c)?.box;
      if (box) c.colSpan = Math.max(1, nearest(box.x1) - nearest(box.x0));
    }
  }
}

const STARTS_LOWER = /^[a-zà-ù(,;:.)\]]/;

type CellLines = { lines: Line[]; box: { x0: number; x1: number } };

/** The cell above ended its last line because the next word (first of the cell below) did not fit. */
function lineWasFull(above: CellLines | undefined, below: CellLines | undefined): boolean {
  if (!above?.lines.length || !below?.lines.length) return false;
  const last = above.lines[above.lines.length - 1]!;
  const left = Math.min(...above.lines.map((l) => l.items[0]!.x));
  const right = above.box.x1 - Math.max(0, left - above.box.x0);
  return lineEnd(last) + last.size * 0.28 + firstWordWidth(below.lines[0]!) >= right - 1;
}

function rowText(row: DocRow): string {
  return collapseSpaces(row.cells.map((c) => c.paragraphs.join(" ")).join(" "));
}

function rowKey(row: DocRow): string {
  return row.cells.map((c) => c.paragraphs.join(" ")).join("\t");
}

/** Tables continuing on the next page become one; a row split by the page break is joined again. */
function joinPages(pages: PageBlocks[], bodyBottom: number, lastLineSize: number): DocumentBlock[] {
  const out: DocumentBlock[] = [];
  let last: { table: DocTable; columns: number[]; bottom: number } | null = null;
  for (const page of pages) {
    let atTop = true;
    for (const b of page.blocks) {
      const top = atTop;
      atTop = false;
      // A header row of the table going on, printed again at the top of the page as plain text.
      const previous = out[out.length - 1];
      if (top && b.block.kind === "paragraph" && previous?.kind === "table") {
        const text = collapseSpaces(b.block.text);
        if (previous.rows.slice(0, 3).some((r) => rowText(r) === text)) {
          atTop = true;
          continue;
        }
      }
      if (
        b.block.kind === "table" &&
        top &&
        last &&
        out[out.length - 1] === last.table &&
        sameFrame(last.columns, b.columns)
      ) {
        const xs = cluster([...last.columns, ...b.columns!], 3);
        if (xs.length !== last.columns.length || xs.length !== b.columns!.length) {
          regrid(last.table, xs);
          regrid(b.block, xs);
          last.columns = xs;
        }
        const rows = [...b.block.rows];
        // The header printed again at the top of the page.
        const head = last.table.rows.slice(0, 3).map(rowKey);
        while (rows.length && head.includes(rowKey(rows[0]!))) rows.shift();
        const first = rows[0];
        const prev = last.table.rows[last.table.rows.length - 1];
        // A row cut by the page break ends within a couple of lines of the bottom margin.
        const endedAtBottom = last.bottom <= bodyBottom + 2.5 * lastLineSize;
        if (
          first &&
          prev &&
          endedAtBottom &&
          first.cells.length === prev.cells.length &&
          first.cells.every((c, k) => c.colSpan === prev.cells[k]!.colSpan)
        ) {
          const firstTexts = first.cells.map((c) => c.paragraphs[0] ?? "");
          // The row goes on if a cell goes on in lower case, if the code column is left empty,
          // or if every filled cell continues a cell whose last line was full (its next word did not fit).
          const filled = first.cells
            .map((c, k) => [c, prev.cells[k]!] as const)
            .filter(([c]) => c.paragraphs.length > 0);
          const wrapped =
            filled.length > 0 && filled.every(([c, p]) => lineWasFull(cellLines.get(p), cellLines.get(c)));
          const continues =
            firstTexts.some((t) => STARTS_LOWER.test(t)) ||
            (!firstTexts[0] && !!prev.cells[0]!.paragraphs.length) ||
            wrapped;
          if (continues) {
            for (const [k, c] of first.cells.entries()) {
              const p = prev.cells[k]!;
              if (!c.paragraphs.length) continue;
              const above = cellLines.get(p);
              const below = cellLines.get(c);
              if (above && below && above.lines.length && below.lines.length) {
                // The cell's lines go on after the last one above, one line pitch lower.
                const last = above.lines[above.lines.length - 1]!;
                const shift = last.y - last.size * 1.15 - below.lines[0]!.y;
                const moved = below.lines.map((l) => ({
                  ...l,
                  y: l.y + shift,
                  items: l.items.map((it) => ({ ...it, y: it.y + shift })),
                }));
                const lines = [...above.lines, ...moved];
                p.paragraphs = paragraphsOf(lines, above.box);
                cellLines.set(p, { lines, box: above.box });
              } else {
                p.paragraphs.push(...c.paragraphs);
              }
            }
            rows.shift();
          }
        }
        last.table.rows.push(...rows);
        last.bottom = b.bottom ?? last.bottom;
        continue;
      }
      // A table without rulings whose header row is printed again at the top of the page.
      const before = out[out.length - 1];
      if (
        b.block.kind === "table" &&
        !b.columns &&
        top &&
        before?.kind === "table" &&
        b.block.rows.length &&
        before.rows.length
      ) {
        const head = before.rows.slice(0, 3).map(rowText);
        if (head.includes(rowText(b.block.rows[0]!))) {
          const rows = [...b.block.rows];
          while (rows.length && head.includes(rowText(rows[0]!))) rows.shift();
          before.rows.push(...rows);
          continue;
        }
      }
      out.push(b.block);
      last =
        b.block.kind === "table" && b.columns ? { table: b.block, columns: b.columns, bottom: b.bottom ?? 0 } : null;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------

/**
 * Page furniture: running headers and footers (the same text at the same height on most pages,
 * page numbers counted as one) above or below the page's tables. Dropped, so a table going on
 * over a page break still joins up.
 */
function dropRunningLines(pages: PageContent[]): void {
  if (pages.length < 3) return;
  const key = (it: TextItem) => `${Math.round(it.y / 2)}|${it.str.replace(/\d+/g, "#").trim()}`;
  const seen = new Map<string, number>();
  for (const p of pages) for (const k of new Set(p.items.map(key))) seen.set(k, (seen.get(k) ?? 0) + 1);
  const threshold = Math.max(3, pages.length * 0.6);
  for (const p of pages) {
    const ys = [...p.horizontal.map((s) => s.y0), ...p.vertical.flatMap((s) => [s.y0, s.y1])];
    const top = ys.length ? Math.max(...ys) : Number.NEGATIVE_INFINITY;
    const bottom = ys.length ? Math.min(...ys) : Number.POSITIVE_INFINITY;
    p.items = p.items.filter((it) => {
      if ((seen.get(key(it)) ?? 0) < threshold) return true;
      const outside = ys.length === 0 || it.y > top + 1 || it.y < bottom - 1;
      return !outside;
    });
  }
}

export async function readPdfBlocks(data: Uint8Array, sourceName: string): Promise<DocumentBlock[]> {
  const pdfjs = (await import("pdfjs-dist/legacy/build/pdf.mjs")) as unknown as PdfJs & {
    getDocument(src: object): { promise: Promise<PdfDocument> };
  };
  let doc: PdfDocument;
  try {
    // pdfjs takes ownership of the buffer: give it a copy.
    doc = await pdfjs.getDocument({
      data: new Uint8Array(data),
      disableWorker: true,
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      verbosity: 0,
      stopAtErrors: false,
    }).promise;
  } catch (err) {
    const name = (err as { name?: string }).name ?? "";
    const reason =
      name === "PasswordException" ? "password" : name === "InvalidPDFException" ? "invalid_pdf" : "unopenable";
    throw new PlanFormatError({ code: "document_broken", source: sourceName, format: "pdf", reason });
  }
  try {
    const pages: PageContent[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const [content, ops] = await Promise.all([page.getTextContent(), page.getOperatorList()]);
      // A page printed with /Rotate (landscape tables): positions as the page is read.
      const viewport = page.getViewport({ scale: 1 });
      const base = multiply([1, 0, 0, -1, 0, viewport.height], viewport.transform as Matrix);
      const items: TextItem[] = [];
      for (const raw of content.items) {
        if (!("str" in raw) || !raw.str?.trim()) continue;
        const t = raw.transform;
        const size = Math.hypot(t[2]!, t[3]!) || raw.height || 10;
        const [x, y] = apply(base, t[4]!, t[5]!);
        items.push({ str: raw.str, x, y, w: raw.width, size });
      }
      const rulings = rulingsOf(pdfjs, ops.fnArray, ops.argsArray as unknown[][], base);
      pages.push({ number: n, items, ...rulings });
      page.cleanup();
    }
    const chars = pages.reduce((s, p) => s + p.items.reduce((k, it) => k + it.str.trim().length, 0), 0);
    if (chars < 20) {
      if (pages.some((p) => p.images > 0))
        throw new PlanFormatError({ code: "document_scanned", source: sourceName, pages: pages.length });
      throw new PlanFormatError({ code: "document_empty", source: sourceName });
    }
    dropRunningLines(pages);
    const perPage = pages.map(pageBlocks);
    const bottoms = pages.flatMap((p) => p.horizontal.map((s) => s.y0));
    const bodyBottom = bottoms.length ? Math.min(...bottoms) : 0;
    const sizes = pages.flatMap((p) => p.items.map((it) => it.size)).sort((a, b) => a - b);
    return joinPages(perPage, bodyBottom, sizes[Math.floor(sizes.length / 2)] ?? 10);
  } finally {
    await doc.destroy();
  }
}

interface PdfDocument {
  numPages: number;
  getPage(n: number): Promise<{
    getTextContent(): Promise<{
      items: ({ str: string; transform: number[]; width: number; height: number } | { type: string })[];
    }>;
    getOperatorList(): Promise<{ fnArray: number[]; argsArray: unknown[] }>;
    cleanup(): void;
    getViewport(opts: { scale: number }): { width: number; height: number; transform: number[] };
  }>;
  destroy(): Promise<void>;
}

export async function readPdfPlan(data: Uint8Array, sourceName: string): Promise<ParsedPlan> {
  const blocks = await readPdfBlocks(data, sourceName);
  return recognisePlan(blocks, sourceName);
}
