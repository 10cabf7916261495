import path from "node:path";
import { UserError } from "../errors.ts";
import type { ParsedPlan } from "./parse-piao.ts";
import { looksLikePlanCsv, parsePlanCsv } from "./plan-csv.ts";
import { parsePiaoText } from "./parse-piao.ts";

export type DocumentKind = "pdf" | "docx" | "xlsx" | "text" | "legacy_office";

const has = (data: Uint8Array, ascii: string) =>
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).includes(ascii, 0, "latin1");

/**
 * What a file is, by its content first (a plan mailed as "piano.txt" may be a PDF), its
 * name only where the content cannot tell (a zip whose parts are not named as usual).
 */
export function documentKind(data: Uint8Array, fileName: string): DocumentKind {
  const ext = path.extname(fileName).toLowerCase();
  if (data.length >= 5 && Buffer.from(data.subarray(0, 1024)).includes("%PDF-", 0, "latin1")) return "pdf";
  if (data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04) {
    // Office files are zips; the names of their parts are stored in clear in the zip headers.
    if (has(data, "word/document.xml")) return "docx";
    if (has(data, "xl/workbook.xml")) return "xlsx";
    if (ext === ".docx") return "docx";
    return "xlsx";
  }
  if (data.length >= 8 && data[0] === 0xd0 && data[1] === 0xcf && data[2] === 0x11 && data[3] === 0xe0)
    return "legacy_office";
  if (ext === ".pdf") return "pdf";
  return "text";
}

/**
 * Reads any plan document into the plan model: PDF, Word, the Excel template, the PIAO
 * text export or the CSV of esporta-piano. The heavy readers load on first use.
 */
export async function readPlanDocument(data: Uint8Array, fileName: string): Promise<ParsedPlan> {
  const sourceName = path.basename(fileName);
  switch (documentKind(data, fileName)) {
    case "pdf": {
      const { readPdfPlan } = await import("./pdf/read-pdf.ts");
      return readPdfPlan(data, sourceName);
    }
    case "docx": {
      const { readDocxPlan } = await import("./docx/read-docx.ts");
      return readDocxPlan(data, sourceName);
    }
    case "xlsx": {
      const { readTemplatePlan } = await import("./xlsx/read-template.ts");
      return readTemplatePlan(data, sourceName);
    }
    case "legacy_office":
      throw new UserError({ code: "legacy_office", source: sourceName });
    case "text": {
      const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
        .toString("utf8")
        .replace(/^\uFEFF/, "");
      return looksLikePlanCsv(text) ? parsePlanCsv(text, sourceName) : parsePiaoText(text, sourceName);
    }
  }
}
