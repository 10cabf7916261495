import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { diffPlans } from "../../src/domain/plan/plan-diff.ts";
import { parsePiaoText } from "../../src/plan-import/parse-piao.ts";
import { cli, cliDatabase } from "../helpers/cli.ts";
import { LEGGIUNO_PLAN } from "../helpers/db.ts";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "obiettivi-preview-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("obiettivi importa --anteprima", () => {
  let db: Awaited<ReturnType<typeof cliDatabase>>;
  beforeEach(async () => {
    db = await cliDatabase();
  });
  afterEach(async () => {
    await db.dispose();
  });

  it("with no plan loaded: what was understood, per area, and that nothing was written", async () => {
    const r = await cli(["importa", LEGGIUNO_PLAN, "--anteprima"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Anteprima del piano 2024 — Comune di Leggiuno");
    expect(r.out).toContain("5 aree, 28 obiettivi (8 di ente), 121 attività");
    expect(r.out).toContain("03. Area Tecnico Manutentiva — Claudia Nodari: 4 obiettivi, 23 attività");
    expect(r.out).toContain("Obiettivi di ente: 8 obiettivi, 16 attività");
    expect(r.out).toMatch(/Anomalie \(\d+\):/);
    expect(r.out).toContain("3.1.1: «Entro termini di legge»");
    expect(r.out).toContain("Nessun piano 2024 è caricato");
    const after = await cli(["piano"]);
    expect(after.code).not.toBe(0);
    expect(after.err).toContain("Nessun piano caricato");
  });

  it("with the plan loaded: added, changed field by field, removed, keyed by code; nothing written", async () => {
    expect((await cli(["importa", LEGGIUNO_PLAN])).code).toBe(0);
    const same = await cli(["importa", LEGGIUNO_PLAN, "--anteprima"]);
    expect(same.out).toContain("è identico: l'importazione non cambierebbe nulla");

    const xlsx = path.join(dir, "modificato.xlsx");
    expect((await cli(["esporta-piano", "--formato", "xlsx", "--output", xlsx])).code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    const at = wb.getWorksheet("Attività")!;
    const rowOf = (code: string) => {
      for (let r = 2; r <= at.rowCount; r++) if (at.getRow(r).getCell(1).value === code) return r;
      throw new Error(code);
    };
    at.getRow(rowOf("3.1.2")).getCell(4).value = "Un titolo nuovo";
    at.getRow(rowOf("3.1.2")).getCell(11).value = 30;
    at.spliceRows(rowOf("4.1.1"), 1);
    at.addRow(["3.1.9", null, "3.1", "Attività aggiunta", null, "Ind", null, "31/12/2024"]);
    await wb.xlsx.writeFile(xlsx);

    const audit = (await cli(["audit", "--json"])).out;
    const before = (await cli(["piano", "--json"])).out;
    const r = await cli(["importa", xlsx, "--anteprima"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Differenze con il piano 2024 caricato (da «leggiuno-piao-2024.txt»)");
    expect(r.out).toContain("Attività: 1 nuove, 1 modificate, 1 tolte");
    expect(r.out).toContain("nuove: 3.1.9");
    expect(r.out).toContain("4.1.1");
    expect(r.out).toMatch(/3\.1\.2: titolo «[^»]+» → «Un titolo nuovo»; peso «» → «30»/);
    expect((await cli(["piano", "--json"])).out).toBe(before);
    expect((await cli(["audit", "--json"])).out).toBe(audit);
  });

  it("a document that is not a plan: the same Italian refusal as importa, non-zero exit", async () => {
    const bad = path.join(dir, "non-piano.txt");
    writeFileSync(bad, readFileSync(path.resolve(import.meta.dirname, "../../package.json")));
    const r = await cli(["importa", bad, "--anteprima"]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/piano/i);
  });
});

describe("diffPlans", () => {
  it("keys by code and ignores the order of rows", () => {
    const a = parsePiaoText(readFileSync(LEGGIUNO_PLAN, "utf8"), "a");
    const b = {
      ...a,
      activities: [...a.activities].reverse(),
      areas: a.areas.map((x) => (x.code === "03" ? { ...x, head: "Nuovo Responsabile" } : x)),
    };
    const d = diffPlans(a, b);
    expect(d.activities).toEqual({ added: [], changed: [], removed: [] });
    expect(d.areas.changed).toEqual([
      {
        code: "03",
        changes: [{ field: "head", label: "responsabile", before: "Claudia Nodari", after: "Nuovo Responsabile" }],
      },
    ]);
    expect(d.unchanged).toBe(false);
    expect(diffPlans(a, a).unchanged).toBe(true);
  });
});
