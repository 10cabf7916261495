import path from "node:path";
import { parse } from "csv-parse/sync";
import { UserError } from "../errors.ts";
import { documentKind } from "./read-document.ts";
import type ExcelJS from "exceljs";
import { cellDate, cellText, foldHeader, percentCellValue } from "./xlsx/cells.ts";

/**
 * A file of progress kept elsewhere (a spreadsheet of the Comune that starts using the
 * bot mid-year): one row per fact, columns codice, data, stato/valore, nota, evidenza, autore.
 * Read as text only; what the text means is decided by the /obiettivo grammar.
 */
export interface ProgressRow {
  /** How to point at the row: "riga 7" (CSV line, or the row of the sheet). */
  where: string;
  code: string;
  /** As written; `dateIso` when the cell was a real date. */
  date: string;
  dateIso: string | null;
  value: string;
  note: string;
  evidence: string;
  author: string;
}

type Key = "code" | "date" | "value" | "note" | "evidence" | "author";

const HEADERS: Record<Key, { label: string; words: string[]; required: boolean }> = {
  code: { label: "codice", words: ["codice", "codice attivita", "attivita"], required: true },
  date: { label: "data", words: ["data", "giorno", "data evento"], required: true },
  value: {
    label: "stato/valore",
    words: ["stato/valore", "stato / valore", "stato o valore", "stato", "valore", "avanzamento"],
    required: true,
  },
  note: { label: "nota", words: ["nota", "note"], required: false },
  evidence: { label: "evidenza", words: ["evidenza", "evidenze", "atto", "link"], required: false },
  author: { label: "autore", words: ["autore", "utente", "id slack"], required: true },
};

function columnsOf(headers: string[], sourceName: string): Map<Key, number> {
  const found = new Map<Key, number>();
  headers.forEach((h, i) => {
    const f = foldHeader(h);
    for (const [key, spec] of Object.entries(HEADERS) as [Key, (typeof HEADERS)[Key]][]) {
      if (!found.has(key) && spec.words.includes(f)) found.set(key, i);
    }
  });
  const missing = (Object.entries(HEADERS) as [Key, (typeof HEADERS)[Key]][])
    .filter(([k, s]) => s.required && !found.has(k))
    .map(([, s]) => `«${s.label}»`);
  if (missing.length) {
    throw new UserError({
      code: "progress_file_invalid",
      source: sourceName,
      reason: "missing_columns",
      detail: missing.join(", "),
    });
  }
  return found;
}

export async function readProgressFile(data: Uint8Array, fileName: string): Promise<ProgressRow[]> {
  const sourceName = path.basename(fileName);
  const kind = documentKind(data, fileName);
  if (kind === "xlsx") return readProgressXlsx(data, sourceName);
  if (kind !== "text") {
    throw new UserError({ code: "progress_file_invalid", source: sourceName, reason: "not_a_sheet" });
  }
  return readProgressCsv(
    Buffer.from(data)
      .toString("utf8")
      .replace(/^\uFEFF/, ""),
    sourceName,
  );
}

function readProgressCsv(text: string, sourceName: string): ProgressRow[] {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? "";
  const delimiter = [";", "\t", ","].map((d) => ({ d, n: firstLine.split(d).length })).sort((a, b) => b.n - a.n)[0]!.d;
  const read = (input: string): string[][] => {
    try {
      return parse(input, { delimiter, relax_column_count: true, skip_empty_lines: false, trim: true });
    } catch (e) {
      const why = (e as Error).message.split("\n")[0]!;
      throw new UserError({
        code: "progress_file_invalid",
        source: sourceName,
        reason: "unreadable_csv",
        detail: why.length > 120 ? `${why.slice(0, 117)}…` : why,
      });
    }
  };
  // The headings first: a file of another kind is told what it lacks, not where its quotes are wrong.
  if (text.trim() === "") throw new UserError({ code: "progress_file_invalid", source: sourceName, reason: "empty" });
  const cols = columnsOf(read(firstLine)[0] ?? [], sourceName);
  const rest = read(text).slice(1);
  const at = (r: string[], k: Key) => (cols.has(k) ? (r[cols.get(k)!] ?? "").trim() : "");
  const rows: ProgressRow[] = [];
  rest.forEach((r, i) => {
    if (r.every((c) => c.trim() === "")) return;
    rows.push({
      where: `riga ${i + 2}`,
      code: at(r, "code"),
      date: at(r, "date"),
      dateIso: null,
      value: at(r, "value"),
      note: at(r, "note"),
      evidence: at(r, "evidence"),
      author: at(r, "author"),
    });
  });
  return rows;
}

async function readProgressXlsx(data: Uint8Array, sourceName: string): Promise<ProgressRow[]> {
  const { loadWorkbook, findSheet } = await import("./xlsx/read-template.ts");
  const wb = await loadWorkbook(data, sourceName);
  const ws = findSheet(wb, "Avanzamento") ?? wb.worksheets.find((w) => w.state !== "hidden");
  if (!ws) throw new UserError({ code: "progress_file_invalid", source: sourceName, reason: "no_sheet" });
  const header: string[] = [];
  ws.getRow(1).eachCell({ includeEmpty: true }, (c, n) => {
    header[n - 1] = cellText(c.value);
  });
  const cols = columnsOf(header, sourceName);
  const rows: ProgressRow[] = [];
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const raw = (k: Key) => (cols.has(k) ? row.getCell(cols.get(k)! + 1).value : null);
    const at = (k: Key) => cellText(raw(k));
    const keys = Object.keys(HEADERS) as Key[];
    if (keys.every((k) => at(k) === "")) continue;
    rows.push({
      where: `foglio «${ws.name}», riga ${r}`,
      code: at("code"),
      date: at("date"),
      dateIso: cellDate(raw("date")),
      value: cols.has("value") ? (percentText(row.getCell(cols.get("value")! + 1)) ?? at("value")) : "",
      note: at("note"),
      evidence: at("evidence"),
      author: at("author"),
    });
  }
  return rows;
}

/** A cell formatted as a percentage (0,6 shown as 60%) reads as «60%», as the grammar writes it. */
function percentText(cell: ExcelJS.Cell): string | null {
  const p = percentCellValue(cell);
  return p === null ? null : `${String(p).replace(".", ",")}%`;
}
