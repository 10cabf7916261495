/**
 * Reads a Word (.docx) plan: the OOXML of word/document.xml (unzipped with jszip, loaded on first
 * use), walked directly into the neutral document model (paragraphs, tables with merged cells,
 * lists and nested tables in cells), then handed to the layout recognisers.
 */
import { type DocCell, type DocRow, type DocTable, type DocumentBlock, collapseSpaces } from "../document/model.ts";
import type { DocumentBrokenReason } from "../../messages/errors.ts";
import { PlanFormatError } from "../errors.ts";
import { recognisePlan } from "../layouts/recognise.ts";
import type { ParsedPlan } from "../parse-piao.ts";
import { parseXml } from "./xml.ts";

// Minimal structural view of the DOM nodes we walk (xmldom's own types are much wider).
interface XNode {
  nodeType: number;
  localName?: string | null;
  childNodes: ArrayLike<XNode>;
  nodeValue?: string | null;
  getAttribute?(name: string): string | null;
}

const ELEMENT = 1;

function children(node: XNode): XNode[] {
  const out: XNode[] = [];
  const list = node.childNodes;
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (c.nodeType === ELEMENT) out.push(c);
  }
  return out;
}

function child(node: XNode, name: string): XNode | undefined {
  return children(node).find((c) => c.localName === name);
}

function attr(node: XNode | undefined, name: string): string | null {
  return node?.getAttribute?.(`w:${name}`) ?? node?.getAttribute?.(name) ?? null;
}

/** Text of a paragraph: runs, hyperlinks, fields, insertions; not deletions, not text boxes. */
function paragraphLines(p: XNode): string[] {
  let text = "";
  const walk = (n: XNode) => {
    for (const c of children(n)) {
      switch (c.localName) {
        case "t":
          text += textOf(c);
          break;
        case "tab":
        case "ptab":
          text += " ";
          break;
        case "br":
        case "cr":
          text += "\n";
          break;
        case "noBreakHyphen":
          text += "-";
          break;
        case "sym":
          break;
        case "del":
        case "moveFrom":
        case "txbxContent":
        case "Fallback":
        case "pPr":
        case "rPr":
        case "instrText":
        case "delText":
          break;
        default:
          walk(c);
      }
    }
  };
  walk(p);
  return text
    .split("\n")
    .map(collapseSpaces)
    .filter((l) => l.length > 0);
}

function textOf(n: XNode): string {
  let s = "";
  const list = n.childNodes;
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (c.nodeType === 3 || c.nodeType === 4) s += c.nodeValue ?? "";
  }
  return s;
}

function isListItem(p: XNode): boolean {
  const pPr = child(p, "pPr");
  if (!pPr) return false;
  if (child(pPr, "numPr")) return true;
  const style = attr(child(pPr, "pStyle"), "val") ?? "";
  return /^(?:List|Elenco)/i.test(style);
}

/** Paragraphs and nested tables of a container (body, cell, structured tag), in order. */
function readContent(
  container: XNode,
  into: {
    paragraphs: (lines: string[], list: boolean) => void;
    table: (t: DocTable) => void;
  },
) {
  for (const c of children(container)) {
    if (c.localName === "p") {
      into.paragraphs(paragraphLines(c), isListItem(c));
    } else if (c.localName === "tbl") {
      into.table(readTable(c));
    } else if (c.localName === "sdt") {
      const content = child(c, "sdtContent");
      if (content) readContent(content, into);
    } else if (c.localName === "customXml" || c.localName === "ins" || c.localName === "moveTo") {
      readContent(c, into);
    }
  }
}

interface RawCell {
  cell: DocCell;
  gridStart: number;
  vMerge: "restart" | "continue" | null;
}

function readTable(tbl: XNode): DocTable {
  const rawRows: RawCell[][] = [];
  const rowNodes: XNode[] = [];
  const collectRows = (n: XNode) => {
    for (const c of children(n)) {
      if (c.localName === "tr") rowNodes.push(c);
      else if (c.localName === "sdt" || c.localName === "customXml") {
        const content = child(c, "sdtContent") ?? c;
        collectRows(content);
      }
    }
  };
  collectRows(tbl);
  for (const tr of rowNodes) {
    const trPr = child(tr, "trPr");
    let col = Number(attr(trPr && child(trPr, "gridBefore"), "val") ?? 0) || 0;
    const cells: RawCell[] = [];
    if (col > 0)
      cells.push({
        cell: { paragraphs: [], colSpan: col, rowSpan: 1, merged: true },
        gridStart: 0,
        vMerge: null,
      });
    const cellNodes: XNode[] = [];
    const collectCells = (n: XNode) => {
      for (const c of children(n)) {
        if (c.localName === "tc") cellNodes.push(c);
        else if (c.localName === "sdt" || c.localName === "customXml") collectCells(child(c, "sdtContent") ?? c);
      }
    };
    collectCells(tr);
    for (const tc of cellNodes) {
      const tcPr = child(tc, "tcPr");
      const span = Math.max(1, Number(attr(tcPr && child(tcPr, "gridSpan"), "val") ?? 1) || 1);
      const vm = tcPr && child(tcPr, "vMerge");
      const vMerge = vm ? ((attr(vm, "val") ?? "continue") === "restart" ? "restart" : "continue") : null;
      const paragraphs: string[] = [];
      const tables: DocTable[] = [];
      const content: DocumentBlock[] = [];
      readContent(tc, {
        paragraphs: (lines, list) => {
          const texts = lines.map((l, i) => (list && i === 0 ? `- ${l}` : l));
          paragraphs.push(...texts);
          for (const text of texts) content.push({ kind: "paragraph", text });
        },
        table: (t) => {
          tables.push(t);
          content.push(t);
        },
      });
      const cell: DocCell = { paragraphs, colSpan: span, rowSpan: 1 };
      if (tables.length) cell.content = content;
      const fill = (attr(tcPr && child(tcPr, "shd"), "fill") ?? "auto").toLowerCase();
      if (fill !== "auto" && fill !== "ffffff" && fill !== "") cell.shaded = true;
      if (tables.length) cell.tables = tables;
      cells.push({ cell, gridStart: col, vMerge });
      col += span;
    }
    rawRows.push(cells);
  }
  // Vertical merges: the first cell gets the row span, the continuations are marked and emptied.
  for (let r = 0; r < rawRows.length; r++) {
    for (const rc of rawRows[r]!) {
      if (rc.vMerge !== "restart") continue;
      let span = 1;
      for (let k = r + 1; k < rawRows.length; k++) {
        const below = rawRows[k]!.find((x) => x.gridStart === rc.gridStart);
        if (below?.vMerge !== "continue") break;
        below.cell.merged = true;
        if (below.cell.paragraphs.length) rc.cell.paragraphs.push(...below.cell.paragraphs);
        below.cell.paragraphs = [];
        span++;
      }
      rc.cell.rowSpan = span;
    }
    for (const rc of rawRows[r]!) if (rc.vMerge === "continue" && !rc.cell.merged) rc.cell.merged = true;
  }
  const rows: DocRow[] = rawRows.map((cells) => ({
    cells: cells.map((c) => c.cell),
  }));
  return { kind: "table", rows, where: "" };
}

/** The document's blocks, in reading order. Throws PlanFormatError when the file is not a readable .docx. */
export async function readDocxBlocks(data: Uint8Array, sourceName: string): Promise<DocumentBlock[]> {
  const { default: JSZip } = await import("jszip");
  const broken = (reason: DocumentBrokenReason) =>
    new PlanFormatError({ code: "document_broken", source: sourceName, format: "docx", reason });
  let xml: string;
  try {
    const zip = await JSZip.loadAsync(data);
    const entry = zip.file("word/document.xml");
    if (!entry) throw broken("no_document_xml");
    xml = await entry.async("string");
  } catch (err) {
    if (err instanceof PlanFormatError) throw err;
    const head = Buffer.from(data.subarray(0, 8)).toString("latin1");
    throw broken(head.startsWith("\xD0\xCF\x11\xE0") ? "old_doc" : head.startsWith("PK") ? "damaged_zip" : "not_zip");
  }
  let root: XNode;
  try {
    root = parseXml(xml);
  } catch {
    throw broken("bad_xml");
  }
  const body = child(root, "body");
  if (!body) throw broken("no_body");
  const blocks: DocumentBlock[] = [];
  readContent(body, {
    paragraphs: (lines, list) => {
      for (const [i, text] of lines.entries())
        blocks.push(list && i === 0 ? { kind: "paragraph", text, list: true } : { kind: "paragraph", text });
    },
    table: (t) => blocks.push(t),
  });
  return blocks;
}

export async function readDocxPlan(data: Uint8Array, sourceName: string): Promise<ParsedPlan> {
  const blocks = await readDocxBlocks(data, sourceName);
  return recognisePlan(blocks, sourceName);
}
