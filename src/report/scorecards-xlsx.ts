import type { ScorecardsInput } from "./relazione-docx.ts";
import { sheetName } from "./relazione-xlsx.ts";

/**
 * The schede di valutazione as a workbook: a "Riepilogo" sheet with one row per Responsabile
 * (points are numbers, so the Nucleo can recompute), and one sheet per Responsabile with the
 * parts, the behaviour criteria and the lines for signature and "presa visione".
 */
export async function renderScorecardsXlsx(set: ScorecardsInput): Promise<Uint8Array> {
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  wb.creator = "Obiettivi";
  const taken = new Set<string>();
  const bold = { bold: true };

  const summary = wb.addWorksheet(sheetName("Riepilogo", taken));
  summary.addRow([
    `Schede di valutazione ${set.year} — ${set.entity} — dati al ${set.asOf.split("-").reverse().join("/")}`,
  ]).font = { bold: true, size: 13 };
  const head = summary.addRow([
    "Responsabile",
    "Aree",
    "Obiettivi",
    "Performance organizzativa",
    "Comportamenti",
    "Totale",
    "Massimo",
    "Quota tempi di pagamento riconosciuta (%)",
  ]);
  head.font = bold;
  for (const s of set.scorecards) {
    summary.addRow([
      s.responsabile,
      s.areas.map((a) => a.code).join(", "),
      s.objectivesPoints,
      s.organisationalPoints,
      s.behaviourPoints,
      s.total,
      s.maxTotal,
      s.paymentTimes?.earnedShare ?? null,
    ]);
  }
  summary.columns.forEach((c, i) => {
    c.width = i === 0 ? 30 : i === 1 ? 14 : 18;
  });
  summary.views = [{ state: "frozen", ySplit: 2 }];

  for (const s of set.scorecards) {
    const ws = wb.addWorksheet(sheetName(s.responsabile, taken));
    ws.getColumn(1).width = 8;
    ws.getColumn(2).width = 70;
    ws.getColumn(3).width = 12;
    ws.getColumn(4).width = 12;
    ws.addRow([`Scheda di valutazione ${set.year} — ${s.responsabile}`]).font = { bold: true, size: 13 };
    ws.addRow(["", `Aree: ${s.areas.map((a) => `${a.code} ${a.name}`).join("; ")}`]);
    ws.addRow([]);
    ws.addRow(["", "Componente", "Punti", "Massimo"]).font = bold;
    for (const a of s.areas)
      ws.addRow(["", `Obiettivi dell'area ${a.code} ${a.name}`, a.objectivesPoints, s.objectivesMaxPoints]);
    ws.addRow(["", "Obiettivi di performance individuale", s.objectivesPoints, s.objectivesMaxPoints]);
    ws.addRow([
      "",
      "Performance organizzativa (obiettivi dell'ente)",
      s.organisationalPoints,
      s.organisationalMaxPoints,
    ]);
    ws.addRow([
      "",
      `Comportamenti organizzativi${s.behavioursEntered ? "" : " (non ancora inseriti)"}`,
      s.behaviourPoints,
      s.behaviourMaxPoints,
    ]);
    ws.addRow(["", "TOTALE", s.total, s.maxTotal]).font = bold;
    ws.addRow([]);
    ws.addRow(["N.", "Criterio di valutazione dei comportamenti", "Punti", "Massimo"]).font = bold;
    for (const b of s.behaviours) ws.addRow([b.number, b.title, b.points, b.maxPoints]);
    ws.addRow([]);
    for (const line of s.explanation) ws.addRow(["", line]);
    ws.addRow([]);
    ws.addRow(["", "Il Nucleo di Valutazione ______________________________"]);
    ws.addRow(["", "Il Segretario Comunale ______________________________"]);
    ws.addRow([
      "",
      `Per presa visione, il Responsabile (${s.responsabile}) ______________________________  Data __________`,
    ]);
    ws.getColumn(2).alignment = { wrapText: true, vertical: "top" };
    ws.getColumn(3).numFmt = "0.00";
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
