import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readDocxPlan } from "../../src/plan-import/docx/read-docx.ts";
import { PlanFormatError } from "../../src/plan-import/errors.ts";
import { type ParsedPlan, parsePiaoText } from "../../src/plan-import/parse-piao.ts";
import { readPdfPlan } from "../../src/plan-import/pdf/read-pdf.ts";

const DIR = path.resolve(import.meta.dirname, "../fixtures/plans");
const bytes = (name: string) => new Uint8Array(readFileSync(path.join(DIR, name)));
const text = (name: string) => readFileSync(path.join(DIR, name), "utf8");

/** What the issue asks to be the same as the text import: areas and heads, objectives, activities and deadlines. */
function essentials(p: ParsedPlan) {
  return {
    year: p.year,
    entity: p.entity,
    areas: p.areas.map((a) => ({ code: a.code, name: a.name, head: a.head })),
    objectives: p.objectives.map((o) => ({
      code: o.code,
      areaCode: o.areaCode,
      title: o.title,
      weight: o.weight,
    })),
    activities: p.activities.map((a) => ({
      code: a.code,
      printedCode: a.printedCode,
      objectiveCode: a.objectiveCode,
      kind: a.target.kind,
      deadline: a.target.deadline,
      threshold: a.target.threshold,
      comparator: a.target.comparator,
      needsManualDate: a.target.needsManualDate,
    })),
    anomalies: p.anomalies.map((a) => `${a.kind} ${a.code}`),
  };
}

function areaActivities(p: ParsedPlan): number {
  const areaObjectives = new Set(p.objectives.filter((o) => o.areaCode !== null).map((o) => o.code));
  return p.activities.filter((a) => areaObjectives.has(a.objectiveCode)).length;
}

describe("the Leggiuno plan as Word and as PDF gives the plan of the text import", () => {
  const reference = parsePiaoText(text("leggiuno-piao-2024.txt"), "leggiuno-piao-2024.txt");

  it("the text import itself: 5 areas, 20 area objectives, 8 Comune-wide ones, 105 area activities", () => {
    expect(reference.areas).toHaveLength(5);
    expect(reference.objectives.filter((o) => o.areaCode === null)).toHaveLength(8);
    expect(areaActivities(reference)).toBe(105);
  });

  for (const [format, read] of [
    ["docx", readDocxPlan],
    ["pdf", readPdfPlan],
  ] as const) {
    it(`${format}: same areas and heads, objectives, 105 area activities, Comune-wide objectives, deadlines, anomalies`, async () => {
      const plan = await read(bytes(`leggiuno-piao-2024.${format}`), `leggiuno-piao-2024.${format}`);
      expect(plan.sourceName).toBe(`leggiuno-piao-2024.${format}`);
      expect(areaActivities(plan)).toBe(105);
      expect(plan.areas.map((a) => [a.code, a.head])).toEqual([
        ["01", "Clarissa Sartori"],
        ["02", "Clarissa Sartori"],
        ["03", "Claudia Nodari"],
        ["04", "Ettore Bezzolato"],
        ["05", "Chiara Sereno"],
      ]);
      expect(essentials(plan)).toEqual(essentials(reference));
      // Printed twice under different objectives: the same canonical codes as the text import.
      expect(plan.activities.filter((a) => a.printedCode === "1.2.1").map((a) => a.code)).toEqual(["1.2.1", "1.3.1"]);
      expect(plan.activities.every((a) => a.weight === null)).toBe(true);
    });
  }
});

describe("another Comune in the same layout (Castelrupe)", () => {
  const reference = parsePiaoText(text("castelrupe-piao-2025.txt"), "castelrupe-piao-2025.txt");

  it("the text import: 3 settori, 7 area objectives, 2 Comune-wide, and the printing mistakes reported", () => {
    expect(reference.entity).toBe("Comune di Castelrupe");
    expect(reference.areas.map((a) => a.name)).toEqual([
      "Settore Amministrativo e Servizi Demografici",
      "Settore Tecnico",
      "Settore Economico Finanziario e Tributi",
    ]);
    expect(reference.objectives.filter((o) => o.areaCode === null).map((o) => o.code)).toEqual(["E1", "E2"]);
    expect(areaActivities(reference)).toBe(19);
    expect(reference.anomalies.map((a) => a.kind)).toEqual(["duplicate_code", "manual_deadline", "misplaced_code"]);
  });

  for (const [format, read] of [
    ["docx", readDocxPlan],
    ["pdf", readPdfPlan],
  ] as const) {
    it(`${format}: the same plan as the text import`, async () => {
      const plan = await read(bytes(`castelrupe-piao-2025.${format}`), `castelrupe-piao-2025.${format}`);
      expect(essentials(plan)).toEqual(essentials(reference));
    });
  }
});

describe("PDF tables drawn without borders", () => {
  it("columns and wrapped lines from the text alone: Castelrupe gives the text import's plan", async () => {
    const reference = parsePiaoText(text("castelrupe-piao-2025.txt"), "castelrupe-piao-2025.txt");
    const plan = await readPdfPlan(bytes("castelrupe-senza-bordi-2025.pdf"), "castelrupe-senza-bordi-2025.pdf");
    expect(essentials(plan)).toEqual(essentials(reference));
  });

  it("long cells whose rows cannot be told apart: refused rather than half a plan", async () => {
    const err = await readPdfPlan(bytes("leggiuno-senza-bordi-2024.pdf"), "leggiuno-senza-bordi-2024.pdf").catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PlanFormatError);
    expect((err as Error).message).toMatch(/non riesco a separare con certezza le righe delle tabelle/);
    expect((err as Error).message).toMatch(/Usa il file Word/);
  });
});

describe("schede obiettivo with phases and Gantt grids (Valdorno)", () => {
  for (const [format, read] of [
    ["docx", readDocxPlan],
    ["pdf", readPdfPlan],
  ] as const) {
    it(`${format}: areas and heads, objective weights, activities with deadlines and phase weights`, async () => {
      const plan = await read(bytes(`valdorno-schede-2025.${format}`), `valdorno-schede-2025.${format}`);
      expect(plan.year).toBe(2025);
      expect(plan.entity).toBe("Comune di Valdorno");
      expect(plan.areas.map((a) => ({ code: a.code, name: a.name, head: a.head }))).toEqual([
        { code: "01", name: "Settore Servizi Finanziari", head: "Marta Ferri" },
        { code: "02", name: "Area Tecnica", head: "Paolo Greco" },
        { code: "03", name: "Servizio Polizia Locale", head: "Laura Neri" },
      ]);
      expect(plan.objectives.map((o) => [o.code, o.areaCode, o.weight])).toEqual([
        ["1.1", "01", 40],
        ["1.2", "01", 60],
        ["2.3", "02", 50],
        ["2.4", "02", 30],
        ["2.5", "02", 20],
        ["3.6", "03", 100],
        ["E1", null, 100],
      ]);
      expect(plan.objectives[0]!.description).toContain("Collegamento al DUP: Missione 1 – Programma 3");
      expect(plan.activities.map((a) => [a.code, a.target.deadline, a.weight])).toEqual([
        // Fase | Indicatore di risultato | Valore atteso | Scadenza | Peso della fase
        ["1.1.1", "2025-03-31", 20],
        ["1.1.2", "2025-06-30", 50],
        ["1.1.3", "2025-12-31", 30],
        // Termine | Target | Azione | Peso (points)
        ["1.2.1", "2025-04-30", 25],
        ["1.2.2", "2025-07-31", 50],
        ["1.2.3", "2025-12-15", 25],
        // Gantt by initials: end of the last marked month
        ["2.3.1", "2025-02-28", 20],
        ["2.3.2", "2025-05-31", 30],
        ["2.3.3", "2025-08-31", 40],
        ["2.3.4", "2025-10-31", 10],
        // Gantt by month names under "Cronoprogramma 2025"
        ["2.4.1", "2025-04-30", 50],
        ["2.4.2", "2025-09-30", 50],
        // "entro giugno", "II semestre"; no phase weights
        ["2.5.1", "2025-06-30", null],
        ["2.5.2", "2025-12-31", null],
        // Gantt whose months are only filled with grey (no X): read from the cell shading
        ["3.6.1", "2025-06-30", 60],
        ["3.6.2", "2025-11-30", 40],
        ["E1.1", "2025-06-30", null],
        ["E1.2", "2025-10-31", null],
      ]);
      const a112 = plan.activities.find((a) => a.code === "1.1.2")!;
      expect(a112).toMatchObject({
        title: "Nuova procedura di liquidazione digitale",
        indicatorName: "Procedura in uso in tutti i settori",
        targetText: "100%",
      });
      expect(a112.target).toMatchObject({ kind: "percentage", threshold: 100 });
      expect(plan.activities.find((a) => a.code === "1.2.2")!.target).toMatchObject({ kind: "count", threshold: 150 });
      expect(plan.activities.filter((a) => a.objectiveCode === "E1").every((a) => a.involvesAllAreas)).toBe(true);
      // Points summing to 100 in each area, phase weights summing to 100 in each objective: nothing to report.
      expect(plan.anomalies).toEqual([]);
    });
  }
});

describe("documents that cannot give a plan", () => {
  it("a scan (images, no text layer): says so, and what to use instead", async () => {
    const err = await readPdfPlan(bytes("scansione-piano.pdf"), "scansione-piano.pdf").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlanFormatError);
    expect((err as PlanFormatError).code).toBe("document_scanned");
    expect((err as Error).message).toMatch(/scansione/);
    expect((err as Error).message).toMatch(/Word \(\.docx\)/);
    expect((err as Error).message).toMatch(/esporta-modello/);
  });

  it("a Word file cut short", async () => {
    const err = await readDocxPlan(bytes("piano-troncato.docx"), "piano-troncato.docx").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlanFormatError);
    expect((err as PlanFormatError).code).toBe("document_broken");
    expect((err as Error).message).toMatch(/non è un documento Word leggibile/);
  });

  it("a PDF that is not one, and a text passed as Word", async () => {
    const pdf = await readPdfPlan(new TextEncoder().encode("%PDF-1.7 nient'altro"), "finto.pdf").catch(
      (e: unknown) => e,
    );
    expect((pdf as PlanFormatError).code).toBe("document_broken");
    expect((pdf as Error).message).toMatch(/non è un PDF leggibile/);
    const docx = await readDocxPlan(new TextEncoder().encode("solo testo"), "finto.docx").catch((e: unknown) => e);
    expect((docx as Error).message).toMatch(/non è un archivio \.docx/);
  });
});
