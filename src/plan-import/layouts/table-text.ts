/**
 * The document model written as the tab-separated text export the PIAO text parser reads:
 * one line per table row (grid columns kept, merged cells as empty ones), cells with several
 * paragraphs as <p>…</p>, a blank line between blocks. Lets the Leggiuno layout be read by the
 * very same parser as the text import, so both give the same plan. Pure.
 */
import { type DocCell, type DocumentBlock, gridCells } from "../document/model.ts";

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function cellToText(cell: DocCell): string {
  const ps = cell.paragraphs.map((p) => p.replace(/[\t\r\n]+/g, " ").trim()).filter((p) => p.length > 0);
  if (ps.length === 0) return "";
  if (ps.length === 1 && !/[<&]/.test(ps[0]!)) return ps[0]!;
  return ps.map((p) => `<p>${escapeHtml(p)}</p>`).join(" ");
}

export function blocksToTabText(blocks: DocumentBlock[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    if (b.kind === "paragraph") {
      out.push(b.list ? `- ${b.text}` : b.text, "");
      continue;
    }
    for (const row of b.rows) {
      const cells = gridCells(row).map((c) => (c.merged ? "" : cellToText(c)));
      // A one-column table still reads as a table row.
      if (cells.length === 1) cells.push("");
      out.push(cells.join("\t"));
    }
    out.push("");
  }
  return out.join("\n");
}
