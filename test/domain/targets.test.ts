import { describe, expect, it } from "vitest";
import {
  formatItalianDate,
  parseItalianDate,
  parseItalianNumber,
  parseTarget,
  type ParsedTarget,
} from "../../src/domain/plan/targets.ts";

const YEAR = { year: 2024 };

function expectTarget(text: string, expected: Partial<ParsedTarget>, opts: Parameters<typeof parseTarget>[1] = YEAR) {
  const got = parseTarget(text, opts);
  expect(got, JSON.stringify(text)).toMatchObject(expected);
  return got;
}

describe("parseTarget: deadlines", () => {
  it.each([
    ["31 Dicembre 2024", "2024-12-31"],
    ["Entro 30 Giugno 2024", "2024-06-30"],
    ["8 Aprile 2024", "2024-04-08"],
    ["Tempo previsto 30 Settembre 2024", "2024-09-30"],
    ["31.12.2024", "2024-12-31"],
    ["Entro il 30.09.2024", "2024-09-30"],
    ["Entro 31.12.2024", "2024-12-31"],
    ["Entro 31 Dicembre 2024", "2024-12-31"],
    ["29 Febbraio 2024", "2024-02-29"],
    ["15/09/2024", "2024-09-15"],
    ["15-09-2024", "2024-09-15"],
    ["2024-09-15", "2024-09-15"],
    ["1° marzo 2024", "2024-03-01"],
    ["entro il 31 dic. 2024", "2024-12-31"],
    ["ENTRO 30 GIUGNO 2024", "2024-06-30"],
  ])("%s -> %s", (text, iso) => {
    expectTarget(text, { kind: "deadline", deadline: iso, threshold: null, needsManualDate: false });
  });

  it("a range of months ends on the last day of the second one, with en/em dashes or hyphens", () => {
    for (const text of [
      "Ottobre – Dicembre 2024",
      "Ottobre — Dicembre 2024",
      "Ottobre - Dicembre 2024",
      "Ottobre-Dicembre 2024",
      "da ottobre a dicembre 2024",
    ]) {
      expectTarget(text, { kind: "deadline", deadline: "2024-12-31" });
    }
    expectTarget("Novembre 2024 – Febbraio 2025", { kind: "deadline", deadline: "2025-02-28" });
  });

  it("a range of dates ends on the second date", () => {
    expectTarget("1 ottobre - 31 dicembre 2024", { kind: "deadline", deadline: "2024-12-31" });
    expectTarget("dal 01.10.2024 al 30.11.2024", { kind: "deadline", deadline: "2024-11-30" });
  });

  it("a month alone means its last day (leap years included)", () => {
    expectTarget("Dicembre 2024", { kind: "deadline", deadline: "2024-12-31" });
    expectTarget("Entro Febbraio 2024", { kind: "deadline", deadline: "2024-02-29" });
    expectTarget("febbraio 2023", { kind: "deadline", deadline: "2023-02-28" });
  });

  it("a date without year takes the plan's year, and is not a deadline without one", () => {
    expectTarget("31 Dicembre", { kind: "deadline", deadline: "2024-12-31" });
    expectTarget("31 Dicembre", { kind: "text", deadline: null, needsManualDate: true }, {});
  });

  it("'entro il <anno>' is the end of that year", () => {
    expectTarget("Entro il 2024", { kind: "deadline", deadline: "2024-12-31" });
  });

  it("the indice helps but the target decides", () => {
    expectTarget(
      "31 Dicembre 2024",
      { kind: "deadline", deadline: "2024-12-31" },
      { indice: "Tempo previsto", year: 2024 },
    );
    expectTarget("100%", { kind: "percentage", threshold: 100 }, { indice: "Tempo previsto", year: 2024 });
  });

  it("impossible dates are never deadlines", () => {
    for (const text of [
      "31 Febbraio 2024",
      "30 Febbraio 2024",
      "31.04.2024",
      "32 Gennaio 2024",
      "29 Febbraio 2023",
      "00.12.2024",
      "31.13.2024",
    ]) {
      const t = parseTarget(text, YEAR);
      expect(t.kind, text).toBe("text");
      expect(t.deadline, text).toBeNull();
      expect(t.needsManualDate, text).toBe(true);
    }
  });
});

describe("parseTarget: numbers", () => {
  it("percentages", () => {
    expectTarget("100%", { kind: "percentage", threshold: 100, comparator: ">=" });
    expectTarget("% > 75", { kind: "percentage", threshold: 75, comparator: ">" });
    expectTarget("> 75%", { kind: "percentage", threshold: 75, comparator: ">" });
    expectTarget("100 %", { kind: "percentage", threshold: 100 });
    expectTarget("100", { kind: "percentage", threshold: 100 }, { indice: "%" });
    expectTarget("100%", { kind: "percentage", threshold: 100 }, { indice: "%" });
    expectTarget("100%", { kind: "percentage", threshold: 100 }, { indice: "% pratiche evase" });
  });

  it("counts with an optional period", () => {
    expectTarget("> 3", { kind: "count", threshold: 3, comparator: ">", period: null });
    expectTarget(">1", { kind: "count", threshold: 1, comparator: ">", period: null });
    expectTarget(">5", { kind: "count", threshold: 5, comparator: ">" });
    expectTarget("≥ 100", { kind: "count", threshold: 100, comparator: ">=" });
    expectTarget(">= 4", { kind: "count", threshold: 4, comparator: ">=" });
    expectTarget("> 2 al mese", { kind: "count", threshold: 2, comparator: ">", period: "month" });
    expectTarget("> 1 al giorno", { kind: "count", threshold: 1, period: "day" });
    expectTarget("> 2 all'anno", { kind: "count", threshold: 2, period: "year" });
    expectTarget(">2 all’anno", { kind: "count", threshold: 2, period: "year" });
    expectTarget("> 2 a settimana", { kind: "count", threshold: 2, period: "week" });
    expectTarget("> 2 alla settimana", { kind: "count", threshold: 2, period: "week" });
    expectTarget("> 2 al giorno (stagione estiva)", {
      kind: "count",
      threshold: 2,
      period: "day",
      qualifier: "stagione estiva",
    });
    expectTarget("> 2 al mese (nella stagione estiva)", {
      kind: "count",
      threshold: 2,
      period: "month",
      qualifier: "nella stagione estiva",
    });
    expectTarget("N° tavoli di lavoro convocati > 3", {
      kind: "count",
      threshold: 3,
      comparator: ">",
      unit: "tavoli di lavoro convocati",
    });
    expectTarget("almeno 5 interventi", { kind: "count", threshold: 5, comparator: ">=", unit: "interventi" });
  });

  it("a bare number is a count only when the indice says it is a number", () => {
    expectTarget(
      "2",
      { kind: "count", threshold: 2, comparator: ">=", unit: "persone" },
      { indice: "Numero minimo di persone formate per Settore/Servizio" },
    );
    expectTarget("≥ 100", { kind: "count", threshold: 100, unit: "utenti" }, { indice: "Numero utenti" });
    expectTarget("2", { kind: "text", threshold: null });
    expectTarget("2", { kind: "text", threshold: null }, { indice: "Ricognizione" });
  });

  it("yes/no targets", () => {
    for (const text of ["Si", "Sì", "SI", "sì", "Tutto l'anno", "Tutto l’anno", "Tutto l'anno scolastico"]) {
      expectTarget(text, { kind: "boolean", threshold: null, deadline: null });
    }
    expectTarget("Si", { kind: "boolean" }, { indice: "Tutto l'anno" });
  });

  it("amounts in Italian number format", () => {
    expectTarget("> 200.000,00 Euro", { kind: "amount", threshold: 200000, comparator: ">", unit: "euro" });
    expectTarget("€ 200.000", { kind: "amount", threshold: 200000, unit: "euro" });
    expectTarget("≥ € 1.500,50", { kind: "amount", threshold: 1500.5, comparator: ">=" });
    expectTarget("200000 euro", { kind: "amount", threshold: 200000 });
  });

  it("upper bounds", () => {
    expectTarget("≤ 30 giorni", { kind: "upper_bound", threshold: 30, comparator: "<=", unit: "giorni" });
    expectTarget("<= 30 giorni", { kind: "upper_bound", threshold: 30, comparator: "<=", unit: "giorni" });
    expectTarget("< 10", { kind: "upper_bound", threshold: 10, comparator: "<" });
    expectTarget("≤ 30", { kind: "upper_bound", threshold: 30, unit: "giorni" }, { indice: "Giorni" });
    expectTarget("≤ 30 giorni (fatti salvi i diversi termini previsti dalle norme e dagli accordi con i fornitori)", {
      kind: "upper_bound",
      threshold: 30,
      comparator: "<=",
      unit: "giorni",
      qualifier: "fatti salvi i diversi termini previsti dalle norme e dagli accordi con i fornitori",
    });
    expectTarget("entro 30 giorni dalla richiesta", {
      kind: "upper_bound",
      threshold: 30,
      unit: "giorni",
      qualifier: "dalla richiesta",
    });
  });

  it("reads Italian numbers", () => {
    expect(parseItalianNumber("200.000,00")).toBe(200000);
    expect(parseItalianNumber("1.500")).toBe(1500);
    expect(parseItalianNumber("2,5")).toBe(2.5);
    expect(parseItalianNumber("12")).toBe(12);
    expect(parseItalianNumber("1,2,3")).toBeNull();
    expect(parseItalianNumber("abc")).toBeNull();
  });
});

describe("parseTarget: text", () => {
  it("time targets without a knowable date need a manual date", () => {
    for (const text of [
      "Entro i termini previsti da portale PA Digitale 2026",
      "Entro termini di legge",
      "Termine anno scolastico 2023-2024",
      "Entro il termine stabilito da Regione Lombardia",
      "Entro i termini richiesti dal MEF",
      "Scadenza fissata dalla Regione",
    ]) {
      expectTarget(text, { kind: "text", deadline: null, threshold: null, needsManualDate: true });
    }
    expectTarget(
      "Rispetto dei termini indicati nel cronoprogramma",
      { kind: "text", needsManualDate: true },
      { indice: "Tempo previsto" },
    );
    expectTarget("boh", { kind: "text", needsManualDate: true }, { indice: "Tempo previsto" });
  });

  it("nonsense is text, never a made-up number or date, and never throws", () => {
    const random = seeded(42);
    const noise = Array.from({ length: 5000 }, () => String.fromCharCode(1 + Math.floor(random() * 0xd7fe))).join("");
    for (const text of [
      "",
      "   ",
      "boh",
      "%%%",
      "31 Febbraio 2024",
      "> > >",
      "€",
      "Sì forse",
      "1.2.3.4",
      "2024",
      "N° > ",
      noise,
    ]) {
      const t = parseTarget(text, YEAR);
      expect(t.kind, JSON.stringify(text.slice(0, 30))).toBe("text");
      expect(t.deadline).toBeNull();
      expect(t.threshold).toBeNull();
    }
    expect(parseTarget("", YEAR).needsManualDate).toBe(false);
    expect(parseTarget("boh", YEAR).needsManualDate).toBe(false);
    expect(parseTarget("%%%", YEAR).needsManualDate).toBe(false);
    expect(() => parseTarget(undefined as unknown as string)).not.toThrow();
    expect(() => parseTarget(null as unknown as string, { indice: null, year: Number.NaN })).not.toThrow();
  });

  it("random target-like strings: never throws, and what it returns is consistent", () => {
    const random = seeded(7);
    const pieces = [
      "31",
      "12",
      "2024",
      ".",
      "/",
      "-",
      " ",
      "%",
      ">",
      "≥",
      "≤",
      "<",
      "Entro",
      "il",
      "Dicembre",
      "Febbraio",
      "al mese",
      "al giorno",
      "€",
      "Euro",
      "200.000,00",
      "(",
      ")",
      "Si",
      "giorni",
      "N°",
      "–",
      "anno",
    ];
    const violations: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const text = Array.from(
        { length: 1 + Math.floor(random() * 7) },
        () => pieces[Math.floor(random() * pieces.length)],
      ).join(random() < 0.5 ? " " : "");
      const t = parseTarget(text, YEAR);
      const measured = ["percentage", "count", "amount", "upper_bound"].includes(t.kind);
      if (t.kind === "deadline" ? parseItalianDate(t.deadline ?? "") !== t.deadline : t.deadline !== null)
        violations.push(`${text} -> deadline ${t.deadline}`);
      if (measured ? !Number.isFinite(t.threshold) : t.threshold !== null)
        violations.push(`${text} -> threshold ${t.threshold}`);
    }
    expect(violations).toEqual([]);
  });
});

describe("Italian dates", () => {
  it("parses the forms people type", () => {
    for (const text of [
      "12/03/2024",
      "12-03-2024",
      "2024-03-12",
      "12 marzo 2024",
      "12.03.2024",
      "12 Marzo 2024",
      " 12 mar 2024 ",
      "martedì 12 marzo 2024",
      "12/3/24",
    ]) {
      expect(parseItalianDate(text), text).toBe("2024-03-12");
    }
    expect(parseItalianDate("1° gennaio 2025")).toBe("2025-01-01");
  });

  it("uses the given year only when the text has none", () => {
    expect(parseItalianDate("12 marzo", 2025)).toBe("2025-03-12");
    expect(parseItalianDate("12/03", 2025)).toBe("2025-03-12");
    expect(parseItalianDate("12 marzo")).toBeNull();
    expect(parseItalianDate("12 marzo 2024", 2025)).toBe("2024-03-12");
  });

  it("rejects impossible or foreign text", () => {
    for (const text of [
      "31/02/2024",
      "29.02.2023",
      "2024-13-01",
      "32 marzo 2024",
      "domani",
      "",
      "12 marzio 2024",
      "12/03/2024 ore 10",
    ]) {
      expect(parseItalianDate(text), text).toBeNull();
    }
  });

  it("formats ISO dates in Italian", () => {
    expect(formatItalianDate("2024-12-31")).toBe("31 dicembre 2024");
    expect(formatItalianDate("2024-03-01")).toBe("1 marzo 2024");
    expect(formatItalianDate("2024-02-30")).toBe("2024-02-30");
    expect(formatItalianDate("non una data")).toBe("non una data");
    for (const iso of ["2024-01-15", "2024-08-31", "2025-11-09"])
      expect(parseItalianDate(formatItalianDate(iso))).toBe(iso);
  });
});

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
