import { Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from "docx";
import { describe, expect, it } from "vitest";
import { cellText, gridCells, type DocTable } from "../../src/plan-import/document/model.ts";
import { readDocxBlocks, readDocxPlan } from "../../src/plan-import/docx/read-docx.ts";
import { PlanFormatError } from "../../src/plan-import/errors.ts";

const p = (text: string, bullet = false) =>
  new Paragraph({
    children: [new TextRun(text)],
    ...(bullet ? { bullet: { level: 0 } } : {}),
  });
const c = (children: (Paragraph | Table)[], opts: { columnSpan?: number; rowSpan?: number } = {}) =>
  new TableCell({ children, ...opts });

async function docx(children: (Paragraph | Table)[]): Promise<Uint8Array> {
  return new Uint8Array(await Packer.toBuffer(new Document({ sections: [{ children }] })));
}

describe("reading Word tables", () => {
  it("merged cells (across and down), paragraphs and lists inside cells, nested tables, paragraphs between tables", async () => {
    const nested = new Table({
      rows: [new TableRow({ children: [c([p("interna A")]), c([p("interna B")])] })],
    });
    const data = await docx([
      p("Obiettivi di performance organizzativa"),
      new Table({
        rows: [
          new TableRow({
            children: [c([p("Fase")], { rowSpan: 2 }), c([p("Tempi")], { columnSpan: 2 })],
          }),
          new TableRow({ children: [c([p("Inizio")]), c([p("Fine")])] }),
          new TableRow({
            children: [c([p("Prima riga"), p("voce uno", true), p("voce due", true)]), c([p("gennaio")]), c([nested])],
          }),
        ],
      }),
      p("Area Tecnica"),
    ]);
    const blocks = await readDocxBlocks(data, "prova.docx");
    expect(blocks.map((b) => b.kind)).toEqual(["paragraph", "table", "paragraph"]);
    expect(blocks[0]).toMatchObject({
      text: "Obiettivi di performance organizzativa",
    });
    const table = blocks[1] as DocTable;
    expect(table.rows[0]!.cells.map((x) => [cellText(x), x.colSpan, x.rowSpan])).toEqual([
      ["Fase", 1, 2],
      ["Tempi", 2, 1],
    ]);
    expect(gridCells(table.rows[0]!).map(cellText)).toEqual(["Fase", "Tempi", ""]);
    expect(table.rows[1]!.cells.map((x) => [cellText(x), !!x.merged])).toEqual([
      ["", true],
      ["Inizio", false],
      ["Fine", false],
    ]);
    expect(table.rows[2]!.cells[0]!.paragraphs).toEqual(["Prima riga", "- voce uno", "- voce due"]);
    const inner = table.rows[2]!.cells[2]!.tables![0]!;
    expect(inner.rows[0]!.cells.map(cellText)).toEqual(["interna A", "interna B"]);
  });

  it("a document with tables of no known layout: the tables found, the headers expected, the Excel template", async () => {
    const data = await docx([
      p("Relazione di fine mandato"),
      new Table({
        rows: [
          new TableRow({
            children: [c([p("Voce")]), c([p("Importo")]), c([p("Note")])],
          }),
          new TableRow({
            children: [c([p("Spese")]), c([p("100")]), c([p("")])],
          }),
        ],
      }),
    ]);
    const err = await readDocxPlan(data, "relazione.docx").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlanFormatError);
    expect((err as PlanFormatError).code).toBe("document_unknown_layout");
    const message = (err as Error).message;
    expect(message).toContain("Non riconosco la struttura del piano nel documento «relazione.docx»");
    expect(message).toContain("tabella 1, 2 righe: «Voce | Importo | Note»");
    expect(message).toContain("ATTIVITA' E FASI | INDICATORE | INDICE | VALORE ATTESO");
    expect(message).toContain("«Obiettivo n.», «Titolo»");
    expect(message).toContain("obiettivi esporta-modello --output modello.xlsx");
  });

  it("an empty document and a scheda without phases are refused, never half a plan", async () => {
    const empty = await readDocxPlan(await docx([p("")]), "vuoto.docx").catch((e: unknown) => e);
    expect((empty as PlanFormatError).code).toBe("document_empty");
    const schedaOnly = await docx([
      p("Piano degli obiettivi 2025"),
      new Table({
        rows: [
          ["Obiettivo n.", "1"],
          ["Titolo", "Sportello unico"],
          ["Peso", "100%"],
        ].map(([k, v]) => new TableRow({ children: [c([p(k!)]), c([p(v!)])] })),
      }),
      new Table({
        rows: [new TableRow({ children: [c([p("Fase")]), c([p("Scadenza")])] })],
      }),
    ]);
    const err = await readDocxPlan(schedaOnly, "schede.docx").catch((e: unknown) => e);
    expect((err as PlanFormatError).code).toBe("document_no_phases");
    expect((err as Error).message).toMatch(/1 scheda obiettivo ma nessuna fase/);
  });
});

describe("schede written as paragraphs, other names for areas and heads", () => {
  const row = (cells: string[]) => new TableRow({ children: cells.map((t) => c([p(t)])) });
  const table = (rows: string[][]) => new Table({ rows: rows.map(row) });

  it("«Obiettivo n. 1 – Titolo» and «Peso: 30 punti» as paragraphs, U.O. headings, a phase table under synonyms; wrong sums reported", async () => {
    const data = await docx([
      p("Comune di Pratolungo"),
      p("Piano esecutivo di gestione – obiettivi anno 2026"),
      p("U.O. 1 – Segreteria e affari generali"),
      p("Titolare di P.O.: Elena Russo"),
      p("Obiettivo n. 1 – Regolamento del Consiglio comunale"),
      p("Descrizione: revisione del regolamento di funzionamento."),
      p("Peso: 30 punti"),
      table([
        ["Azione", "Valore atteso", "Termine", "Peso della fase"],
        ["Bozza in commissione", "Bozza depositata", "31 marzo", "40%"],
        ["Approvazione in Consiglio", "Delibera", "30/09/2026", "40%"],
      ]),
      p("Obiettivo n. 2 – Archivio storico"),
      p("Peso: 50 punti"),
      table([
        ["Attività", "Tempi"],
        ["Riordino dei fascicoli 1950-1980", "IV trimestre"],
      ]),
    ]);
    const plan = await readDocxPlan(data, "pratolungo.docx");
    expect(plan.year).toBe(2026);
    expect(plan.entity).toBe("Comune di Pratolungo");
    expect(plan.areas).toEqual([
      {
        code: "01",
        name: "U.O. Segreteria e affari generali",
        head: "Elena Russo",
        position: 1,
      },
    ]);
    expect(plan.objectives.map((o) => [o.code, o.title, o.weight, o.description])).toEqual([
      ["1.1", "Regolamento del Consiglio comunale", 30, "revisione del regolamento di funzionamento."],
      ["1.2", "Archivio storico", 50, ""],
    ]);
    expect(plan.activities.map((a) => [a.code, a.title, a.targetText, a.target.deadline, a.weight])).toEqual([
      ["1.1.1", "Bozza in commissione", "Bozza depositata", "2026-03-31", 40],
      ["1.1.2", "Approvazione in Consiglio", "Delibera", "2026-09-30", 40],
      ["1.2.1", "Riordino dei fascicoli 1950-1980", "IV trimestre", "2026-12-31", null],
    ]);
    expect(plan.anomalies.map((a) => a.kind)).toEqual(["phase_weights", "objective_weights"]);
    expect(plan.anomalies[0]!.message).toBe("Nell'obiettivo 1.1 i pesi delle fasi sommano a 80: attesi 100.");
    expect(plan.anomalies[1]!.message).toContain("sommano a 80: attesi 100");
  });
});

describe("a whole plan laid out inside one table cell", () => {
  it("the cell's headings and tables are read in their order", async () => {
    const row = (cells: string[]) => new TableRow({ children: cells.map((t) => c([p(t)])) });
    const inner = (rows: string[][]) => new Table({ rows: rows.map(row) });
    const wrapper = new Table({
      rows: [
        new TableRow({
          children: [
            c([
              p("Comune di Sassalbo – Piano degli obiettivi 2025"),
              p("Settore 1 – Servizi generali"),
              p("Responsabile: Ida Conti"),
              inner([
                ["Obiettivo n.", "1"],
                ["Titolo", "Protocollo informatico"],
                ["Peso", "100%"],
              ]),
              inner([
                ["Fase", "Scadenza"],
                ["Formazione del personale", "30/04/2025"],
              ]),
              p("Settore 2 – Tecnico"),
              p("Responsabile: Leo Sala"),
              inner([
                ["Obiettivo n.", "1"],
                ["Titolo", "Strade"],
              ]),
              inner([
                ["Fase", "Scadenza"],
                ["Asfaltature", "31/07/2025"],
              ]),
            ]),
          ],
        }),
      ],
    });
    const plan = await readDocxPlan(await docx([wrapper]), "sassalbo.docx");
    expect(plan.areas.map((a) => [a.code, a.head])).toEqual([
      ["01", "Ida Conti"],
      ["02", "Leo Sala"],
    ]);
    expect(plan.activities.map((a) => [a.code, a.objectiveCode, a.target.deadline])).toEqual([
      ["1.1.1", "1.1", "2025-04-30"],
      ["2.1.1", "2.1", "2025-07-31"],
    ]);
  });
});
