/**
 * The neutral shape of a plan document, whatever file it came from: paragraphs and tables in
 * reading order. The Word and PDF readers produce it; the layout recognisers read it and never
 * know which format it was. Pure.
 */

export interface DocParagraph {
  kind: "paragraph";
  text: string;
  /** A list item ("- …" in the text form). */
  list?: boolean;
}

export interface DocCell {
  /** The cell's paragraphs (list items start with "- "), spaces collapsed. */
  paragraphs: string[];
  colSpan: number;
  rowSpan: number;
  /** A vertically merged cell's continuation: its text is in the cell above. */
  merged?: boolean;
  /** Filled with a colour (how Gantt grids often mark a month). */
  shaded?: boolean;
  /** Tables nested in the cell, in order. */
  tables?: DocTable[];
  /** The cell's paragraphs and nested tables in reading order, when it holds tables. */
  content?: DocumentBlock[];
}

export interface DocRow {
  cells: DocCell[];
}

export interface DocTable {
  kind: "table";
  rows: DocRow[];
  /** Where it was found, for reports: "pagina 3" (PDF) or "" (Word). */
  where?: string;
}

export type DocumentBlock = DocParagraph | DocTable;

export function collapseSpaces(s: string): string {
  return s.replace(/[\s\u00A0\u2007\u202F]+/g, " ").trim();
}

export function cellText(cell: DocCell | undefined): string {
  return cell ? collapseSpaces(cell.paragraphs.join(" ")) : "";
}

/** The row as the grid sees it: a cell spanning n columns, then n-1 empty cells. */
export function gridCells(row: DocRow): DocCell[] {
  const out: DocCell[] = [];
  for (const c of row.cells) {
    out.push(c);
    for (let i = 1; i < c.colSpan; i++) out.push({ paragraphs: [], colSpan: 1, rowSpan: 1, merged: true });
  }
  return out;
}

export function rowTexts(row: DocRow): string[] {
  return row.cells.map(cellText);
}

/** Every table, nested ones included (after their parent), in reading order. */
export function allTables(blocks: DocumentBlock[]): DocTable[] {
  const out: DocTable[] = [];
  const visit = (t: DocTable) => {
    out.push(t);
    for (const r of t.rows) for (const c of r.cells) for (const n of c.tables ?? []) visit(n);
  };
  for (const b of blocks) if (b.kind === "table") visit(b);
  return out;
}

/** Nested tables lifted next to their parent, so recognisers see one flat sequence. */
export function flattenBlocks(blocks: DocumentBlock[]): DocumentBlock[] {
  const out: DocumentBlock[] = [];
  for (const b of blocks) {
    if (b.kind === "paragraph") {
      out.push(b);
      continue;
    }
    // A table of one cell that holds tables is page layout: its content stands for it.
    const only = b.rows.length === 1 && b.rows[0]!.cells.length === 1 ? b.rows[0]!.cells[0]! : null;
    if (only?.content && only.tables?.length) {
      out.push(...flattenBlocks(only.content));
      continue;
    }
    const nested: DocTable[] = [];
    const rows = b.rows.map((r) => ({
      cells: r.cells.map((c) => {
        if (c.tables?.length) nested.push(...c.tables);
        return { ...c, tables: undefined, content: undefined };
      }),
    }));
    out.push({ ...b, rows });
    out.push(...flattenBlocks(nested));
  }
  return out;
}
