import type ExcelJS from "exceljs";
import { foldWord } from "../../domain/progress/command-grammar.ts";

/**
 * Reading cells of a workbook filled in by people: whatever Excel or LibreOffice stored
 * (text, number, date, rich text, a formula with its result, a hyperlink) as text or as a day.
 */

export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value.trim();
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return value ? "sì" : "no";
  if (value instanceof Date) return isoOfDate(value);
  if (typeof value === "object") {
    if ("richText" in value && Array.isArray(value.richText))
      return value.richText
        .map((r) => r.text)
        .join("")
        .trim();
    if ("result" in value) return cellText((value as { result?: ExcelJS.CellValue }).result ?? null);
    if ("text" in value) return cellText((value as { text: ExcelJS.CellValue }).text);
    if ("error" in value) return "";
  }
  return String(value).trim();
}

/** A date cell's day. Excel dates carry no zone: exceljs gives UTC midnight of the day shown. */
export function isoOfDate(d: Date): string {
  return Number.isNaN(d.getTime()) ? "" : d.toISOString().slice(0, 10);
}

/** The date a cell holds, if it holds one as a date (not as text). */
export function cellDate(value: ExcelJS.CellValue): string | null {
  if (value instanceof Date) return isoOfDate(value) || null;
  if (value && typeof value === "object" && "result" in value) {
    const r = (value as { result?: unknown }).result;
    if (r instanceof Date) return isoOfDate(r) || null;
  }
  return null;
}

/** A heading compared loosely: case, accents, spaces and punctuation at the ends do not matter. */
export function foldHeader(text: string): string {
  return foldWord(text)
    .replace(/\s+/g, " ")
    .replace(/^[\s.:;*]+|[\s.:;*]+$/g, "")
    .trim();
}

/** Excel's column letter of a 1-based column number. */
export function columnLetter(n: number): string {
  let s = "";
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

export function isZip(data: Uint8Array): boolean {
  return data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04;
}

/** A number shown as a percentage (Excel keeps 10% as 0.1): the figure the person typed, 10. */
export function percentCellValue(cell: ExcelJS.Cell): number | null {
  const v = cell.value;
  if (typeof v !== "number" || !String(cell.numFmt ?? "").includes("%")) return null;
  return Math.round(v * 100 * 1e6) / 1e6;
}
