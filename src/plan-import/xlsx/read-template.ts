// exceljs is loaded on first use: the bot does not need it to start.
import type ExcelJS from "exceljs";
import { parseItalianDate, parseTarget, type TargetKind } from "../../domain/plan/targets.ts";
import { UserError } from "../../errors.ts";
import type { ParsedPlan, PlanActivity, PlanAnomaly, PlanArea, PlanObjective } from "../parse-piao.ts";
import { cellDate, cellText, columnLetter, foldHeader, percentCellValue } from "./cells.ts";
import {
  ACTIVITY_COLUMNS,
  ANOMALY_COLUMNS,
  AREA_COLUMNS,
  KIND_LABELS,
  OBJECTIVE_COLUMNS,
  PLAN_FIELDS,
  SHEET,
  type TemplateColumn,
} from "./template.ts";

/** At most this many problems are listed: past them, the Segretario fixes and retries. */
const MAX_LISTED = 25;

const TEMPLATE_HINT =
  "Scarica un modello vuoto con «obiettivi esporta-modello --output modello.xlsx» e leggi il foglio «Istruzioni».";

/** Loads a workbook, or says in Italian that the file is not one. */
export async function loadWorkbook(data: Uint8Array, sourceName: string): Promise<ExcelJS.Workbook> {
  const { default: Excel } = await import("exceljs");
  const wb = new Excel.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(data.buffer, data.byteOffset, data.byteLength) as unknown as ExcelJS.Buffer);
  } catch {
    throw new UserError({ code: "xlsx_unreadable", source: sourceName });
  }
  return wb;
}

/** Finds a sheet by name, ignoring case and accents ("Attivita" is "Attività"). */
export function findSheet(wb: ExcelJS.Workbook, name: string): ExcelJS.Worksheet | undefined {
  const wanted = foldHeader(name);
  return wb.worksheets.find((ws) => foldHeader(ws.name) === wanted);
}

export function isPlanTemplate(wb: ExcelJS.Workbook): boolean {
  return [SHEET.areas, SHEET.objectives, SHEET.activities].every((s) => findSheet(wb, s));
}

/** Collects every problem of the file, each placed by sheet, row and column, and refuses the whole file if there is one. */
class Problems {
  readonly list: string[] = [];
  at(sheet: string, row: number, column: { header: string; index: number } | null, text: string): void {
    const where = column
      ? `foglio «${sheet}», riga ${row}, colonna «${column.header}» (${columnLetter(column.index)})`
      : `foglio «${sheet}», riga ${row}`;
    this.list.push(`${where}: ${text}`);
  }
  sheet(sheet: string, text: string): void {
    this.list.push(`foglio «${sheet}»: ${text}`);
  }
  throwIfAny(sourceName: string): void {
    if (!this.list.length) return;
    throw new UserError({
      code: "template_invalid",
      source: sourceName,
      problems: this.list.slice(0, MAX_LISTED),
      more: Math.max(0, this.list.length - MAX_LISTED),
    });
  }
}

interface Located<K extends string> {
  get(key: K): string;
  raw(key: K): ExcelJS.CellValue;
  /** The figure of a cell formatted as a percentage (10 for 10%), else null. */
  percent(key: K): number | null;
  column(key: K): { header: string; index: number } | null;
  row: number;
}

/** The data rows of a sheet whose first row holds the headings of `cols` (any order, synonyms accepted). */
function rowsOf<K extends string>(
  ws: ExcelJS.Worksheet,
  cols: readonly TemplateColumn<K>[],
  problems: Problems,
): Located<K>[] {
  const header = ws.getRow(1);
  const index = new Map<K, number>();
  header.eachCell((cell, colNumber) => {
    const h = foldHeader(cellText(cell.value));
    const match =
      cols.find((c) => foldHeader(c.header) === h) ?? cols.find((c) => c.synonyms?.some((s) => foldHeader(s) === h));
    if (match && !index.has(match.key)) index.set(match.key, colNumber);
  });
  const missing = cols.filter((c) => c.required && !index.has(c.key));
  if (missing.length) {
    problems.sheet(
      ws.name,
      `nella prima riga mancano le colonne ${missing.map((c) => `«${c.header}»`).join(", ")}. ${TEMPLATE_HINT}`,
    );
    return [];
  }
  const out: Located<K>[] = [];
  const byKey = new Map(cols.map((c) => [c.key, c]));
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const raw = (key: K): ExcelJS.CellValue => {
      const i = index.get(key);
      return i === undefined ? null : row.getCell(i).value;
    };
    const values = [...index.values()].map((i) => cellText(row.getCell(i).value));
    if (values.every((v) => v === "")) continue;
    out.push({
      row: r,
      raw,
      percent: (key) => {
        const i = index.get(key);
        return i === undefined ? null : percentCellValue(row.getCell(i));
      },
      get: (key) => cellText(raw(key)),
      column: (key) => {
        const i = index.get(key);
        return i === undefined ? null : { header: byKey.get(key)!.header, index: i };
      },
    });
  }
  return out;
}

function numberOf(text: string): number | null {
  const t = text.replace(/\s+/g, "").replace(/%$/, "");
  if (!/^[+-]?\d+(?:[.,]\d+)?$/.test(t)) return null;
  return Number(t.replace(",", "."));
}

const YES = new Set(["si", "s", "x", "vero", "true", "1", "yes"]);
const NO = new Set(["", "no", "n", "falso", "false", "0"]);
const KIND_BY_WORD = new Map<string, TargetKind>(
  KIND_LABELS.flatMap((k) => [
    [foldHeader(k.label), k.kind],
    [k.kind, k.kind],
  ]),
);

/**
 * Reads the Obiettivi Excel template back into the plan model. Every problem of the file
 * is collected (sheet, row, column, what was expected) and the file is refused as a whole.
 */
export async function readTemplatePlan(data: Uint8Array, sourceName: string): Promise<ParsedPlan> {
  const wb = await loadWorkbook(data, sourceName);
  if (!isPlanTemplate(wb)) {
    throw new UserError({ code: "not_a_template", source: sourceName, found: wb.worksheets.map((w) => w.name) });
  }
  return readTemplateWorkbook(wb, sourceName);
}

export function readTemplateWorkbook(wb: ExcelJS.Workbook, sourceName: string): ParsedPlan {
  const problems = new Problems();

  // Piano: "Anno" and "Ente" in the first column, their values beside.
  let year: number | null = null;
  let entity = "";
  const meta = findSheet(wb, SHEET.plan);
  if (!meta) {
    problems.sheet(SHEET.plan, `manca il foglio con l'anno del piano e il nome dell'ente. ${TEMPLATE_HINT}`);
  } else {
    let yearRow = 0;
    let entityRow = 0;
    meta.eachRow((row, r) => {
      const field = foldHeader(cellText(row.getCell(1).value));
      const value = cellText(row.getCell(2).value);
      if (field === foldHeader(PLAN_FIELDS.year)) {
        yearRow = r;
        const n = Number(value);
        if (Number.isInteger(n) && n >= 2000 && n <= 2100) year = n;
        else
          problems.at(
            meta.name,
            r,
            { header: "Valore", index: 2 },
            `anno non valido «${value}»: atteso un anno come 2024.`,
          );
      } else if (field === foldHeader(PLAN_FIELDS.entity)) {
        entity = value;
        entityRow = r;
        if (!value)
          problems.at(
            meta.name,
            r,
            { header: "Valore", index: 2 },
            "manca il nome dell'ente, per esempio «Comune di Leggiuno».",
          );
      }
    });
    if (!yearRow)
      problems.sheet(
        meta.name,
        `manca la riga «${PLAN_FIELDS.year}» con l'anno del piano (colonna A «${PLAN_FIELDS.year}», colonna B l'anno, per esempio 2024).`,
      );
    if (!entityRow) {
      problems.sheet(meta.name, `manca la riga «${PLAN_FIELDS.entity}» con il nome dell'ente.`);
    }
  }

  const required = <K extends string>(sheet: string, r: Located<K>, key: K, what: string): string => {
    const v = r.get(key);
    if (!v) problems.at(sheet, r.row, r.column(key), `manca ${what}.`);
    return v;
  };
  const unique = (sheet: string, what: string) => {
    const seen = new Map<string, number>();
    return (code: string, row: number, column: { header: string; index: number } | null) => {
      if (!code) return;
      const first = seen.get(code);
      if (first !== undefined)
        problems.at(
          sheet,
          row,
          column,
          `il codice ${what} ${code} compare già alla riga ${first}: ogni codice deve comparire una volta sola.`,
        );
      else seen.set(code, row);
    };
  };
  const weightOf = <K extends string>(sheet: string, r: Located<K>, key: K): number | null => {
    const text = r.get(key);
    if (!text) return null;
    const n = r.percent(key) ?? (typeof r.raw(key) === "number" ? (r.raw(key) as number) : numberOf(text));
    if (n === null || n < 0) {
      problems.at(
        sheet,
        r.row,
        r.column(key),
        `peso non valido «${text}»: atteso un numero da 0 in su, per esempio 10 o 12,5.`,
      );
      return null;
    }
    return n;
  };

  // Aree
  const areaSheet = findSheet(wb, SHEET.areas)!;
  const areas: PlanArea[] = [];
  const areaOnce = unique(areaSheet.name, "dell'area");
  for (const r of rowsOf(areaSheet, AREA_COLUMNS, problems)) {
    const code = required(areaSheet.name, r, "code", "il codice dell'area");
    areaOnce(code, r.row, r.column("code"));
    const name = required(areaSheet.name, r, "name", "il nome dell'area");
    areas.push({ code, name, head: r.get("head") || null, position: areas.length + 1 });
  }
  const areaCodes = new Set(areas.map((a) => a.code));

  // Obiettivi
  const objectiveSheet = findSheet(wb, SHEET.objectives)!;
  const objectives: PlanObjective[] = [];
  const objectiveOnce = unique(objectiveSheet.name, "dell'obiettivo");
  for (const r of rowsOf(objectiveSheet, OBJECTIVE_COLUMNS, problems)) {
    const code = required(objectiveSheet.name, r, "code", "il codice dell'obiettivo");
    objectiveOnce(code, r.row, r.column("code"));
    const areaCode = r.get("areaCode") || null;
    if (areaCode !== null && !areaCodes.has(areaCode)) {
      problems.at(
        objectiveSheet.name,
        r.row,
        r.column("areaCode"),
        `l'area ${areaCode} non è nel foglio «${areaSheet.name}»: usa uno dei suoi codici (${[...areaCodes].join(", ") || "nessuno"}), o lascia vuoto per un obiettivo di ente.`,
      );
    }
    objectives.push({
      code,
      areaCode,
      title: required(objectiveSheet.name, r, "title", "il titolo dell'obiettivo"),
      description: r.get("description"),
      publicValue: r.get("publicValue"),
      weight: weightOf(objectiveSheet.name, r, "weight"),
      position: objectives.length + 1,
    });
  }
  const objectiveCodes = new Set(objectives.map((o) => o.code));

  // Attività
  const activitySheet = findSheet(wb, SHEET.activities)!;
  const activities: PlanActivity[] = [];
  const activityOnce = unique(activitySheet.name, "dell'attività");
  const located = rowsOf(activitySheet, ACTIVITY_COLUMNS, problems);
  for (const r of located) {
    const sheet = activitySheet.name;
    const code = required(sheet, r, "code", "il codice dell'attività");
    activityOnce(code, r.row, r.column("code"));
    const objectiveCode = required(sheet, r, "objectiveCode", "il codice dell'obiettivo");
    if (objectiveCode && !objectiveCodes.has(objectiveCode)) {
      problems.at(
        sheet,
        r.row,
        r.column("objectiveCode"),
        `l'obiettivo ${objectiveCode} non è nel foglio «${objectiveSheet.name}».`,
      );
    }
    const title = required(sheet, r, "title", "il titolo dell'attività");
    const indicatorIndex = r.get("indicatorIndex") || null;
    const indicatorName = r.get("indicatorName");
    const targetText = r.get("targetText");
    const target = parseTarget(targetText, { indice: indicatorIndex ?? undefined, indicator: indicatorName, year });

    const kindText = r.get("kind");
    if (kindText) {
      const kind = KIND_BY_WORD.get(foldHeader(kindText));
      if (!kind) {
        problems.at(
          sheet,
          r.row,
          r.column("kind"),
          `tipo di indicatore «${kindText}» sconosciuto: scegli tra ${KIND_LABELS.map((k) => k.label).join(", ")}.`,
        );
      } else if (kind !== target.kind) {
        target.kind = kind;
      }
    }
    const deadlineText = r.get("deadline");
    if (deadlineText) {
      const iso = cellDate(r.raw("deadline")) ?? parseItalianDate(deadlineText, year);
      if (!iso) {
        problems.at(
          sheet,
          r.row,
          r.column("deadline"),
          `data non valida «${deadlineText}»: attesa una data come 31/12/2024 (un testo come «entro i termini di legge» va in «Valore atteso»).`,
        );
      } else {
        target.deadline = iso;
        target.needsManualDate = false;
      }
    }
    const allText = foldHeader(r.get("involvesAllAreas"));
    if (!YES.has(allText) && !NO.has(allText)) {
      problems.at(
        sheet,
        r.row,
        r.column("involvesAllAreas"),
        `valore «${r.get("involvesAllAreas")}» non valido: scrivi «sì» o lascia vuoto.`,
      );
    }
    const involvedAreaCodes = r
      .get("involvedAreaCodes")
      .split(/[,;]/)
      .map((s) => s.trim())
      .filter(Boolean);
    for (const c of involvedAreaCodes) {
      if (!areaCodes.has(c))
        problems.at(sheet, r.row, r.column("involvedAreaCodes"), `l'area ${c} non è nel foglio «${areaSheet.name}».`);
    }
    activities.push({
      code,
      printedCode: r.get("printedCode"),
      objectiveCode,
      title,
      description: r.get("description"),
      indicatorName,
      indicatorIndex,
      targetText,
      involved: r.get("involved") || null,
      involvesAllAreas: YES.has(allText),
      involvedAreaCodes,
      position: activities.length + 1,
      target,
      weight: weightOf(sheet, r, "weight"),
    });
  }
  if (located.length === 0 && !problems.list.some((p) => p.includes(`«${activitySheet.name}»`))) {
    problems.sheet(
      activitySheet.name,
      "non contiene nessuna attività: serve almeno una riga con codice, obiettivo e titolo.",
    );
  }

  // Anomalie (facoltativo: lo scrive l'esportazione di un piano letto da un documento)
  const anomalies: PlanAnomaly[] = [];
  const anomalySheet = findSheet(wb, SHEET.anomalies);
  if (anomalySheet) {
    for (const r of rowsOf(anomalySheet, ANOMALY_COLUMNS, problems)) {
      anomalies.push({ kind: r.get("kind"), code: r.get("code"), message: r.get("message") });
    }
  }

  problems.throwIfAny(sourceName);
  return { year: year!, entity, sourceName, areas, objectives, activities, anomalies };
}
