import { romeDay } from "../domain/calendar/days.ts";
import { itDate, itNumber } from "../domain/text/italian.ts";
import {
  validationFlags,
  type Relazione,
  type RelazioneActivity,
  type RelazioneObjective,
  type RelazioneSection,
} from "./relazione.ts";
import { XlsxWriter, type XlsxSheet, type XlsxStyle } from "./xlsx-writer.ts";

/**
 * The Relazione as a workbook: a "Riepilogo" sheet, one sheet per area and one for the
 * Comune-wide objectives. Percentages are real numbers (fractions shown as %), dates real
 * dates, so the Nucleo can sort, filter and recompute.
 *
 * Written row by row into the zip by xlsx-writer.ts (at 100,000 activities exceljs's cell and
 * style objects made the sheet the slower half of the export); each style is made once per
 * column and kind of row.
 */

export const SUMMARY_SHEET = "Riepilogo";
export const COMUNE_WIDE_SHEET = "Obiettivi dell'ente";
export const AT_RISK_SHEET = "A rischio";
export const OBJECTIVES_SHEET = "Obiettivi";

/** Row of the column headers in every sheet (1: title, 2: result line). */
export const HEADER_ROW = 3;

const FORBIDDEN = /[[\]:*?/\\]/g;

/** Excel's rules: at most 31 characters, none of []:*?/\, not starting or ending with an apostrophe, unique. */
export function sheetName(wanted: string, taken: Set<string>): string {
  const base =
    wanted
      .replace(FORBIDDEN, " ")
      .replace(/\s+/g, " ")
      .trim()
      .replace(/^'+|'+$/g, "") || "Foglio";
  let name = base.slice(0, 31).trim();
  for (let i = 2; taken.has(name.toLowerCase()); i++) {
    const suffix = ` (${i})`;
    name = `${base.slice(0, 31 - suffix.length).trim()}${suffix}`;
  }
  taken.add(name.toLowerCase());
  return name;
}

interface Col {
  header: string;
  width: number;
  kind?: "percent" | "date" | "number" | "text";
}

const HEADER_FILL = "FF1F4E79";
const OBJECTIVE_FILL = "FFDDEBF7";
const TOTAL_FILL = "FFF2F2F2";
const WHITE = "FFFFFFFF";

type CellValue = string | number | Date | null;

/** A fraction for a % cell. */
const frac = (p: number | null): number | null => (p == null ? null : p / 100);
/** An ISO day as a date cell (UTC midnight: Excel dates have no time zone). */
const dateCell = (iso: string | null | undefined): Date | null =>
  iso ? new Date(`${iso.slice(0, 10)}T00:00:00Z`) : null;

type RowKind = "plain" | "objective" | "total" | "header";

/** One style per column and kind of row, shared by every cell that has it. */
interface Sheet {
  ws: XlsxSheet;
  styles: Record<RowKind, number[]>;
}

const NUM_FMT: Record<NonNullable<Col["kind"]>, string | undefined> = {
  percent: "0.0%",
  date: "dd/mm/yyyy",
  number: "#,##0.##",
  text: undefined,
};

function stylesOf(wb: XlsxWriter, cols: Col[]): Sheet["styles"] {
  const make = (extra: XlsxStyle) =>
    cols.map((c) => {
      const numFmt = c.kind ? NUM_FMT[c.kind] : undefined;
      return wb.style({ ...(numFmt ? { numFmt } : {}), vertical: "top", wrap: true, ...extra });
    });
  return {
    plain: make({}),
    objective: make({ fill: OBJECTIVE_FILL, bold: true }),
    total: make({ fill: TOTAL_FILL, bold: true }),
    header: make({ fill: HEADER_FILL, bold: true, color: WHITE }),
  };
}

/** A sheet with its title (row 1), result line (row 2) and column headers (HEADER_ROW), frozen and filtered. */
function addSheet(wb: XlsxWriter, name: string, title: string, subtitle: string, cols: Col[]): Sheet {
  const ws = wb.sheet(name, {
    widths: cols.map((c) => c.width),
    columnStyles: cols.map((c) => {
      const numFmt = c.kind ? NUM_FMT[c.kind] : undefined;
      return numFmt ? wb.style({ numFmt }) : undefined;
    }),
    frozenRows: HEADER_ROW,
    filterRow: HEADER_ROW,
  });
  ws.row([title], [wb.style({ bold: true, size: 14 })]);
  ws.row([subtitle], [wb.style({ italic: true })]);
  const header = wb.style({
    bold: true,
    color: WHITE,
    fill: HEADER_FILL,
    vertical: "middle",
    wrap: true,
    bottomBorder: true,
  });
  ws.row(
    cols.map((c) => c.header),
    header,
    30,
  );
  return { ws, styles: stylesOf(wb, cols) };
}

/** Writes the next row: plain rows style only their values; the coloured ones fill the empty cells too. */
function addRow(sheet: Sheet, values: CellValue[], kind: RowKind = "plain"): void {
  const styles = sheet.styles[kind];
  sheet.ws.row(values, kind === "plain" ? values.map((v, i) => (v === null ? undefined : styles[i])) : styles);
}

const ACTIVITY_COLS: Col[] = [
  { header: "Obiettivo", width: 10 },
  { header: "Peso", width: 8, kind: "percent" },
  { header: "Attività", width: 10 },
  { header: "Titolo", width: 40 },
  { header: "Indicatore", width: 30 },
  { header: "Valore atteso", width: 22 },
  { header: "Scadenza", width: 12, kind: "date" },
  { header: "Stato", width: 13 },
  { header: "Valore raggiunto", width: 18 },
  { header: "Data", width: 12, kind: "date" },
  { header: "% raggiunta", width: 11, kind: "percent" },
  { header: "Esito", width: 16 },
  { header: "Spiegazione", width: 60 },
  { header: "Scostamento (punti %)", width: 12, kind: "number" },
  { header: "Causa", width: 24 },
  { header: "Spiegazione scostamento", width: 40 },
  { header: "Azione correttiva", width: 36 },
  { header: "Nuova data prevista", width: 12, kind: "date" },
  { header: "Evidenze", width: 40 },
  { header: "Ultima segnalazione di", width: 22 },
  { header: "Ultima segnalazione il", width: 12, kind: "date" },
  { header: "Verifiche del Nucleo", width: 50 },
];

function activityValues(o: RelazioneObjective, a: RelazioneActivity, lateEntryDays: number): CellValue[] {
  const d = a.deviation;
  return [
    o.code,
    null,
    a.printedCode && a.printedCode !== a.code ? `${a.code} (stampata ${a.printedCode})` : a.code,
    a.title,
    a.indicatorIndex ? `${a.indicator} (${a.indicatorIndex})` : a.indicator,
    a.targetText,
    dateCell(a.deadline),
    a.statusLabel,
    a.achieved,
    dateCell(a.achievedOn),
    frac(a.percent),
    a.provisional && a.scoreState === "valutata" ? "valutata (provvisoria)" : a.scoreStateLabel,
    a.explanation,
    d?.gap ?? null,
    d?.causeLabel ?? null,
    d?.explanation ?? null,
    d?.correctiveAction ?? null,
    dateCell(d?.newExpectedDate),
    a.evidence.length ? a.evidence.map((e) => `${e.text} (${e.by.label}, ${itDate(romeDay(e.at))})`).join("\n") : null,
    a.reportedBy?.label ?? null,
    a.reportedAt ? dateCell(romeDay(a.reportedAt)) : null,
    validationFlags(a, lateEntryDays).join("\n") || null,
  ];
}

function sectionSheet(wb: XlsxWriter, taken: Set<string>, r: Relazione, s: RelazioneSection): void {
  const wanted = s.kind === "ente" ? COMUNE_WIDE_SHEET : `${s.code} ${s.name.replace(/^Area\s+/i, "")}`;
  const title =
    s.kind === "ente"
      ? `${s.name} — ${r.entity} ${r.year}`
      : `${s.code}. ${s.name}${s.head ? ` — Responsabile: ${s.head}` : ""}`;
  const result =
    s.percent == null
      ? `Risultato: non valutabile — ${s.explanation}`
      : `Risultato: ${itNumber(s.percent, 1)}%${s.points != null ? ` = ${itNumber(s.points, 2)} punti su ${itNumber(s.maxPoints)}` : ""} — ${s.explanation}`;
  const ws = addSheet(wb, sheetName(wanted, taken), title, result, ACTIVITY_COLS);
  for (const o of s.objectives) {
    const values: CellValue[] = Array(ACTIVITY_COLS.length).fill(null);
    values[0] = o.code;
    values[1] = frac(o.weight);
    values[3] = o.title;
    values[10] = frac(o.percent);
    values[11] =
      o.scoreState === "valutata"
        ? "valutato"
        : o.scoreState === "non_scaduta"
          ? "non ancora scaduto"
          : "non valutabile";
    values[12] = o.explanation;
    addRow(ws, values, "objective");
    for (const a of o.activities) addRow(ws, activityValues(o, a, r.lateEntryDays));
  }
  ws.ws.end();
}

const SUMMARY_COLS: Col[] = [
  { header: "Area", width: 44 },
  { header: "Responsabile", width: 22 },
  { header: "Obiettivi", width: 10, kind: "number" },
  { header: "Attività", width: 10, kind: "number" },
  { header: "Completate", width: 11, kind: "number" },
  { header: "Scadute", width: 10, kind: "number" },
  { header: "% raggiunta", width: 12, kind: "percent" },
  { header: "Punti", width: 9, kind: "number" },
  { header: "Punti massimi", width: 9, kind: "number" },
  { header: "Spiegazione", width: 80 },
];

function summarySheet(wb: XlsxWriter, taken: Set<string>, r: Relazione): void {
  const ws = addSheet(
    wb,
    sheetName(SUMMARY_SHEET, taken),
    `Relazione sulla performance ${r.year} — ${r.entity}`,
    `Dati al ${itDate(r.asOf)} · ${r.configLabel}`,
    SUMMARY_COLS,
  );
  const all = [...r.sections, ...(r.comuneWide.objectives.length ? [r.comuneWide] : [])];
  for (const s of all) {
    addRow(ws, [
      s.kind === "ente" ? s.name : `${s.code}. ${s.name}`,
      s.kind === "ente" ? "Tutti i responsabili" : s.head,
      s.objectives.length,
      s.counts.activities,
      s.counts.completed,
      s.counts.overdue,
      frac(s.percent),
      s.points,
      s.maxPoints,
      s.explanation,
    ]);
  }
  addRow(
    ws,
    [
      "Comune (media delle aree)",
      null,
      null,
      r.overall.counts.activities,
      r.overall.counts.completed,
      r.overall.counts.overdue,
      frac(r.overall.percent),
      null,
      null,
      r.overall.explanation,
    ],
    "total",
  );
  ws.ws.row([]);
  addRow(
    ws,
    ["Punti per responsabile", "Area", null, null, null, null, "% raggiunta", "Punti", "Punti massimi", "Spiegazione"],
    "header",
  );
  for (const h of r.heads) {
    for (const a of h.areas)
      addRow(ws, [
        h.head,
        `${a.code}. ${a.name}`,
        null,
        null,
        null,
        null,
        frac(a.percent),
        a.points,
        h.maxPoints,
        null,
      ]);
    if (h.areas.length > 1)
      addRow(
        ws,
        [h.head, "Media", null, null, null, null, frac(h.averagePercent), h.averagePoints, h.maxPoints, h.explanation],
        "total",
      );
  }
  ws.ws.end();
}

function monitoringSheets(wb: XlsxWriter, taken: Set<string>, r: Relazione): void {
  const m = r.monitoring!;
  const all = [...r.sections, ...(r.comuneWide.objectives.length ? [r.comuneWide] : [])];
  const sub = `Stato al ${itDate(r.asOf)} · percentuali provvisorie · «in scadenza» = entro ${m.dueWithinDays} giorni`;
  const summary = addSheet(
    wb,
    sheetName(SUMMARY_SHEET, taken),
    `Monitoraggio intermedio ${r.year} — ${r.entity}`,
    sub,
    [
      { header: "Area", width: 44 },
      { header: "Attività", width: 10, kind: "number" },
      { header: "Completate", width: 11, kind: "number" },
      { header: "In corso", width: 10, kind: "number" },
      { header: "Non iniziate", width: 11, kind: "number" },
      { header: "Bloccate", width: 10, kind: "number" },
      { header: "Scadute", width: 10, kind: "number" },
      { header: "A rischio", width: 10, kind: "number" },
      { header: "% provvisoria", width: 12, kind: "percent" },
      { header: "Spiegazione", width: 70 },
    ],
  );
  for (const s of all) {
    addRow(summary, [
      s.kind === "ente" ? s.name : `${s.code}. ${s.name}`,
      s.counts.activities,
      s.counts.completed,
      s.counts.inProgress,
      s.counts.notStarted,
      s.counts.blocked,
      s.counts.overdue,
      m.atRisk.filter((x) => x.sectionCode === s.code).length,
      frac(s.percent),
      s.explanation,
    ]);
  }
  summary.ws.end();
  const objectives = addSheet(wb, sheetName(OBJECTIVES_SHEET, taken), `Obiettivi al ${itDate(r.asOf)}`, sub, [
    { header: "Area", width: 10 },
    { header: "Obiettivo", width: 10 },
    { header: "Titolo", width: 50 },
    { header: "Peso", width: 8, kind: "percent" },
    { header: "% provvisoria", width: 12, kind: "percent" },
    { header: "Spiegazione", width: 80 },
  ]);
  for (const s of all)
    for (const o of s.objectives)
      addRow(objectives, [
        s.kind === "ente" ? "Ente" : s.code,
        o.code,
        o.title,
        frac(o.weight),
        frac(o.percent),
        o.explanation,
      ]);
  objectives.ws.end();
  const risk = addSheet(
    wb,
    sheetName(AT_RISK_SHEET, taken),
    `Attività a rischio al ${itDate(r.asOf)} (${m.atRisk.length})`,
    sub,
    [
      { header: "Area", width: 10 },
      { header: "Obiettivo", width: 10 },
      { header: "Attività", width: 10 },
      { header: "Titolo", width: 40 },
      { header: "Scadenza", width: 12, kind: "date" },
      { header: "Stato", width: 13 },
      { header: "Motivo", width: 60 },
      { header: "Proposta", width: 60 },
    ],
  );
  for (const x of m.atRisk) {
    addRow(risk, [
      x.sectionCode === "ENTE" ? "Ente" : x.sectionCode,
      x.objectiveCode,
      x.code,
      x.title,
      dateCell(x.deadline),
      x.statusLabel,
      x.reasons.join("\n"),
      x.proposals.join("\n"),
    ]);
  }
  risk.ws.end();
}

export async function renderRelazioneXlsx(r: Relazione): Promise<Buffer> {
  const wb = new XlsxWriter({
    creator: "Obiettivi",
    created: r.generatedAt,
    title: `${r.kind === "monitoraggio" ? "Monitoraggio intermedio" : "Relazione sulla performance"} ${r.year} — ${r.entity}`,
  });
  const taken = new Set<string>();
  if (r.kind === "monitoraggio") {
    monitoringSheets(wb, taken, r);
  } else {
    summarySheet(wb, taken, r);
    for (const s of r.sections) sectionSheet(wb, taken, r, s);
    if (r.comuneWide.objectives.length) sectionSheet(wb, taken, r, r.comuneWide);
  }
  if (r.variations.length) variationsSheet(wb, taken, r);
  return wb.finish();
}

/** "Variazioni intervenute": one row per field varied by the data date; removals as «stralciata». */
function variationsSheet(wb: XlsxWriter, taken: Set<string>, r: Relazione): void {
  const ws = addSheet(
    wb,
    sheetName("Variazioni intervenute", taken),
    `Variazioni intervenute al ${itDate(r.asOf)}`,
    `${r.variations.length} modifiche`,
    [
      { header: "Codice", width: 10 },
      { header: "Elemento", width: 16 },
      { header: "Valore originario", width: 30 },
      { header: "Valore variato", width: 30 },
      { header: "Atto", width: 40 },
      { header: "Data", width: 12, kind: "date" },
      { header: "Motivazione", width: 50 },
    ],
  );
  for (const v of r.variations)
    addRow(ws, [v.code, v.fieldLabel, v.fromText, v.toText, v.act, dateCell(v.validFrom), v.reason]);
  ws.ws.end();
}
