// Loaded on first use, like the Relazione's workbook: exceljs is heavy.
import type ExcelJS from "exceljs";
import {
  dayText,
  instantText,
  OUTCOME_LABELS,
  registroValueText,
  type ValidationPack,
} from "../domain/validation/pack.ts";
import { CHANNEL_LABELS } from "./validation-md.ts";

/**
 * The validation pack as a workbook: "Checklist", "Campione" (with the Esito and Nota
 * columns the Nucleo fills and `obiettivi validazione esiti` reads back), "Registro dati"
 * and "Documento" (the draft, one paragraph a row).
 */

export const CHECKLIST_SHEET = "Checklist";
export const SAMPLE_SHEET = "Campione";
export const REGISTER_SHEET = "Registro dati";
export const DOCUMENT_SHEET = "Documento";
export const SAMPLE_HEADER_ROW = 3;
export const SAMPLE_COLUMNS = ["Codice", "Attività", "Area", "Completata il", "Evidenze", "Esito", "Nota"] as const;

const HEADER_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FF1F4E79" } };
const TO_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFFFF2CC" } };

function sheet(
  wb: ExcelJS.Workbook,
  name: string,
  title: string,
  subtitle: string,
  cols: { header: string; width: number }[],
): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, {
    views: [{ state: "frozen", ySplit: SAMPLE_HEADER_ROW, xSplit: 0, topLeftCell: `A${SAMPLE_HEADER_ROW + 1}` }],
  });
  ws.getCell(1, 1).value = title;
  ws.getCell(1, 1).font = { bold: true, size: 14 };
  ws.getCell(2, 1).value = subtitle;
  ws.getCell(2, 1).font = { italic: true };
  const header = ws.getRow(SAMPLE_HEADER_ROW);
  cols.forEach((c, i) => {
    ws.getColumn(i + 1).width = c.width;
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.font = { bold: true, color: { argb: "FFFFFFFF" } };
    cell.fill = HEADER_FILL;
    cell.alignment = { vertical: "middle", wrapText: true };
  });
  ws.autoFilter = { from: { row: SAMPLE_HEADER_ROW, column: 1 }, to: { row: SAMPLE_HEADER_ROW, column: cols.length } };
  return ws;
}

function row(ws: ExcelJS.Worksheet, values: (string | number | null)[]): ExcelJS.Row {
  const r = ws.addRow(values.map((v) => (v === null ? undefined : v)));
  r.alignment = { vertical: "top", wrapText: true };
  return r;
}

export async function renderValidationXlsx(p: ValidationPack): Promise<Buffer> {
  const { default: Excel } = await import("exceljs");
  const wb = new Excel.Workbook();
  wb.creator = "Obiettivi";
  wb.created = new Date(p.generatedAt);
  wb.modified = new Date(p.generatedAt);
  wb.title = p.document.title;
  const sub = p.document.subtitle;

  const checks = sheet(wb, CHECKLIST_SHEET, `Checklist di validazione ${p.year} — ${p.entity}`, sub, [
    { header: "Verifica", width: 50 },
    { header: "Codice verifica", width: 28 },
    { header: "Esito", width: 16 },
    { header: "Attività", width: 40 },
    { header: "Dettaglio", width: 90 },
  ]);
  for (const c of p.checks) {
    const r = row(checks, [
      c.label,
      c.id,
      c.ok ? "conforme" : "da verificare",
      c.codes.join(", "),
      [c.summary, ...c.items.map((i) => `· ${i.text}`)].join("\n"),
    ]);
    if (!c.ok) r.getCell(3).fill = TO_FILL;
  }

  const sample = sheet(
    wb,
    SAMPLE_SHEET,
    `Campione di ${p.sample.length} attività completate su ${p.population} (seme «${p.seed}»)`,
    "Compila Esito (conforme, non conforme o nota) e Nota, poi: npx obiettivi validazione esiti <questo file>",
    SAMPLE_COLUMNS.map((h) => ({ header: h, width: h === "Attività" || h === "Evidenze" || h === "Nota" ? 45 : 14 })),
  );
  const esitoCol = SAMPLE_COLUMNS.indexOf("Esito") + 1;
  for (const s of p.sample) {
    const r = row(sample, [
      s.code,
      s.title,
      s.areaCode ?? "ente",
      dayText(s.completedOn),
      s.evidence.join("\n") || (s.withoutEvidence ? "senza evidenza" : ""),
      s.outcome ?? null,
      s.note ?? null,
    ]);
    r.getCell(esitoCol).dataValidation = { type: "list", allowBlank: true, formulae: ['"conforme,non conforme,nota"'] };
    r.getCell(esitoCol).fill = TO_FILL;
  }

  const reg = sheet(
    wb,
    REGISTER_SHEET,
    `Registro dati ${p.year} al ${dayText(p.asOf)}`,
    `${p.registro.length} segnalazioni; tardive: inserite più di ${p.lateEntryDays} giorni dopo la data dichiarata`,
    [
      { header: "N.", width: 8 },
      { header: "Attività", width: 10 },
      { header: "Tipo", width: 12 },
      { header: "Valore", width: 20 },
      { header: "Numeratore", width: 11 },
      { header: "Denominatore", width: 12 },
      { header: "Fonte", width: 18 },
      { header: "Data dichiarata", width: 14 },
      { header: "Inserita il", width: 17 },
      { header: "Autore", width: 28 },
      { header: "Per conto di", width: 28 },
      { header: "Canale", width: 18 },
      { header: "Evidenza", width: 36 },
      { header: "Nota", width: 36 },
      { header: "Annullata", width: 17 },
      { header: "Giorni dopo la data", width: 10 },
      { header: "Tardiva", width: 9 },
    ],
  );
  for (const r of p.registro) {
    row(reg, [
      r.id,
      r.code,
      r.kind,
      registroValueText(r),
      r.numerator,
      r.denominator,
      r.source,
      dayText(r.claimedDate),
      instantText(r.enteredAt),
      r.authorLabel,
      r.onBehalfOfLabel,
      CHANNEL_LABELS[r.channel] ?? r.channel,
      r.evidence,
      r.note,
      r.undone ? instantText(r.undoneAt) : "no",
      r.entryDelayDays,
      r.late ? "sì" : "no",
    ]);
  }

  const doc = wb.addWorksheet(DOCUMENT_SHEET);
  doc.getColumn(1).width = 140;
  const line = (text: string, font?: Partial<ExcelJS.Font>) => {
    const r = doc.addRow([text]);
    r.alignment = { wrapText: true, vertical: "top" };
    if (font) r.getCell(1).font = font;
  };
  line(p.document.title, { bold: true, size: 14 });
  line(p.document.subtitle, { italic: true });
  for (const t of p.document.intro) line(t);
  for (const s of p.document.sections) {
    line("");
    line(s.heading, { bold: true, size: 12 });
    for (const t of s.paragraphs) line(t);
    for (const b of s.bullets) line(b.startsWith("   · ") ? `    – ${b.slice(5)}` : `• ${b}`);
  }
  if (p.findings.length) {
    line("");
    line("Esiti registrati dal Nucleo", { bold: true, size: 12 });
    for (const f of p.findings)
      line(
        `${f.code}: ${OUTCOME_LABELS[f.outcome]}${f.note ? ` — ${f.note}` : ""} (${f.recordedByLabel}, ${instantText(f.recordedAt)})`,
      );
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
