import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/index.ts";
import { fixedClock } from "../../src/clock.ts";
import { buildRelazione, type Relazione, type RelazioneActivity } from "../../src/report/relazione.ts";
import { CSV_COLUMNS, renderRelazioneCsv } from "../../src/report/relazione-csv.ts";
import { renderRelazioneMarkdown } from "../../src/report/relazione-md.ts";
import { HEADER_ROW, renderRelazioneXlsx, sheetName } from "../../src/report/relazione-xlsx.ts";
import { testDatabase } from "../helpers/db.ts";
import { loadLeggiunoFixture } from "./leggiuno-fixture.ts";

type TestDb = Awaited<ReturnType<typeof testDatabase>>;

const YEAR_END = "2025-01-31";
const MID_YEAR = "2024-06-30";

// Expected figures, derived by hand from the fixture (see leggiuno-fixture.ts).
const O31 = (100 + 50 + 0 + 0 + 75 + 100) / 6; // 3.1.1 non valutabile
const O32 = 80 / 5;
const O33 = 75 / 7;
const O34 = 100 / 4;
const AREA03 = (O31 + O32 + O33 + O34) / 4;
const AREA01 = (100 / 5 + 25 / 5 + 0 + 0) / 4; // 6,25%
const AREA02 = (80 / 5 + 0 + 100) / 3; // 2.2 non valutabile
const ENTE = (75 + 50) / 8;

async function cli(args: string[]) {
  let out = "";
  let err = "";
  const code = await runCli(args, { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

function findActivity(r: Relazione, code: string): RelazioneActivity {
  for (const s of [...r.sections, r.comuneWide])
    for (const o of s.objectives) for (const a of o.activities) if (a.code === code) return a;
  throw new Error(`attività ${code} assente`);
}

describe("Relazione sulla performance, Leggiuno 2024", () => {
  let t: TestDb;
  let rel: Relazione;
  let mon: Relazione;
  let dir: string;
  let savedUrl: string | undefined;

  beforeAll(async () => {
    t = await testDatabase();
    await loadLeggiunoFixture(t.db);
    rel = await buildRelazione(t.db, { year: 2024, asOf: YEAR_END, now: fixedClock(YEAR_END)() });
    mon = await buildRelazione(t.db, { year: 2024, asOf: MID_YEAR, now: fixedClock(MID_YEAR)(), monitoring: true });
    dir = mkdtempSync(path.join(tmpdir(), "relazione-"));
    savedUrl = process.env.DATABASE_URL;
    process.env.DATABASE_URL = t.url;
  });
  afterAll(async () => {
    process.env.DATABASE_URL = savedUrl;
    rmSync(dir, { recursive: true, force: true });
    await t.dispose();
  });

  describe("the model", () => {
    it("scores every reported activity by its rule, with the configured bands", () => {
      const expectPct = (code: string, pct: number | null, rule: string) => {
        const a = findActivity(rel, code);
        expect(a.percent === null ? null : Number(a.percent.toFixed(6)), code).toBe(pct);
        expect(a.rule, code).toBe(rule);
      };
      expectPct("3.1.2", 100, "deadline.on_time");
      expectPct("3.1.3", 50, "deadline.late_bands");
      expectPct("3.1.4", 0, "deadline.open_overdue");
      expectPct("3.1.5", 0, "deadline.open_overdue");
      expectPct("3.1.6", 75, "amount.ratio");
      expectPct("3.1.7", 100, "count.ratio");
      expectPct("3.1.1", null, "text.manual");
      expectPct("3.2.1", 80, "percentage.ratio");
      expectPct("3.3.2", 75, "count.ratio");
      expectPct("1.2.7", 25, "deadline.late_bands");
      expectPct("2.1.4", 80, "percentage.ratio");
      expectPct("E1.1", 75, "upper_bound.ratio");
      expectPct("E5.2", 100, "count.ratio");
      expect(findActivity(rel, "3.1.3").explanation).toBe(
        "Scadenza 31/10/2024, completata il 15/11/2024: 10 giorni lavorativi di ritardo -> fascia fino a 30 giorni = 50%",
      );
      expect(findActivity(rel, "1.2.7").explanation).toBe(
        "Scadenza 31/03/2024, completata il 20/05/2024: 33 giorni lavorativi di ritardo -> fascia 31-60 giorni = 25%",
      );
      expect(findActivity(rel, "3.3.2").explanation).toBe(
        "Valore atteso «> 2 al mese»; al 31/12/2024 trascorsi 12 mesi (anno 2024) -> atteso 24; registrati 18: 18/24 = 75%",
      );
    });

    it("an undone report counts neither for the value nor as evidence", () => {
      const a = findActivity(rel, "3.2.1");
      expect(a.achieved).toBe("80%");
      expect(a.evidence).toEqual([]);
    });

    it("objectives, areas, the Comune-wide section and the heads", () => {
      const area = (code: string) => rel.sections.find((s) => s.code === code)!;
      const obj = (code: string) =>
        [...rel.sections, rel.comuneWide].flatMap((s) => s.objectives).find((o) => o.code === code)!;
      expect(obj("3.1").percent).toBeCloseTo(O31, 9);
      expect(obj("3.1").explanation).toBe(
        "Media di 6 attività valutate: (100 + 50 + 0 + 0 + 75 + 100)/6 = 54,17%; 1 attività non valutabile esclusa",
      );
      expect(obj("3.3").percent).toBeCloseTo(O33, 9);
      expect(obj("2.2")).toMatchObject({ percent: null, scoreState: "non_valutabile" });
      expect(area("03").percent).toBeCloseTo(AREA03, 9);
      expect(area("03").points).toBeCloseTo((AREA03 / 100) * 40, 9);
      expect(area("03").counts).toEqual({
        activities: 23,
        completed: 3,
        inProgress: 5,
        notStarted: 14,
        blocked: 1,
        overdue: 5,
      });
      expect(area("01").points).toBeCloseTo(2.5, 9);
      expect(area("02").percent).toBeCloseTo(AREA02, 9);
      expect(area("04").points).toBe(0);
      expect(rel.comuneWide.percent).toBeCloseTo(ENTE, 9);
      expect(rel.comuneWide.points).toBeCloseTo((ENTE / 100) * 10, 9);
      expect(rel.overall.percent).toBeCloseTo((AREA01 + AREA02 + AREA03) / 5, 9);

      const sartori = rel.heads.find((h) => h.head === "Clarissa Sartori")!;
      expect(sartori.areas.map((a) => a.code)).toEqual(["01", "02"]);
      expect(sartori.averagePoints).toBeCloseTo((2.5 + (AREA02 / 100) * 40) / 2, 9);
      expect(rel.heads.map((h) => h.head)).toEqual([
        "Clarissa Sartori",
        "Claudia Nodari",
        "Ettore Bezzolato",
        "Chiara Sereno",
      ]);
    });

    it("deviations carry the latest cause, in Italian, with explanation and corrective action", () => {
      expect(findActivity(rel, "3.1.4").deviation).toMatchObject({
        gap: 100,
        cause: "carenza_personale",
        causeLabel: "carenza di personale",
        explanation: "Tecnico comunale in malattia da luglio",
        correctiveAction: "Incarico esterno di supporto al RUP",
        newExpectedDate: "2025-03-31",
        by: { id: "U0NODARI", label: "Claudia Nodari (U0NODARI)" },
      });
      expect(findActivity(rel, "3.1.3").deviation).toMatchObject({
        gap: 50,
        causeLabel: "ritardo di altri enti o uffici",
      });
      expect(findActivity(rel, "3.2.4").deviation).toMatchObject({
        causeLabel: "causa non indicata",
        explanation: "In attesa del parere regionale sulla VAS",
      });
      expect(findActivity(rel, "3.1.2").deviation).toBeNull();
      expect(findActivity(rel, "3.1.1").deviation).toBeNull(); // non valutabile: no invented gap
    });

    it("evidence and who reported it, when", () => {
      const a = findActivity(rel, "3.1.3");
      expect(a.evidence).toHaveLength(1);
      expect(a.evidence[0]).toMatchObject({
        text: "https://albo.comune.leggiuno.va.it/atto/2024/881",
        by: { label: "Mario Bianchi (U0BIANCHI)" },
        occurredOn: "2024-11-15",
      });
      expect(a.reportedBy?.label).toBe("Mario Bianchi (U0BIANCHI)");
      expect(a.achievedOn).toBe("2024-11-15");
    });
  });

  describe("Markdown", () => {
    let md: string;
    beforeAll(() => {
      md = renderRelazioneMarkdown(rel);
    });

    it("summary, heads and the area heading", () => {
      expect(md).toContain("# Relazione sulla performance 2024 — Comune di Leggiuno");
      expect(md).toContain("Dati al 31/01/2025 · configurazione SMVP 2024 versione 1");
      expect(md).toContain("| 03. Area Tecnico Manutentiva | Claudia Nodari | 4 | 23 | 3 | 5 | 26,5% | 10,59 / 40 |");
      expect(md).toContain(
        "| 02. Area Economico Finanziaria | Clarissa Sartori | 4 | 14 | 1 | 4 | 38,7% | 15,47 / 40 |",
      );
      expect(md).toContain(
        "| Obiettivi di performance organizzativa (dell'ente) | Tutti i responsabili | 8 | 16 | 0 | 8 | 15,6% | 1,56 / 10 |",
      );
      expect(md).toContain("| Clarissa Sartori | 01. Area Affari Generali | 6,3% | 2,5 / 40 |");
      expect(md).toContain("| Clarissa Sartori | Media | 22,5% | 8,98 / 40 |");
      expect(md).toContain("## 03. Area Tecnico Manutentiva — Responsabile: Claudia Nodari");
      expect(md).toContain("## Obiettivi di performance organizzativa (dell'ente)");
    });

    it("each activity: indicator, target, achieved value and date, percentage", () => {
      expect(md).toContain(
        "| 3.1.3 Lavori di messa in sicurezza e abbattimento barriere architettoniche in Via Piave | Realizzazione opere (Tempo previsto) | 31 Ottobre 2024 | 31/10/2024 | completata | completata il 15/11/2024 | 15/11/2024 | 50% |",
      );
      expect(md).toMatch(
        /\| 3\.1\.6 [^|]+ \| [^|]+ \| > 200\.000,00 Euro \| — \| in corso \| 150\.000,00 € \| 01\/10\/2024 \| 75% \|/,
      );
      expect(md).toMatch(
        /\| 3\.1\.1 [^|]+ \| [^|]+ \| Entro termini di legge \| — \| non iniziata \| nessun dato \| — \| non valutabile \|/,
      );
      expect(md).toContain(
        "- 3.1.3: Scadenza 31/10/2024, completata il 15/11/2024: 10 giorni lavorativi di ritardo -> fascia fino a 30 giorni = 50%",
      );
    });

    it("deviations and evidence", () => {
      expect(md).toContain(
        "- 3.1.4 (scostamento 100 punti percentuali): causa: carenza di personale; spiegazione: Tecnico comunale in malattia da luglio; azione correttiva: Incarico esterno di supporto al RUP; nuova data prevista: 31/03/2025; indicata da Claudia Nodari (U0NODARI) il 20/09/2024",
      );
      expect(md).toContain(
        "- 3.2.4 (scostamento 100 punti percentuali): causa: causa non indicata; spiegazione: In attesa del parere regionale sulla VAS",
      );
      expect(md).toContain(
        "- 3.1.2: evidenze: Det. n. 245/2024 (Claudia Nodari (U0NODARI), 20/12/2024) — ultima segnalazione di Claudia Nodari (U0NODARI) il 20/12/2024",
      );
      expect(md).not.toContain("Prot. 999");
    });
  });

  describe("CSV", () => {
    let raw: string;
    let rows: Record<string, string>[];
    beforeAll(() => {
      raw = renderRelazioneCsv(rel);
      rows = parse(raw, { bom: true, delimiter: ";", columns: true }) as Record<string, string>[];
    });

    it("UTF-8 with BOM, ';' separators, Italian headers", () => {
      expect(raw.startsWith("\uFEFF")).toBe(true);
      expect(raw.split("\r\n")[0]).toBe(`\uFEFF${CSV_COLUMNS.join(";")}`);
      expect(Object.keys(rows[0]!)).toEqual([...CSV_COLUMNS]);
    });

    it("activity rows value by value, with Italian decimals", () => {
      const a = rows.find((r) => r.Livello === "attività" && r["Attività"] === "3.1.3")!;
      expect(a).toMatchObject({
        Sezione: "Area 03",
        Area: "Area Tecnico Manutentiva",
        Responsabile: "Claudia Nodari",
        Obiettivo: "3.1",
        "Peso %": "10",
        Indicatore: "Realizzazione opere",
        "Valore atteso": "31 Ottobre 2024",
        Scadenza: "31/10/2024",
        Stato: "completata",
        "Data raggiungimento": "15/11/2024",
        "% raggiunta": "50",
        "Esito valutazione": "valutata",
        Regola: "Scadenza: fasce di ritardo",
        "Scostamento (punti %)": "50",
        "Causa scostamento": "ritardo di altri enti o uffici",
        "Spiegazione scostamento": "Parere della Soprintendenza arrivato il 05/11/2024",
        "Azione correttiva": "Sollecito formale e cronoprogramma rivisto",
        "Nuova data prevista": "15/11/2024",
        "Causa indicata da": "Claudia Nodari (U0NODARI)",
        "Causa indicata il": "02/11/2024",
        Evidenze: "https://albo.comune.leggiuno.va.it/atto/2024/881 (Mario Bianchi (U0BIANCHI), 15/11/2024)",
        "Ultima segnalazione di": "Mario Bianchi (U0BIANCHI)",
        "Ultima segnalazione il": "15/11/2024",
      });
      expect(rows.find((r) => r.Livello === "attività" && r["Attività"] === "3.1.6")).toMatchObject({
        "Valore raggiunto": "150.000,00 €",
        "% raggiunta": "75",
      });
      expect(rows.find((r) => r.Livello === "attività" && r["Attività"] === "3.1.1")).toMatchObject({
        "% raggiunta": "",
        "Esito valutazione": "non valutabile",
      });
      expect(rows.filter((r) => r.Livello === "attività")).toHaveLength(121);
    });

    it("objective, area, Comune and head rows", () => {
      expect(rows.find((r) => r.Livello === "obiettivo" && r.Obiettivo === "3.1")!["% raggiunta"]).toBe("54,17");
      expect(rows.find((r) => r.Livello === "area" && r.Sezione === "Area 03")).toMatchObject({
        "% raggiunta": "26,47",
        Punti: "10,59",
        "Punti massimi": "40",
      });
      expect(rows.find((r) => r.Livello === "ente")).toMatchObject({
        "% raggiunta": "15,63",
        Punti: "1,56",
        "Punti massimi": "10",
      });
      expect(rows.find((r) => r.Livello === "comune")!["% raggiunta"]).toBe("14,28");
      expect(rows.find((r) => r.Livello === "responsabile" && r.Sezione === "Media")).toMatchObject({
        Responsabile: "Clarissa Sartori",
        Punti: "8,98",
      });
    });
  });

  describe("XLSX, read back with exceljs", () => {
    let wb: ExcelJS.Workbook;
    beforeAll(async () => {
      wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await renderRelazioneXlsx(rel)) as unknown as ExcelJS.Buffer);
    });

    it("a summary sheet, one per area and one for the Comune-wide objectives, with valid names", () => {
      const names = wb.worksheets.map((w) => w.name);
      expect(names).toEqual([
        "Riepilogo",
        "01 Affari Generali",
        "02 Economico Finanziaria",
        "03 Tecnico Manutentiva",
        "04 Polizia Locale",
        "05 Servizi Sociali",
        "Obiettivi dell'ente",
      ]);
      for (const n of names) {
        expect(n.length).toBeLessThanOrEqual(31);
        expect(n).not.toMatch(/[[\]:*?/\\]/);
      }
    });

    it("frozen, styled header rows and set column widths", () => {
      for (const ws of wb.worksheets) {
        expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: HEADER_ROW });
        expect(ws.getRow(HEADER_ROW).getCell(1).font?.bold).toBe(true);
        expect(ws.getColumn(1).width).toBeGreaterThan(5);
      }
    });

    it("area sheet: activity and objective rows value by value", () => {
      const ws = wb.getWorksheet("03 Tecnico Manutentiva")!;
      const header = (ws.getRow(HEADER_ROW).values as unknown[]).slice(1);
      const col = (name: string) => header.indexOf(name) + 1;
      const rowOf = (code: string) => {
        for (let i = HEADER_ROW + 1; i <= ws.rowCount; i++)
          if (ws.getRow(i).getCell(col("Attività")).value === code) return ws.getRow(i);
        throw new Error(code);
      };
      const r = rowOf("3.1.3");
      expect(r.getCell(col("% raggiunta")).value).toBe(0.5);
      expect(r.getCell(col("% raggiunta")).numFmt).toBe("0.0%");
      expect((r.getCell(col("Scadenza")).value as Date).toISOString().slice(0, 10)).toBe("2024-10-31");
      expect((r.getCell(col("Data")).value as Date).toISOString().slice(0, 10)).toBe("2024-11-15");
      expect(r.getCell(col("Causa")).value).toBe("ritardo di altri enti o uffici");
      expect(r.getCell(col("Azione correttiva")).value).toBe("Sollecito formale e cronoprogramma rivisto");
      expect(r.getCell(col("Evidenze")).value).toBe(
        "https://albo.comune.leggiuno.va.it/atto/2024/881 (Mario Bianchi (U0BIANCHI), 15/11/2024)",
      );
      expect(r.getCell(col("Ultima segnalazione di")).value).toBe("Mario Bianchi (U0BIANCHI)");
      expect(rowOf("3.1.1").getCell(col("Esito")).value).toBe("non valutabile");
      expect(rowOf("3.1.1").getCell(col("% raggiunta")).value).toBeNull();
      // objective header row: code in the first column, weight and result as fractions
      let objRow: ExcelJS.Row | undefined;
      ws.eachRow((row) => {
        if (row.getCell(1).value === "3.1" && row.getCell(col("Attività")).value == null) objRow = row;
      });
      expect(objRow!.getCell(col("Peso")).value).toBe(0.1);
      expect(objRow!.getCell(col("% raggiunta")).value as number).toBeCloseTo(O31 / 100, 9);
      expect(String(ws.getCell(2, 1).value)).toContain("10,59 punti su 40");
    });

    it("summary sheet: points per area and per head", () => {
      const ws = wb.getWorksheet("Riepilogo")!;
      const find = (a: string, b?: string) => {
        let found: ExcelJS.Row | undefined;
        ws.eachRow((row) => {
          if (row.getCell(1).value === a && (b === undefined || row.getCell(2).value === b)) found ??= row;
        });
        return found!;
      };
      const a03 = find("03. Area Tecnico Manutentiva");
      expect(a03.getCell(2).value).toBe("Claudia Nodari");
      expect(a03.getCell(4).value).toBe(23);
      expect(a03.getCell(7).value as number).toBeCloseTo(AREA03 / 100, 9);
      expect(a03.getCell(8).value as number).toBeCloseTo((AREA03 / 100) * 40, 9);
      expect(find("Clarissa Sartori", "Media").getCell(8).value as number).toBeCloseTo(
        (2.5 + (AREA02 / 100) * 40) / 2,
        9,
      );
      expect(find("Clarissa Sartori", "02. Area Economico Finanziaria").getCell(8).value as number).toBeCloseTo(
        (AREA02 / 100) * 40,
        9,
      );
    });

    it("sheet names are made valid and unique", () => {
      const taken = new Set<string>();
      expect(sheetName("Area: Lavori/Opere [2024]?", taken)).toBe("Area Lavori Opere 2024");
      expect(sheetName("A".repeat(40), taken)).toBe("A".repeat(31));
      expect(sheetName("A".repeat(40), taken)).toBe(`${"A".repeat(27)} (2)`);
      expect(sheetName("'citato'", taken)).toBe("citato");
    });
  });

  describe("mid-year monitoring at 30/06/2024", () => {
    it("state at that date: later reports are not counted yet", () => {
      expect(findActivity(mon, "3.3.2").achieved).toBe("5");
      expect(findActivity(mon, "3.1.2").status).toBeNull();
      expect(findActivity(mon, "3.4.1").status).toBe("completata");
      expect(findActivity(mon, "3.1.2").scoreState).toBe("non_scaduta");
    });

    it("at-risk activities with proposals to re-plan", () => {
      const risk = (code: string) => mon.monitoring!.atRisk.find((x) => x.code === code);
      expect(risk("3.3.1")).toMatchObject({
        kinds: ["scaduta"],
        reasons: ["Scaduta il 31/03/2024 (91 giorni di ritardo), stato: non iniziata"],
        proposals: [
          "Proporre nuova scadenza al 30/09/2024 (data indicata nella spiegazione del ritardo da Claudia Nodari (U0NODARI))",
        ],
      });
      expect(risk("3.2.4")).toMatchObject({
        kinds: ["bloccata"],
        proposals: ["Valutare variazione dell'obiettivo (da approvare in Giunta)"],
      });
      expect(risk("3.3.2")!.reasons).toEqual(["Sotto il ritmo atteso: registrati 5 su 12 attesi al 30/06/2024 (42%)"]);
      expect(risk("3.3.2")!.proposals[0]).toBe(
        "Recuperare il ritmo (ne servono ancora 19 entro il 31/12/2024), o valutare variazione del valore atteso",
      );
      expect(risk("1.2.1")).toMatchObject({
        kinds: ["in_scadenza"],
        reasons: ["Scade il 30/06/2024 (oggi) e non è iniziata"],
      });
      expect(risk("1.3.5")!.proposals[0]).toBe(
        "Proporre nuova scadenza: chiedere al responsabile una data realistica e la causa del ritardo",
      );
      expect(risk("3.4.1")).toBeUndefined();
      expect(risk("1.1.1")).toBeUndefined();
    });

    it("in Markdown, CSV and XLSX", async () => {
      const md = renderRelazioneMarkdown(mon);
      expect(md).toContain("# Monitoraggio intermedio 2024 — Comune di Leggiuno");
      expect(md).toContain("| 03 | 3.3.1 Gestione del servizio di raccolta e smaltimento rifiuti");
      expect(md).toContain("Proporre nuova scadenza al 30/09/2024");
      const csv = parse(renderRelazioneCsv(mon), { bom: true, delimiter: ";", columns: true }) as Record<
        string,
        string
      >[];
      expect(csv.find((r) => r.Livello === "a rischio" && r["Attività"] === "3.2.4")).toMatchObject({
        Stato: "bloccata",
        Proposta: "Valutare variazione dell'obiettivo (da approvare in Giunta)",
      });
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await renderRelazioneXlsx(mon)) as unknown as ExcelJS.Buffer);
      expect(wb.worksheets.map((w) => w.name)).toEqual(["Riepilogo", "Obiettivi", "A rischio"]);
      const risk = wb.getWorksheet("A rischio")!;
      expect(risk.rowCount - HEADER_ROW).toBe(mon.monitoring!.atRisk.length);
    });
  });

  describe("npx obiettivi relazione", () => {
    it("writes md, csv and xlsx files identical to the renderers' output", async () => {
      for (const fmt of ["md", "csv", "xlsx"] as const) {
        const file = path.join(dir, `relazione.${fmt}`);
        const r = await cli(["relazione", "--anno", "2024", "--formato", fmt, "--oggi", YEAR_END, "--output", file]);
        expect(r.code, r.err).toBe(0);
        expect(r.err).toContain(`scritta in ${file}`);
        // "Generato il" is the real clock (--oggi moves the data date only): the rest is identical.
        if (fmt === "md")
          expect(withoutGenerated(readFileSync(file, "utf8"))).toBe(withoutGenerated(renderRelazioneMarkdown(rel)));
        if (fmt === "csv") expect(readFileSync(file, "utf8")).toBe(renderRelazioneCsv(rel));
        if (fmt === "xlsx") {
          const wb = new ExcelJS.Workbook();
          await wb.xlsx.load(readFileSync(file) as unknown as ExcelJS.Buffer);
          expect(wb.worksheets).toHaveLength(7);
        }
      }
      const m = path.join(dir, "monitoraggio.md");
      expect((await cli(["relazione", "--monitoraggio", "--oggi", MID_YEAR, "--output", m])).code).toBe(0);
      expect(withoutGenerated(readFileSync(m, "utf8"))).toBe(withoutGenerated(renderRelazioneMarkdown(mon)));
    });

    it("refuses a bad format, and xlsx to a terminal, in Italian", async () => {
      const bad = await cli(["relazione", "--formato", "pdf"]);
      expect(bad.code).toBe(1);
      expect(bad.err).toContain("Formato non valido: «pdf». Formati disponibili: md, csv, xlsx, docx, json.");
      const tty = process.stdout.isTTY;
      process.stdout.isTTY = true;
      try {
        const r = await cli(["relazione", "--formato", "xlsx", "--oggi", YEAR_END]);
        expect(r.code).toBe(1);
        expect(r.err).toContain("indica dove salvarlo con --output");
      } finally {
        process.stdout.isTTY = tty;
      }
      const badDay = await cli(["relazione", "--oggi", "30/06/2024"]);
      expect(badDay.err).toContain("Data non valida per --oggi");
    });
  });
});

function withoutGenerated(md: string): string {
  return md.replace(/^Generato il .*$/m, "Generato il …");
}
