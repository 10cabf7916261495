import { readFileSync } from "node:fs";
import type ExcelJS from "exceljs";
import { parseOutcome, type FindingWrite } from "../domain/validation/input.ts";
import { UserError } from "../errors.ts";
import { SAMPLE_SHEET } from "./validation-xlsx.ts";

/**
 * Reads back the "Campione" sheet the Nucleo filled: one finding per row with an Esito.
 * Columns are found by their header, so a reordered or widened sheet still reads; every
 * problem names the sheet, the row and the column.
 */

const MAX_NOTE = 1000;

function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value;
  if (v === null || v === undefined) return "";
  if (typeof v === "object" && "richText" in v)
    return v.richText
      .map((r) => r.text)
      .join("")
      .trim();
  if (typeof v === "object" && "result" in v) return String(v.result ?? "").trim();
  if (typeof v === "object" && "text" in v) return String(v.text).trim();
  return cell.text.trim();
}

function fold(s: string): string {
  return s
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .trim();
}

export interface ReadFindings {
  findings: FindingWrite[];
  /** Rows of the sample left without an esito (still to be checked). */
  pending: string[];
}

export async function readFindingsXlsx(file: string): Promise<ReadFindings> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError({
      code: "validation",
      reason: "file_unreadable",
      text:
        code === "ENOENT"
          ? `File non trovato: ${file}`
          : `Impossibile leggere il file ${file} (${code ?? "errore di lettura"}).`,
    });
  }
  const { default: Excel } = await import("exceljs");
  const wb = new Excel.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw new UserError({
      code: "validation",
      reason: "bad_xlsx",
      text: `${file} non è un file Excel (.xlsx) leggibile: usa il file scritto da «npx obiettivi validazione --formato xlsx», compilato e salvato in formato .xlsx.`,
    });
  }
  const ws = wb.worksheets.find((w) => fold(w.name) === fold(SAMPLE_SHEET));
  if (!ws) {
    throw new UserError({
      code: "validation",
      reason: "no_sample_sheet",
      text: `Nel file ${file} manca il foglio «${SAMPLE_SHEET}»: usa il file scritto da «npx obiettivi validazione --formato xlsx».`,
    });
  }

  // The header row: the first of the first 10 with both "Codice" and "Esito".
  let headerRow = 0;
  const cols: Record<string, number> = {};
  for (let r = 1; r <= Math.min(10, ws.rowCount) && !headerRow; r++) {
    const found: Record<string, number> = {};
    ws.getRow(r).eachCell((cell, c) => {
      const h = fold(cellText(cell));
      if (h === "codice") found.code = c;
      else if (h === "esito") found.outcome = c;
      else if (h === "nota") found.note = c;
    });
    if (found.code && found.outcome) {
      headerRow = r;
      Object.assign(cols, found);
    }
  }
  if (!headerRow) {
    throw new UserError({
      code: "validation",
      reason: "no_header",
      text: `Foglio «${ws.name}»: non trovo la riga di intestazione con le colonne «Codice» ed «Esito» (nelle prime 10 righe).`,
    });
  }
  const letter = (c: number) => ws.getColumn(c).letter;
  const findings: FindingWrite[] = [];
  const pending: string[] = [];
  const seen = new Map<string, number>();
  for (let r = headerRow + 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const code = cellText(row.getCell(cols.code!));
    const outcomeText = cellText(row.getCell(cols.outcome!));
    const note = cols.note ? cellText(row.getCell(cols.note)) : "";
    if (!code) {
      if (outcomeText || note) {
        throw new UserError({
          code: "validation",
          reason: "missing_code",
          text: `Foglio «${ws.name}», riga ${r}, colonna ${letter(cols.code!)} (Codice): manca il codice dell'attività a cui si riferisce l'esito.`,
        });
      }
      continue;
    }
    const where = (c: number, name: string) => `Foglio «${ws.name}», riga ${r}, colonna ${letter(c)} (${name})`;
    if (!outcomeText) {
      if (note)
        throw new UserError({
          code: "validation",
          reason: "missing_outcome",
          text: `${where(cols.outcome!, "Esito")}: c'è una nota su ${code} ma manca l'esito: scrivi conforme, non conforme o nota.`,
        });
      pending.push(code);
      continue;
    }
    const outcome = parseOutcome(outcomeText);
    if (!outcome) {
      throw new UserError({
        code: "validation",
        reason: "bad_outcome",
        text: `${where(cols.outcome!, "Esito")}: «${outcomeText}» non è un esito valido per ${code}: scrivi conforme, non conforme o nota.`,
      });
    }
    if (outcome === "nota" && !note) {
      throw new UserError({
        code: "validation",
        reason: "note_required",
        text: `${where(cols.note ?? cols.outcome! + 1, "Nota")}: con l'esito «nota» scrivi il testo della nota su ${code}.`,
      });
    }
    if (note.length > MAX_NOTE)
      throw new UserError({
        code: "validation",
        reason: "note_too_long",
        text: `${where(cols.note!, "Nota")}: la nota su ${code} è troppo lunga (massimo ${MAX_NOTE} caratteri).`,
      });
    const first = seen.get(code);
    if (first !== undefined)
      throw new UserError({
        code: "validation",
        reason: "duplicate_code",
        text: `${where(cols.code!, "Codice")}: l'attività ${code} compare già alla riga ${first}.`,
      });
    seen.set(code, r);
    findings.push({ code, outcome, note: note || null });
  }
  return { findings, pending };
}
