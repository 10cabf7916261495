import { inflateRawSync } from "node:zlib";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { columnLetters, excelSerial, XlsxWriter, xmlText } from "../../src/report/xlsx-writer.ts";
import { ZipWriter } from "../../src/report/zip-writer.ts";

// The workbook writer the Relazione's XLSX is made with, read back by two other
// implementations: JSZip (the zip, CRCs checked) and exceljs (cells, styles, views).

async function readBack(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return wb;
}

describe("ZipWriter", () => {
  it("writes entries JSZip reads back with their CRCs, an entry fed in many pieces included", async () => {
    const zip = new ZipWriter(new Date("2024-10-07T10:30:00Z"));
    zip.file("piccolo.txt", "città è più");
    const big = zip.entry("grande.xml");
    const lines: string[] = [];
    // Well past one deflated piece (~1 MB of text), with text that repeats across pieces.
    for (let i = 0; i < 60_000; i++) {
      const line = `<r n="${i}">riga ${i % 977} àèìòù &amp; ${"x".repeat(i % 13)}</r>\n`;
      lines.push(line);
      big.write(line);
    }
    big.end();
    const bytes = zip.finish();
    const read = await JSZip.loadAsync(bytes, { checkCRC32: true });
    expect(Object.keys(read.files).sort()).toEqual(["grande.xml", "piccolo.txt"]);
    expect(await read.file("piccolo.txt")!.async("string")).toBe("città è più");
    expect(await read.file("grande.xml")!.async("string")).toBe(lines.join(""));
    expect(read.file("piccolo.txt")!.date.toISOString()).toMatch(/^2024-10-07T/);
  });

  it("refuses to start an entry while another is open, or to finish with one open", () => {
    const zip = new ZipWriter(new Date());
    zip.entry("a.txt");
    expect(() => zip.entry("b.txt")).toThrow(/non è chiusa/);
    expect(() => zip.finish()).toThrow(/non è chiusa/);
  });

  it("concatenated sync-flushed pieces are one deflate stream", () => {
    const zip = new ZipWriter(new Date());
    const e = zip.entry("a.txt");
    e.write("a".repeat(1 << 20));
    e.write("b".repeat(1 << 20));
    e.end();
    const bytes = zip.finish();
    const nameLength = bytes.readUInt16LE(26);
    const compressed = bytes.readUInt32LE(18);
    const data = bytes.subarray(30 + nameLength, 30 + nameLength + compressed);
    expect(inflateRawSync(data).toString()).toBe("a".repeat(1 << 20) + "b".repeat(1 << 20));
  });
});

describe("XlsxWriter", () => {
  it("writes sheets exceljs reads back: text, numbers, dates, styles, widths, frozen header, autofilter", async () => {
    const wb = new XlsxWriter({
      title: "Relazione 2024 — Comune di Prova",
      creator: "Obiettivi",
      created: new Date("2024-10-07T10:00:00Z"),
    });
    const bold = wb.style({ bold: true, size: 14 });
    const percent = wb.style({ numFmt: "0.0%", vertical: "top", wrap: true });
    const date = wb.style({ numFmt: "dd/mm/yyyy" });
    const header = wb.style({
      bold: true,
      color: "FFFFFFFF",
      fill: "FF1F4E79",
      vertical: "middle",
      wrap: true,
      bottomBorder: true,
    });
    expect(wb.style({ bold: true, size: 14 })).toBe(bold); // made once
    const ws = wb.sheet("Riepilogo", {
      widths: [12, 10, 14],
      columnStyles: [undefined, percent, date],
      frozenRows: 2,
      filterRow: 2,
    });
    ws.row(['Titolo «con» <segni> & "virgolette"\u0007'], [bold]);
    ws.row(["Area", "%", "Scadenza"], header, 30);
    ws.row(["03", 0.625, new Date("2024-10-31T00:00:00Z")], [undefined, percent, date]);
    ws.row(["vuota", null, undefined], [undefined, percent, date]); // empty styled cells are kept
    ws.row([]);
    ws.row(["x".repeat(40_000), Number.NaN]);
    const second = wb.sheet("L'altra (2)", { widths: [10] });
    second.row(["riga\nsu due righe"]);
    const read = await readBack(wb.finish());

    expect(read.worksheets.map((w) => w.name)).toEqual(["Riepilogo", "L'altra (2)"]);
    expect(read.title).toBe("Relazione 2024 — Comune di Prova");
    expect(read.creator).toBe("Obiettivi");
    const s = read.getWorksheet("Riepilogo")!;
    expect(s.getCell("A1").value).toBe('Titolo «con» <segni> & "virgolette"');
    expect(s.getCell("A1").font?.bold).toBe(true);
    expect(s.getCell("A1").font?.size).toBe(14);
    expect(s.getCell("B2").font?.color?.argb).toBe("FFFFFFFF");
    expect(s.getCell("B2").fill).toMatchObject({ type: "pattern", pattern: "solid", fgColor: { argb: "FF1F4E79" } });
    expect(s.getCell("B2").border?.bottom?.style).toBe("thin");
    expect(s.getCell("B2").alignment).toMatchObject({ vertical: "middle", wrapText: true });
    expect(s.getRow(2).height).toBe(30);
    expect(s.getCell("B3").value).toBe(0.625);
    expect(s.getCell("B3").numFmt).toBe("0.0%");
    expect((s.getCell("C3").value as Date).toISOString()).toBe("2024-10-31T00:00:00.000Z");
    expect(s.getCell("C4").numFmt).toBe("dd/mm/yyyy");
    expect(s.getCell("B4").value).toBeNull();
    expect(s.getCell("A6").value).toBe("x".repeat(32_767));
    expect(s.getCell("B6").value).toBeNull();
    expect(s.getColumn(1).width).toBe(12);
    expect(s.getColumn(3).width).toBe(14);
    expect(s.views[0]).toMatchObject({ state: "frozen", ySplit: 2, topLeftCell: "A3" });
    expect(s.autoFilter).toBe("A2:C2");
    expect(read.getWorksheet("L'altra (2)")!.getCell("A1").value).toBe("riga\nsu due righe");
  });

  it("names columns and dates as Excel counts them", () => {
    expect([0, 25, 26, 27, 51, 52, 701, 702].map(columnLetters)).toEqual([
      "A",
      "Z",
      "AA",
      "AB",
      "AZ",
      "BA",
      "ZZ",
      "AAA",
    ]);
    expect(excelSerial(new Date("1900-03-01T00:00:00Z"))).toBe(61);
    expect(excelSerial(new Date("2024-12-31T00:00:00Z"))).toBe(45657);
    expect(xmlText('a<b>&"c"\u0000\u001f\ttab')).toBe("a&lt;b&gt;&amp;&quot;c&quot;\ttab");
  });
});
