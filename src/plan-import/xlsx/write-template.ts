// exceljs is loaded on first use: the bot does not need it to start.
import type ExcelJS from "exceljs";
import type { ParsedPlan } from "../parse-piao.ts";
import { columnLetter as letter } from "./cells.ts";
import {
  ACTIVITY_COLUMNS,
  ANOMALY_COLUMNS,
  AREA_COLUMNS,
  INSTRUCTIONS,
  KIND_LABELS,
  OBJECTIVE_COLUMNS,
  PLAN_FIELDS,
  SHEET,
  TEMPLATE_ROWS,
  YES_NO,
  type TemplateColumn,
} from "./template.ts";

/**
 * The plan template as a workbook: instructions, the plan's year and entity, one sheet
 * each for areas, objectives, activities (and the anomalies of the source document),
 * with drop-down lists, date and number checks. With `plan` it is filled with that plan;
 * without, it is empty, ready to be filled in by hand.
 */
export async function writePlanTemplate(
  plan: ParsedPlan | null,
  options: { manualDeadlines?: Map<string, string> } = {},
): Promise<Buffer> {
  const { default: Excel } = await import("exceljs");
  const wb = new Excel.Workbook();
  wb.creator = "Obiettivi";

  addInstructions(wb);

  const meta = wb.addWorksheet(SHEET.plan);
  meta.columns = [{ width: 14 }, { width: 50 }];
  styleHeader(meta.addRow(["Campo", "Valore"]));
  meta.addRow([PLAN_FIELDS.year, plan?.year ?? null]);
  meta.addRow([PLAN_FIELDS.entity, plan?.entity ?? null]);
  validate(meta, "B2", {
    type: "whole",
    operator: "between",
    formulae: [2000, 2100],
    allowBlank: false,
    error: "L'anno deve essere un numero intero come 2024.",
  });

  const areas = dataSheet(wb, SHEET.areas, AREA_COLUMNS);
  for (const a of plan?.areas ?? []) areas.addRow([a.code, a.name, a.head]);

  const objectives = dataSheet(wb, SHEET.objectives, OBJECTIVE_COLUMNS);
  for (const o of plan?.objectives ?? []) {
    objectives.addRow([o.code, o.areaCode, o.title, o.description || null, o.publicValue || null, o.weight]);
  }
  const areaList = `'${SHEET.areas}'!$A$2:$A$${TEMPLATE_ROWS + 1}`;
  const objectiveList = `'${SHEET.objectives}'!$A$2:$A$${TEMPLATE_ROWS + 1}`;
  const last = (ws: ExcelJS.Worksheet) => Math.max(TEMPLATE_ROWS, ws.rowCount) + 1;
  validate(objectives, `B2:B${last(objectives)}`, {
    type: "list",
    formulae: [areaList],
    allowBlank: true,
    error: "Scegli il codice di un'area del foglio Aree, o lascia vuoto per un obiettivo di ente.",
  });
  validate(objectives, `F2:F${last(objectives)}`, {
    type: "decimal",
    operator: "between",
    formulae: [0, 1000],
    allowBlank: true,
    error: "Il peso è un numero (per esempio 10 o 12,5).",
  });

  const activities = dataSheet(wb, SHEET.activities, ACTIVITY_COLUMNS);
  const label = new Map(KIND_LABELS.map((k) => [k.kind, k.label]));
  for (const a of plan?.activities ?? []) {
    activities.addRow([
      a.code,
      a.printedCode || null,
      a.objectiveCode,
      a.title,
      a.description || null,
      a.indicatorName || null,
      a.indicatorIndex,
      a.targetText || null,
      label.get(a.target.kind) ?? a.target.kind,
      dateCell(a.target.deadline),
      a.weight ?? null,
      a.involved,
      a.involvesAllAreas ? YES_NO[0] : null,
      a.involvedAreaCodes.length ? a.involvedAreaCodes.join(",") : null,
      dateCell(options.manualDeadlines?.get(a.code)),
    ]);
  }
  const colOf = (key: string) => letter(ACTIVITY_COLUMNS.findIndex((c) => c.key === key) + 1);
  const range = (key: string) => `${colOf(key)}2:${colOf(key)}${last(activities)}`;
  validate(activities, range("objectiveCode"), {
    type: "list",
    formulae: [objectiveList],
    allowBlank: false,
    error: "Scegli il codice di un obiettivo del foglio Obiettivi.",
  });
  validate(activities, range("kind"), {
    type: "list",
    formulae: [`'${SHEET.lists}'!$A$1:$A$${KIND_LABELS.length}`],
    allowBlank: true,
    error: `Scegli un tipo dall'elenco: ${KIND_LABELS.map((k) => k.label).join(", ")}.`,
  });
  validate(activities, range("deadline"), {
    type: "date",
    operator: "between",
    formulae: [new Date(Date.UTC(2000, 0, 1)), new Date(Date.UTC(2100, 11, 31))],
    allowBlank: true,
    error: "Scrivi una data come 31/12/2024.",
  });
  validate(activities, range("weight"), {
    type: "decimal",
    operator: "between",
    formulae: [0, 1000],
    allowBlank: true,
    error: "Il peso è un numero (per esempio 25).",
  });
  validate(activities, range("involvesAllAreas"), {
    type: "list",
    formulae: [`'${SHEET.lists}'!$B$1:$B$2`],
    allowBlank: true,
    error: "Scrivi «sì» o «no».",
  });
  for (const key of ["deadline", "manualDeadline"]) activities.getColumn(colOf(key)).numFmt = "dd/mm/yyyy";

  const anomalies = dataSheet(wb, SHEET.anomalies, ANOMALY_COLUMNS);
  for (const an of plan?.anomalies ?? []) anomalies.addRow([an.kind, an.code, an.message]);

  // The drop-down lists the validations above point to, out of the way.
  const lists = wb.addWorksheet(SHEET.lists, { state: "hidden" });
  KIND_LABELS.forEach((k, i) => {
    lists.getCell(i + 1, 1).value = k.label;
  });
  YES_NO.forEach((v, i) => {
    lists.getCell(i + 1, 2).value = v;
  });

  const buffer = await wb.xlsx.writeBuffer();
  return Buffer.from(buffer as ArrayBuffer);
}

function addInstructions(wb: ExcelJS.Workbook): void {
  const ws = wb.addWorksheet(SHEET.instructions);
  ws.columns = [{ width: 28 }, { width: 30 }, { width: 100 }];
  INSTRUCTIONS.forEach((line, i) => {
    const cell = ws.getCell(i + 1, 1);
    cell.value = line;
    if (i === 0) cell.font = { bold: true, size: 14 };
    else if (line === "Regole" || line === "Colonne") cell.font = { bold: true };
  });
  for (const [sheet, cols] of [
    [SHEET.areas, AREA_COLUMNS],
    [SHEET.objectives, OBJECTIVE_COLUMNS],
    [SHEET.activities, ACTIVITY_COLUMNS],
    [SHEET.anomalies, ANOMALY_COLUMNS],
  ] as const) {
    for (const c of cols as readonly TemplateColumn[]) {
      const row = ws.addRow([sheet, `${c.header}${c.required ? " (obbligatoria)" : ""}`, c.note]);
      row.alignment = { wrapText: true, vertical: "top" };
    }
  }
}

const HEADER_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FF1F4E79" } };

function styleHeader(row: ExcelJS.Row): void {
  row.eachCell((cell) => {
    cell.font = { bold: true, color: { argb: "FFFFFFFF" } };
    cell.fill = HEADER_FILL;
  });
}

function dataSheet(wb: ExcelJS.Workbook, name: string, cols: readonly TemplateColumn[]): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1, xSplit: 0, topLeftCell: "A2" }] });
  ws.columns = cols.map((c) => ({ width: c.width }));
  const header = ws.addRow(cols.map((c) => c.header));
  styleHeader(header);
  cols.forEach((c, i) => {
    header.getCell(i + 1).note = c.note;
    // Codes are text: "03" must not become 3.
    if (c.key === "code" || c.key.endsWith("Code") || c.key === "involvedAreaCodes") ws.getColumn(i + 1).numFmt = "@";
  });
  return ws;
}

function validate(ws: ExcelJS.Worksheet, range: string, v: ExcelJS.DataValidation): void {
  const withMessages: ExcelJS.DataValidation = {
    showErrorMessage: true,
    errorStyle: "error",
    errorTitle: "Valore non valido",
    ...v,
  };
  // exceljs keeps validations by address, a range included; its typings leave the collection out.
  (ws as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } }).dataValidations.add(
    range,
    withMessages,
  );
}

/** An ISO day as a date cell (UTC midnight: Excel dates have no time zone). */
function dateCell(iso: string | null | undefined): Date | null {
  return iso ? new Date(`${iso.slice(0, 10)}T00:00:00Z`) : null;
}
