import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { documentKind } from "../../src/plan-import/read-document.ts";
import { cli, cliDatabase } from "../helpers/cli.ts";
import { LEGGIUNO_PLAN } from "../helpers/db.ts";

const DEMO_PLAN = path.resolve(import.meta.dirname, "../../plans/demo-piao.txt");

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "obiettivi-template-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string) => path.join(dir, name);

async function workbook(p: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(p);
  return wb;
}

function headerIndex(ws: ExcelJS.Worksheet, header: string): number {
  let found = 0;
  ws.getRow(1).eachCell((c, n) => {
    if (c.value === header) found = n;
  });
  if (!found) throw new Error(`colonna ${header} assente in ${ws.name}`);
  return found;
}

function rowOfCode(ws: ExcelJS.Worksheet, code: string): number {
  for (let r = 2; r <= ws.rowCount; r++) if (ws.getRow(r).getCell(1).value === code) return r;
  throw new Error(`codice ${code} assente in ${ws.name}`);
}

describe("the Excel template", () => {
  let db: Awaited<ReturnType<typeof cliDatabase>>;
  beforeEach(async () => {
    db = await cliDatabase();
  });
  afterEach(async () => {
    await db.dispose();
  });

  it("esporta-modello writes the sheets, the Italian instructions and the data validation", async () => {
    const r = await cli(["esporta-modello", "--output", file("modello.xlsx")]);
    expect(r.code).toBe(0);
    const wb = await workbook(file("modello.xlsx"));
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      "Istruzioni",
      "Piano",
      "Aree",
      "Obiettivi",
      "Attività",
      "Anomalie",
      "Elenchi",
    ]);
    const istruzioni = wb.getWorksheet("Istruzioni")!;
    const text = istruzioni
      .getSheetValues()
      .flat()
      .filter((v) => typeof v === "string")
      .join("\n");
    expect(text).toContain("obiettivi importa modello.xlsx");
    expect(text).toContain("Codice area");
    const activities = wb.getWorksheet("Attività")!;
    for (const h of [
      "Codice attività",
      "Codice obiettivo",
      "Titolo",
      "Indicatore",
      "Valore atteso",
      "Tipo di indicatore",
      "Scadenza",
      "Peso",
      "Aree coinvolte",
    ]) {
      expect(headerIndex(activities, h)).toBeGreaterThan(0);
    }
    const xml = (activities as unknown as { dataValidations: { model: Record<string, ExcelJS.DataValidation> } })
      .dataValidations.model;
    const kinds = Object.values(xml).map((v) => v.type);
    expect(kinds).toEqual(expect.arrayContaining(["list", "date", "decimal"]));
    const objectives = (
      wb.getWorksheet("Obiettivi") as unknown as { dataValidations: { model: Record<string, ExcelJS.DataValidation> } }
    ).dataValidations.model;
    expect(Object.values(objectives).some((v) => v.type === "list" && String(v.formulae[0]).includes("Aree"))).toBe(
      true,
    );
    // An empty template imports with a clear message, not an empty plan.
    const imp = await cli(["importa", file("modello.xlsx")]);
    expect(imp.code).not.toBe(0);
    expect(imp.err).toContain("foglio «Piano»");
    expect(imp.err).toContain("Attività");
  });

  for (const [name, plan] of [
    ["Leggiuno", LEGGIUNO_PLAN],
    ["demo", DEMO_PLAN],
  ] as const) {
    it(`round trip of the ${name} plan: export, import into an empty database, the identical plan`, async () => {
      expect((await cli(["importa", plan])).code).toBe(0);
      const before = (await cli(["piano", "--json"])).out;
      const xlsx = file(`${name}.xlsx`);
      const exp = await cli(["esporta-piano", "--formato", "xlsx", "--output", xlsx]);
      expect(exp.code).toBe(0);
      expect(documentKind(readFileSync(xlsx), "piano.bin")).toBe("xlsx");

      // Importing it over the same plan changes nothing, to the last field.
      const same = await cli(["importa", xlsx]);
      expect(same.code).toBe(0);
      expect(same.out).toContain("Nessuna modifica");

      const other = await cliDatabase();
      try {
        const imp = await cli(["importa", xlsx]);
        expect(imp.code).toBe(0);
        expect((await cli(["piano", "--json"])).out).toBe(before);
      } finally {
        await other.dispose();
        process.env.DATABASE_URL = db.url;
      }
    });
  }

  it("reads activity weights, dates and kinds typed by hand; a workbook made by hand with columns in another order", async () => {
    const wb = new ExcelJS.Workbook();
    const piano = wb.addWorksheet("piano");
    piano.addRow(["Campo", "Valore"]);
    piano.addRow(["Ente", "Comune di Prova"]);
    piano.addRow(["Anno", 2025]);
    const aree = wb.addWorksheet("Aree");
    aree.addRow(["Responsabile", "Codice area", "Settore"]);
    aree.addRow(["Anna Neri", "A1", "Settore Tecnico"]);
    const ob = wb.addWorksheet("Obiettivi");
    ob.addRow(["Codice obiettivo", "Titolo", "Codice area", "Peso"]);
    ob.addRow(["1", "Manutenzione strade", "A1", "60%"]);
    ob.addRow(["E1", "Trasparenza", null, null]);
    // Typed as 40% in a cell formatted as a percentage: Excel keeps 0.4.
    ob.addRow(["2", "Verde pubblico", "A1", 0.4]).getCell(4).numFmt = "0%";
    const at = wb.addWorksheet("Attivita");
    at.addRow(["Fase", "Codice attività", "Codice obiettivo", "Valore atteso", "Scadenza", "Peso della fase", "Tipo"]);
    at.addRow([
      "Progetto esecutivo",
      "1.1",
      "1",
      "Approvazione progetto",
      new Date(Date.UTC(2025, 5, 30)),
      40,
      "scadenza",
    ]);
    at.addRow(["Lavori", "1.2", "1", "Fine lavori", "31/10/2025", "60", null]);
    at.addRow(["Pubblicazione atti", "E1.1", "E1", "100%", null, null, null]);
    await wb.xlsx.writeFile(file("a-mano.xlsx"));

    const imp = await cli(["importa", file("a-mano.xlsx")]);
    expect(imp.err).toBe("");
    expect(imp.code).toBe(0);
    const plan = JSON.parse((await cli(["piano", "--json"])).out);
    expect(plan).toMatchObject({
      year: 2025,
      entity: "Comune di Prova",
      areas: [{ code: "A1", name: "Settore Tecnico", head: "Anna Neri" }],
    });
    const o1 = plan.objectives.find((o: { code: string }) => o.code === "1");
    expect(o1).toMatchObject({ areaCode: "A1", weight: 60 });
    expect(plan.objectives.find((o: { code: string }) => o.code === "2")).toMatchObject({ weight: 40, activities: [] });
    expect(o1.activities).toMatchObject([
      { code: "1.1", weight: 40, indicator: { kind: "deadline", deadline: "2025-06-30" } },
      { code: "1.2", weight: 60, indicator: { deadline: "2025-10-31" } },
    ]);
    const e1 = plan.objectives.find((o: { code: string }) => o.code === "E1");
    expect(e1).toMatchObject({
      areaCode: null,
      activities: [{ code: "E1.1", weight: null, indicator: { kind: "percentage" } }],
    });

    // Weights, typed kinds and dates survive the round trip through the exported template.
    expect((await cli(["esporta-piano", "--formato", "xlsx", "--output", file("a-mano-2.xlsx")])).code).toBe(0);
    expect((await cli(["importa", file("a-mano-2.xlsx")])).out).toContain("Nessuna modifica");
  });

  it("errors name sheet, row and column, in Italian; nothing is written", async () => {
    expect((await cli(["importa", LEGGIUNO_PLAN])).code).toBe(0);
    const before = (await cli(["piano", "--json"])).out;
    const xlsx = file("errori.xlsx");
    expect((await cli(["esporta-piano", "--formato", "xlsx", "--output", xlsx])).code).toBe(0);
    const wb = await workbook(xlsx);
    const at = wb.getWorksheet("Attività")!;
    const r = rowOfCode(at, "3.1.2");
    at.getRow(r).getCell(headerIndex(at, "Scadenza")).value = "prima o poi";
    at.getRow(r).getCell(headerIndex(at, "Titolo")).value = "Titolo cambiato";
    const r2 = rowOfCode(at, "3.1.3");
    at.getRow(r2).getCell(headerIndex(at, "Codice obiettivo")).value = "9.9";
    at.getRow(r2 + 1).getCell(1).value = "3.1.2";
    const ob = wb.getWorksheet("Obiettivi")!;
    ob.getRow(rowOfCode(ob, "3.1")).getCell(headerIndex(ob, "Peso")).value = "tanto";
    await wb.xlsx.writeFile(xlsx);

    const imp = await cli(["importa", xlsx]);
    expect(imp.code).not.toBe(0);
    expect(imp.err).toContain("non è stato importato nulla");
    expect(imp.err).toContain(`foglio «Attività», riga ${r}, colonna «Scadenza» (J): data non valida «prima o poi»`);
    expect(imp.err).toContain(
      `foglio «Attività», riga ${r2}, colonna «Codice obiettivo» (C): l'obiettivo 9.9 non è nel foglio «Obiettivi»`,
    );
    expect(imp.err).toContain(
      `riga ${r2 + 1}, colonna «Codice attività» (A): il codice dell'attività 3.1.2 compare già alla riga ${r}`,
    );
    expect(imp.err).toMatch(/foglio «Obiettivi», riga \d+, colonna «Peso» \(F\): peso non valido «tanto»/);
    expect(imp.err).not.toMatch(/at .*\.ts:\d+/);
    expect((await cli(["piano", "--json"])).out).toBe(before);

    const preview = await cli(["importa", xlsx, "--anteprima"]);
    expect(preview.code).not.toBe(0);
  });

  it("a file that is neither: an Excel file without the template's sheets, a damaged one, an old .xls", async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("Foglio1").addRow(["a", "b"]);
    await wb.xlsx.writeFile(file("altro.xlsx"));
    const other = await cli(["importa", file("altro.xlsx")]);
    expect(other.code).not.toBe(0);
    expect(other.err).toContain("non è il modello del piano");
    expect(other.err).toContain("«Foglio1»");

    const good = readFileSync(file("altro.xlsx"));
    writeFileSync(file("rotto.xlsx"), good.subarray(0, Math.floor(good.length / 2)));
    const broken = await cli(["importa", file("rotto.xlsx")]);
    expect(broken.code).not.toBe(0);
    expect(broken.err).toMatch(/non è un file Excel \(\.xlsx\) leggibile|non è il modello/);

    writeFileSync(file("vecchio.xls"), Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]));
    const old = await cli(["importa", file("vecchio.xls")]);
    expect(old.code).not.toBe(0);
    expect(old.err).toContain("vecchio formato di Office");
  });
});

describe("documentKind", () => {
  it("goes by content before the name", () => {
    expect(documentKind(Buffer.from("%PDF-1.7\n..."), "piano.txt")).toBe("pdf");
    expect(
      documentKind(Buffer.concat([Buffer.from([0x50, 0x4b, 3, 4]), Buffer.from("....word/document.xml")]), "piano.zip"),
    ).toBe("docx");
    expect(
      documentKind(Buffer.concat([Buffer.from([0x50, 0x4b, 3, 4]), Buffer.from("....xl/workbook.xml")]), "piano.docx"),
    ).toBe("xlsx");
    expect(documentKind(Buffer.from("tipo;anno;ente\n"), "piano.csv")).toBe("text");
    expect(documentKind(Buffer.from([0x50, 0x4b, 3, 4, 0, 0]), "piano.docx")).toBe("docx");
  });
});
