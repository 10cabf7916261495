import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { TargetKind } from "../../src/domain/plan/targets.ts";
import { UserError } from "../../src/errors.ts";
import { PlanFormatError } from "../../src/plan-import/errors.ts";
import { parsePiaoText, type ParsedPlan } from "../../src/plan-import/parse-piao.ts";

const LEGGIUNO = readFileSync(new URL("../fixtures/plans/leggiuno-piao-2024.txt", import.meta.url), "utf8");
const DEMO = readFileSync(new URL("../../plans/demo-piao.txt", import.meta.url), "utf8");
const plan = parsePiaoText(LEGGIUNO, "leggiuno-piao-2024.txt");

/**
 * Every indicator of the Leggiuno plan, read off the document ("Valore atteso" column):
 * canonical code, printed code ("-" when none), kind, deadline or threshold, comparator, period.
 */
const LEGGIUNO_TARGETS = `
E1.1   -         upper_bound  30          <=
E2.1   -         deadline     2024-09-30
E3.1   -         text         -
E3.2   -         percentage   100         >=
E3.3   -         deadline     2024-12-31
E4.1   -         deadline     2024-12-31
E5.1   -         deadline     2024-12-31
E5.2   -         count        100         >=
E6.1   -         count        2           >=
E6.2   -         deadline     2024-12-31
E7.1   -         deadline     2024-12-31
E8.1   -         percentage   100         >=
E8.2   -         percentage   100         >=
E8.3   -         deadline     2024-12-31
E8.4   -         deadline     2024-12-31
E8.5   -         percentage   100         >=
1.1.1  1.1.1     deadline     2024-04-08
1.1.2  1.1.2     deadline     2024-09-30
1.1.3  1.1.3     deadline     2024-12-31
1.1.4  1.1.4     deadline     2024-12-31
1.1.5  1.1.5     deadline     2024-12-31
1.2.1  1.2.1     deadline     2024-06-30
1.2.2  1.2.2     deadline     2024-07-31
1.2.3  1.2.3     deadline     2024-06-30
1.2.4  1.2.4     text         -
1.2.5  1.2.5     text         -
1.2.6  1.2.6     deadline     2024-05-31
1.2.7  1.2.7     deadline     2024-03-31
1.3.1  1.2.1     deadline     2024-03-31
1.3.2  1.2.2     deadline     2024-12-31
1.3.3  1.2.3     deadline     2024-07-31
1.3.4  1.2.4     deadline     2024-12-31
1.3.5  1.2.5     deadline     2024-02-29
1.4.1  1.4.1     deadline     2024-12-31
1.4.2  1.4.2     deadline     2024-03-31
1.4.3  1.4.3     deadline     2024-06-30
1.4.4  1.4.4     deadline     2024-03-31
1.4.5  1.4.5     deadline     2024-06-30
1.4.6  1.4.6     deadline     2024-03-31
1.4.7  1.4.7     deadline     2024-06-30
2.1.1  2.1.1     deadline     2024-04-30
2.1.2  2.1.2     deadline     2024-12-31
2.1.3  2.1.3     deadline     2024-04-30
2.1.4  2.1.4     percentage   75          >
2.1.5  2.1.5     percentage   75          >
2.2.1  2.2.1     text         -
2.2.2  2.2.2     text         -
2.2.3  2.2.3     text         -
2.2.4  2.2.4     text         -
2.2.5  2.2.5     text         -
2.3.1  2.3.1     count        5           >
2.3.2  2.3.2     deadline     2024-12-31
2.3.3  2.3.3     text         -
2.4.1  2.4.1     percentage   100         >=
3.1.1  3.1.1     text         -
3.1.2  3.1.2     deadline     2024-12-31
3.1.3  3.1.3     deadline     2024-10-31
3.1.4  3.1.4     deadline     2024-09-15
3.1.5  3.1.5     deadline     2024-11-30
3.1.6  3.1.6     amount       200000      >
3.1.7  3.1.7     count        5           >
3.2.1  3.2.1     percentage   100         >=
3.2.2  3.2.2     percentage   100         >=
3.2.3  3.2.3     count        5           >
3.2.4  3.2.4     deadline     2024-12-31
3.2.5  3.2.5     percentage   100         >=
3.3.1  3.3.1     deadline     2024-03-31
3.3.2  3.3.2     count        2           >    month
3.3.3  3.3.3     count        2           >    week
3.3.4  3.3.4     count        2           >    month
3.3.5  3.3.5     count        1           >
3.3.6  3.3.6     deadline     2024-12-31
3.3.7  3.3.7     count        2           >    year
3.4.1  3.4.1     deadline     2024-06-30
3.4.2  3.4.2     count        3           >    month
3.4.3  3.4.3     count        2           >    year
3.4.4  3.4.4     count        2           >    year
4.1.1  4.1.1     deadline     2024-06-30
4.1.2  4.1.2     deadline     2024-12-31
4.1.3  4.1.3     deadline     2024-12-31
4.1.4  4.1.4     deadline     2024-12-31
4.1.5  4.1.5     boolean      -
4.2.1  4.2.1     boolean      -
4.2.2  4.1.2     percentage   100         >=
4.2.3  4.1.3     percentage   100         >=
4.2.4  4.1.4     percentage   100         >=
4.2.5  4.1.5     count        2           >
4.3.1  4.3.1     percentage   100         >=
4.3.2  4.3.2     percentage   100         >=
4.3.3  4.3.3     percentage   100         >=
4.3.4  4.3.4     percentage   100         >=
4.3.5  4.3.5     percentage   100         >=
4.4.1  4.4.1     count        3           >
4.4.2  4.4.2     boolean      -
4.4.3  4.4.3     count        1           >    day
4.4.4  4.4.4     boolean      -
4.4.5  4.4.5     count        2           >    day
4.4.6  4.4.6     boolean      -
4.4.7  4.4.7     percentage   100         >=
5.1.1  5.1.1     percentage   100         >=
5.1.2  5.1.2     percentage   100         >=
5.1.3  5.1.3     percentage   100         >=
5.1.4  1005.1.4  percentage   100         >=
5.1.5  5.1.5     percentage   100         >=
5.1.6  5.1.6     count        1           >
5.1.7  5.1.7     count        1           >
5.2.1  5.2.1     deadline     2024-06-30
5.2.2  5.2.2     count        3           >
5.2.3  5.2.3     count        2           >
5.2.4  5.2.4     deadline     2024-09-30
5.2.5  5.2.5     deadline     2024-06-30
5.3.1  5.3.1     percentage   100         >=
5.3.2  5.3.2     percentage   100         >=
5.3.3  5.3.3     percentage   100         >=
5.3.4  5.3.4     deadline     2024-03-31
5.3.5  5.4.5     percentage   100         >=
5.3.6  5.4.6     deadline     2024-12-31
5.4.1  5.4.1     percentage   100         >=
5.4.2  5.4.2     percentage   100         >=
5.4.3  5.4.3     percentage   100         >=
5.4.4  5.4.4     count        3           >
`
  .trim()
  .split("\n")
  .map((line) => {
    const [code, printed, kind, value, comparator, period] = line.trim().split(/\s+/) as [
      string,
      string,
      TargetKind,
      string,
      string?,
      string?,
    ];
    return {
      code,
      printed: printed === "-" ? "" : printed,
      kind,
      value,
      comparator: comparator ?? null,
      period: period ?? null,
    };
  });

const MANUAL_DATE_CODES = ["E3.1", "1.2.4", "1.2.5", "2.2.1", "2.2.2", "2.2.3", "2.2.4", "2.2.5", "2.3.3", "3.1.1"];

const AREA_OBJECTIVES = [
  "1.1",
  "1.2",
  "1.3",
  "1.4",
  "2.1",
  "2.2",
  "2.3",
  "2.4",
  "3.1",
  "3.2",
  "3.3",
  "3.4",
  "4.1",
  "4.2",
  "4.3",
  "4.4",
  "5.1",
  "5.2",
  "5.3",
  "5.4",
];

const activity = (p: ParsedPlan, code: string) => {
  const found = p.activities.find((a) => a.code === code);
  if (!found) throw new Error(`no activity ${code}`);
  return found;
};

/** What must stay the same whatever the Comune: shape, counts, kinds, anomalies. */
function shape(p: ParsedPlan) {
  return {
    areas: p.areas.length,
    areaObjectives: p.objectives.filter((o) => o.areaCode !== null).map((o) => [o.code, o.weight]),
    orgWide: p.objectives
      .filter((o) => o.areaCode === null)
      .map((o) => [o.code, p.activities.filter((a) => a.objectiveCode === o.code).length]),
    areaActivities: p.activities.filter((a) => !a.code.startsWith("E")).length,
    kinds: p.activities.map((a) => [a.code, a.printedCode, a.target.kind, a.target.comparator, a.target.period]).sort(),
    anomalies: p.anomalies.map((a) => [a.kind, a.code]).sort(),
  };
}

describe("the Leggiuno PIAO 2024", () => {
  it("names the plan: year, Comune, source", () => {
    expect(plan.year).toBe(2024);
    expect(plan.entity).toBe("Comune di Leggiuno");
    expect(plan.sourceName).toBe("leggiuno-piao-2024.txt");
  });

  it("has the 5 areas with their heads, in document order", () => {
    expect(plan.areas).toEqual([
      { code: "01", name: "Area Affari Generali", head: "Clarissa Sartori", position: 1 },
      { code: "02", name: "Area Economico Finanziaria", head: "Clarissa Sartori", position: 2 },
      { code: "03", name: "Area Tecnico Manutentiva", head: "Claudia Nodari", position: 3 },
      { code: "04", name: "Area Polizia Locale", head: "Ettore Bezzolato", position: 4 },
      { code: "05", name: "Area Servizi Sociali", head: "Chiara Sereno", position: 5 },
    ]);
  });

  it("has 20 area objectives, each with title, description, valore pubblico and weight 10", () => {
    const areaObjectives = plan.objectives.filter((o) => o.areaCode !== null);
    expect(areaObjectives.map((o) => o.code)).toEqual(AREA_OBJECTIVES);
    for (const o of areaObjectives) {
      expect(o.areaCode, o.code).toBe(`0${o.code[0]}`);
      expect(o.weight, o.code).toBe(10);
      expect(o.title.length, o.code).toBeGreaterThan(3);
      expect(o.description.length, o.code).toBeGreaterThan(20);
      expect(o.publicValue.length, o.code).toBeGreaterThan(5);
    }
    const byCode = (code: string) => plan.objectives.find((o) => o.code === code)!;
    expect(byCode("1.1")).toMatchObject({
      title: "BENESSERE IN COMUNE",
      publicValue: "Attivare processi educativi dedicati alle giovani generazioni",
    });
    // "VALORE PUBBLICO PESO" on one row, the weight at the end of the text.
    expect(byCode("1.2")).toMatchObject({
      title: "PROGETTA PER/CON LA SCUOLA",
      publicValue: "Migliorare le competenze delle giovani generazioni",
      weight: 10,
    });
    expect(byCode("1.3")).toMatchObject({
      title: "PUBBLICA AMMINISTRAZIONE EFFICIENTE",
      publicValue: "Efficienza amministrativa",
    });
    // Code and title in one cell, labels and values in one cell.
    expect(byCode("4.4")).toMatchObject({
      title: "PRESIDIO DEL TERRITORIO",
      publicValue: "Potenzimento sicurezza",
      weight: 10,
    });
    expect(byCode("4.4").description).toMatch(/^L'obiettivo è quello di aumentare il grado di sicurezza/);
    expect(byCode("5.1").title).toBe("SPORTELLLO SOCIALE");
  });

  it("has 8 Comune-wide objectives E1..E8 with their activities", () => {
    const orgWide = plan.objectives.filter((o) => o.areaCode === null);
    expect(orgWide.map((o) => [o.code, o.title])).toEqual([
      ["E1", "Rispetto dei tempi di pagamento"],
      ["E2", "Piattaforma Notifiche Digitali (PND) - prosecuzione da anno 2023"],
      ["E3", "Revisione del sito web istituzionale - prosecuzione da anno 2023"],
      [
        "E4",
        "Accessibilità ai servizi dei cittadini con disabilità e ai dipendenti nei luoghi di lavoro (D.Lgs. 222/2023)",
      ],
      ["E5", "Obiettivi di accessibilità (articolo 1, comma 2, D.L. 179/2012)"],
      ["E6", "Piano delle Azioni Positive e Uguaglianza di genere"],
      ["E7", "Applicazione nuovo Codice dei Contratti Pubblici"],
      ["E8", "Prevenzione della corruzione e promozione della trasparenza"],
    ]);
    expect(shape(plan).orgWide).toEqual([
      ["E1", 1],
      ["E2", 1],
      ["E3", 3],
      ["E4", 1],
      ["E5", 2],
      ["E6", 2],
      ["E7", 1],
      ["E8", 5],
    ]);
    for (const o of orgWide) {
      expect(o.weight).toBeNull();
      expect(o.description.length, o.code).toBeGreaterThan(20);
      expect(o.publicValue.length, o.code).toBeGreaterThan(10);
    }
    expect(plan.objectives.find((o) => o.code === "E1")!.description).toMatch(/^La Ragioneria Generale dello Stato/);
    for (const a of plan.activities.filter((x) => x.code.startsWith("E"))) expect(a.printedCode).toBe("");
  });

  it("has exactly 105 area activities with unique canonical codes", () => {
    expect(plan.activities.filter((a) => !a.code.startsWith("E"))).toHaveLength(105);
    const codes = plan.activities.map((a) => a.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const a of plan.activities) expect(a.code.startsWith(`${a.objectiveCode}.`), a.code).toBe(true);
    expect(plan.activities.map((a) => a.position)).toEqual(plan.activities.map((_, i) => i + 1));
  });

  it("reads every indicator as the table says", () => {
    expect(plan.activities.map((a) => a.code).sort()).toEqual(LEGGIUNO_TARGETS.map((r) => r.code).sort());
    const got = LEGGIUNO_TARGETS.map((row) => {
      const a = activity(plan, row.code);
      const t = a.target;
      const value = t.kind === "deadline" ? t.deadline : t.threshold === null ? "-" : String(t.threshold);
      return [row.code, a.printedCode, t.kind, value, t.comparator, t.period, t.needsManualDate, a.targetText];
    });
    const expected = LEGGIUNO_TARGETS.map((row) => [
      row.code,
      row.printed,
      row.kind,
      row.value,
      row.kind === "deadline" || row.kind === "text" || row.kind === "boolean" ? null : row.comparator,
      row.period,
      MANUAL_DATE_CODES.includes(row.code),
      activity(plan, row.code).targetText,
    ]);
    expect(got).toEqual(expected);
  });

  it("keeps indicator, indice and target of the rows whose cells wander", () => {
    // 3.2.3: the target sits under INDICE, no indice printed.
    expect(activity(plan, "3.2.3")).toMatchObject({
      indicatorName: "Convocazione riunioni",
      indicatorIndex: null,
      targetText: "> 5",
    });
    // 4.3.x: the table has no INDICE column.
    expect(activity(plan, "4.3.1")).toMatchObject({
      indicatorName: "Evasione pratiche",
      indicatorIndex: null,
      targetText: "100%",
    });
    // 5.2.x: indice and target in one cell, VALORE ATTESO header on its own row.
    expect(activity(plan, "5.2.1")).toMatchObject({
      indicatorName: "Analisi e mappatura",
      indicatorIndex: "Tempo previsto",
      targetText: "Tempo previsto 30 Giugno 2024",
    });
    expect(activity(plan, "5.2.2")).toMatchObject({
      indicatorIndex: "N° tavoli di lavoro convocati",
      targetText: "N° tavoli di lavoro convocati > 3",
    });
    expect(activity(plan, "3.1.6").target).toMatchObject({ unit: "euro", threshold: 200000 });
    expect(activity(plan, "4.4.5").target.qualifier).toBe("stagione estiva");
    expect(activity(plan, "3.3.4").target.qualifier).toBe("nella stagione estiva");
    expect(activity(plan, "E1.1").target).toMatchObject({
      unit: "giorni",
      qualifier: expect.stringMatching(/^fatti salvi i diversi termini/),
    });
    expect(activity(plan, "E6.1").target).toMatchObject({ unit: "persone" });
  });

  it("splits title and description of an activity cell, keeping the full text", () => {
    const a = activity(plan, "1.1.1");
    expect(a.title).toBe("Piano operativo");
    expect(a.description).toMatch(/^Piano operativo Stesura piano operativo con relativo crono programma/);
    expect(activity(plan, "1.3.3").title).toBe("Patto di amicizia con il Comune di Sorradile");
    expect(activity(plan, "3.1.2").title).toBe("Riqualificazione area San Primo");
    const badTitles = plan.activities.filter(
      (x) =>
        x.title.length <= 3 ||
        x.title.length > 140 ||
        !x.description.replace(/\n/g, " ").startsWith(x.title.replace(/…$/, "")),
    );
    expect(badTitles.map((x) => [x.code, x.title])).toEqual([]);
  });

  it("strips HTML from every text", () => {
    const texts = [
      ...plan.objectives.flatMap((o) => [o.title, o.description, o.publicValue]),
      ...plan.activities.flatMap((a) => [
        a.title,
        a.description,
        a.indicatorName,
        a.indicatorIndex ?? "",
        a.targetText,
        a.involved ?? "",
      ]),
    ];
    expect(texts.filter((t) => /<\/?(?:p|ul|li)\b|&[a-z]+;/.test(t))).toEqual([]);
    expect(activity(plan, "E4.1").description).toMatch(
      /^Incrementare le attuali misure[\s\S]*- ricognizione da parte di tutti gli uffici/,
    );
  });

  it("splits the E3 row that prints two indicators in one row, one paragraph each", () => {
    expect(activity(plan, "E3.1")).toMatchObject({
      indicatorName:
        "Messa a regime del sito internet e pubblicazione sul sito della dichiarazione che attesti lo stato di conformità",
      indicatorIndex: "Tempo previsto",
      targetText: "Rispetto dei termini indicati nel cronoprogramma",
      involved: "Titolare Elevata Qualificazione: Clarissa Sartori",
      involvesAllAreas: false,
    });
    expect(activity(plan, "E3.2")).toMatchObject({
      indicatorName: "Documenti/dati i cui contenuti sono conformi al principio di accessibilità",
      indicatorIndex: "Documenti accessibili",
      targetText: "100%",
      involved: "Tutte EQ",
      involvesAllAreas: true,
    });
    expect(activity(plan, "E3.3").indicatorName).toBe("Pubblicazione della modulistica");
  });

  it("joins the E1 continuation row (merged cells) to the activity above", () => {
    const a = activity(plan, "E1.1");
    expect(a.description).toMatch(
      /^Rispettare le modalità di gestione dei pagamenti\nL'ufficio ragioneria dovrà verificare le fatture/,
    );
    expect(a.involved).toBe(
      "Tutte EQ Personale coinvolto: Tutti gli uffici Interessati; Titolare Elevata Qualificazione: Clarissa Sartori Personale coinvolto: Area Economico Finanziaria",
    );
    expect(a).toMatchObject({ involvesAllAreas: true, involvedAreaCodes: ["02"] });
  });

  it("finds the areas involved by head or by area name", () => {
    expect(activity(plan, "E2.1")).toMatchObject({ involvesAllAreas: false, involvedAreaCodes: ["04"] });
    expect(activity(plan, "E8.1")).toMatchObject({
      involved: "RPCT: Michele Panariello Tutte EQ",
      involvesAllAreas: true,
      involvedAreaCodes: [],
    });
    expect(activity(plan, "E5.2")).toMatchObject({ involved: null, involvesAllAreas: false, involvedAreaCodes: [] });
    // Clarissa Sartori heads 01 and 02 and no area is named: both.
    expect(activity(plan, "E5.1")).toMatchObject({ involvedAreaCodes: ["01", "02"], involvesAllAreas: false });
    for (const a of plan.activities.filter((x) => !x.code.startsWith("E"))) expect(a.involved).toBeNull();
  });

  it("reports every misprinted code and every manual date, in Italian", () => {
    const rows = plan.anomalies.map((a) => [a.kind, a.code, a.printedCode ?? ""]);
    expect(rows.filter((r) => r[0] !== "manual_deadline" && r[0] !== "split_row")).toEqual([
      ["duplicate_code", "1.3.1", "1.2.1"],
      ["duplicate_code", "1.3.2", "1.2.2"],
      ["duplicate_code", "1.3.3", "1.2.3"],
      ["duplicate_code", "1.3.4", "1.2.4"],
      ["duplicate_code", "1.3.5", "1.2.5"],
      ["duplicate_code", "4.2.2", "4.1.2"],
      ["duplicate_code", "4.2.3", "4.1.3"],
      ["duplicate_code", "4.2.4", "4.1.4"],
      ["duplicate_code", "4.2.5", "4.1.5"],
      ["foreign_code", "5.1.4", "1005.1.4"],
      ["misplaced_code", "5.3.5", "5.4.5"],
      ["misplaced_code", "5.3.6", "5.4.6"],
    ]);
    expect(
      plan.anomalies
        .filter((a) => a.kind === "manual_deadline")
        .map((a) => a.code)
        .sort(),
    ).toEqual([...MANUAL_DATE_CODES].sort());
    expect(plan.anomalies.filter((a) => a.kind === "split_row").map((a) => a.code)).toEqual(["E3.1"]);
    expect(plan.anomalies).toHaveLength(12 + MANUAL_DATE_CODES.length + 1);

    const message = (code: string) =>
      plan.anomalies.find((a) => a.code === code && a.kind !== "manual_deadline")!.message;
    expect(message("1.3.1")).toBe(
      "Il codice 1.2.1 è stampato due volte (sotto gli obiettivi 1.2 e 1.3): l'attività «Regolamento per la costituzione e gestione dei gemellaggi e dei…» dell'obiettivo 1.3 è registrata come 1.3.1.",
    );
    expect(message("5.1.4")).toMatch(
      /^Il codice 1005\.1\.4 non corrisponde a nessun obiettivo del piano: .* è registrata come 5\.1\.4\.$/,
    );
    expect(message("5.3.5")).toMatch(
      /^Il codice 5\.4\.5 appartiene all'obiettivo 5\.4 ma è stampato sotto l'obiettivo 5\.3: .* è registrata come 5\.3\.5\.$/,
    );
    const manual = plan.anomalies.find((a) => a.kind === "manual_deadline" && a.code === "3.1.1")!;
    expect(manual.message).toBe(
      "L'attività 3.1.1 «Realizzazione opere pubbliche» ha come valore atteso «Entro termini di legge»: non c'è una data certa, la scadenza va inserita a mano.",
    );
  });
});

describe("the same layout, another file", () => {
  it("CRLF line endings, a BOM and non-breaking spaces change nothing", () => {
    const windows = `\uFEFF${LEGGIUNO.replace(/RESPONSABILE /g, "RESPONSABILE\u00A0").replace(/\n/g, "\r\n")}`;
    expect(parsePiaoText(windows, "leggiuno-piao-2024.txt")).toEqual(plan);
    const oldMac = LEGGIUNO.replace(/\n/g, "\r");
    expect(parsePiaoText(oldMac, "leggiuno-piao-2024.txt")).toEqual(plan);
  });

  it("another Comune (other names, year 2025, two area blocks swapped, curly quotes) parses to the same shape", () => {
    const other = otherComune(LEGGIUNO);
    const p = parsePiaoText(other, "castelvetro.txt");
    expect(p.year).toBe(2025);
    expect(p.entity).toBe("Comune di Castelvetro");
    expect(p.areas.map((a) => [a.code, a.head, a.position])).toEqual([
      ["01", "Paola Verdi", 1],
      ["02", "Paola Verdi", 2],
      ["05", "Marta Conti", 3],
      ["04", "Giorgio Bassi", 4],
      ["03", "Luca Neri", 5],
    ]);
    const expected = shape(plan);
    const got = shape(p);
    expect(got.areas).toBe(expected.areas);
    expect(got.orgWide).toEqual(expected.orgWide);
    expect(got.areaActivities).toBe(105);
    expect(got.kinds).toEqual(expected.kinds);
    expect(got.anomalies).toEqual(expected.anomalies);
    expect(new Set(got.areaObjectives.map(([c]) => c))).toEqual(new Set(AREA_OBJECTIVES));
    expect(activity(p, "1.1.3").target.deadline).toBe("2025-12-31");
    expect(activity(p, "1.3.5").target.deadline).toBe("2025-02-28");
    expect(activity(p, "E2.1").involvedAreaCodes).toEqual(["04"]);
    expect(p.objectives.find((o) => o.code === "3.1")!.areaCode).toBe("03");
  });

  it("a looser variant: one-line headings, a 'Personale coinvolto' column, code and activity in one cell", () => {
    const doc = [
      "OBIETTIVI ESECUTIVI 2026",
      "",
      "Comune di Borgo Prova",
      "",
      "CENTRO DI RESPONSABILITA' 2 - Area Tecnica\tRESPONSABILE: Anna Neri",
      "OBIETTIVO 2.1 - STRADE",
      "DESCRIZIONE\tManutenzione delle strade comunali",
      "VALORE PUBBLICO\tSicurezza stradale",
      "PESO 25%",
      "ATTIVITA' E FASI\tINDICATORE\tINDICE\tVALORE ATTESO\tPERSONALE COINVOLTO",
      "2.1.1\tAsfaltature strade comunali Rifacimento del manto\tFine lavori\tTempo previsto\t30 Giugno 2026\tUfficio tecnico",
      "2.1.2\tPulizia caditoie Interventi periodici\tInterventi\tNumero\t> 4 al mese\t",
      "2.1.3 Segnaletica orizzontale Rifacimento\tInterventi\tNumero\t>= 10\tAnna Neri",
    ].join("\r\n");
    const p = parsePiaoText(doc, "borgo.txt");
    expect(p).toMatchObject({
      year: 2026,
      entity: "Comune di Borgo Prova",
      areas: [{ code: "02", name: "Area Tecnica", head: "Anna Neri" }],
    });
    expect(p.objectives).toEqual([
      {
        code: "2.1",
        areaCode: "02",
        title: "STRADE",
        description: "Manutenzione delle strade comunali",
        publicValue: "Sicurezza stradale",
        weight: 25,
        position: 1,
      },
    ]);
    expect(
      p.activities.map((a) => [
        a.code,
        a.title,
        a.indicatorIndex,
        a.targetText,
        a.target.kind,
        a.involved,
        a.involvedAreaCodes,
      ]),
    ).toEqual([
      ["2.1.1", "Asfaltature strade comunali", "Tempo previsto", "30 Giugno 2026", "deadline", "Ufficio tecnico", []],
      ["2.1.2", "Pulizia caditoie", "Numero", "> 4 al mese", "count", null, []],
      ["2.1.3", "Segnaletica orizzontale", "Numero", ">= 10", "count", "Anna Neri", ["02"]],
    ]);
    expect(p.anomalies).toEqual([]);
  });

  it("finds the year from the deadlines when no heading gives it", () => {
    const noHeading = LEGGIUNO.replace(/OBIETTIVI ESECUTIVI 2024/g, "OBIETTIVI ESECUTIVI").replace(
      /ANNUALITA' 2024/g,
      "ANNUALITA'",
    );
    expect(parsePiaoText(noHeading, "x.txt").year).toBe(2024);
  });
});

describe("the demo plan shipped with the bot", () => {
  const demo = parsePiaoText(DEMO, "demo-piao.txt");

  it("is a small, clean plan of a fictional Comune", () => {
    expect(DEMO).not.toMatch(/\r/);
    expect(demo.entity).toBe("Comune di Valdicastello");
    expect(demo.year).toBe(2024);
    expect(demo.areas).toHaveLength(3);
    expect(demo.areas.every((a) => a.head !== null)).toBe(true);
    const orgWide = demo.objectives.filter((o) => o.areaCode === null);
    const areaObjectives = demo.objectives.filter((o) => o.areaCode !== null);
    expect(orgWide.map((o) => o.code)).toEqual(["E1", "E2"]);
    expect(areaObjectives).toHaveLength(6);
    for (const area of demo.areas) expect(areaObjectives.filter((o) => o.areaCode === area.code)).toHaveLength(2);
    for (const o of areaObjectives) {
      const n = demo.activities.filter((a) => a.objectiveCode === o.code).length;
      expect(n, o.code).toBeGreaterThanOrEqual(3);
      expect(n, o.code).toBeLessThanOrEqual(4);
    }
    for (const a of demo.activities) if (a.printedCode) expect(a.code).toBe(a.printedCode);
  });

  it("has only the manual-date anomaly", () => {
    expect(demo.anomalies.map((a) => a.kind)).toEqual(["manual_deadline"]);
  });

  it("covers every kind of target, periods and date forms", () => {
    const kinds = new Set(demo.activities.map((a) => a.target.kind));
    expect([...kinds].sort()).toEqual(["amount", "boolean", "count", "deadline", "percentage", "text", "upper_bound"]);
    expect(new Set(demo.activities.map((a) => a.target.period).filter(Boolean))).toEqual(
      new Set(["day", "week", "month", "year"]),
    );
    const deadlineTexts = demo.activities.filter((a) => a.target.kind === "deadline").map((a) => a.targetText);
    expect(deadlineTexts.some((t) => /^\d{1,2} [A-Z][a-z]+ \d{4}$/.test(t))).toBe(true);
    expect(deadlineTexts.some((t) => /^Entro (il )?\d{2}\.\d{2}\.\d{4}$/.test(t))).toBe(true);
    expect(deadlineTexts.some((t) => /–/.test(t))).toBe(true);
    expect(deadlineTexts.some((t) => /^[A-Z][a-z]+ \d{4}$/.test(t))).toBe(true);
    expect(deadlineTexts.some((t) => /^\d{2}\/\d{2}\/\d{4}$/.test(t))).toBe(true);
    expect(demo.activities.filter((a) => a.target.needsManualDate)).toHaveLength(1);
    expect(demo.activities.some((a) => a.target.qualifier !== null)).toBe(true);
  });
});

describe("documents that are not a plan", () => {
  const expectPlanFormatError = (text: string, code: string) => {
    let caught: unknown;
    try {
      parsePiaoText(text, "documento.txt");
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PlanFormatError);
    expect(caught).toBeInstanceOf(UserError);
    const err = caught as PlanFormatError;
    expect(err.code).toBe(code);
    expect(err.message).toMatch(/«documento\.txt»/);
    expect(err.message).toMatch(/[Aa]tteso/);
    return err;
  };

  it("a README", () => {
    const err = expectPlanFormatError(
      "# Obiettivi\n\nBot Slack per il Piano della Performance.\n\n## Avvio\n\n    npm install\n    npm start\n\nObiettivo: aiutare il Segretario Comunale.\n",
      "not_a_plan",
    );
    expect(err.message).toBe(
      "Il file «documento.txt» non sembra un Piano della Performance: non ho trovato nessuna riga «CENTRO RESPONSABILITA'» né «OBIETTIVO n.n». Atteso un documento PIAO in testo con celle separate da tabulazioni.",
    );
  });

  it("a CSV of something else", () => {
    expectPlanFormatError("nome;cognome;ufficio\nMario;Rossi;Tributi\nAnna;Bianchi;Anagrafe\n", "not_a_plan");
  });

  it("an empty file", () => {
    expectPlanFormatError("", "empty");
    expectPlanFormatError("\uFEFF \r\n\t\n", "empty");
  });

  it("binary garbage, a PDF", () => {
    const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256);
    expectPlanFormatError(new TextDecoder("utf-8").decode(bytes), "binary");
    expectPlanFormatError("%PDF-1.7\n%âãÏÓ\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "binary");
  });

  it("objectives without any activity", () => {
    expectPlanFormatError(
      "OBIETTIVI ESECUTIVI 2024\nCENTRO RESPONSABILITA' 01. Area Affari Generali\t\tRESPONSABILE Mario Rossi\nOBIETTIVO 1.1\t\tTITOLO\n",
      "no_activities",
    );
  });
});

describe("damaged documents", () => {
  it("truncated, shuffled or thinned-out copies either parse with unique codes or fail with PlanFormatError", () => {
    let seed = 1;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const lines = LEGGIUNO.split("\n");
    const problems: string[] = [];
    for (let i = 0; i < 9; i++) {
      let doc: string;
      if (i % 3 === 0) doc = LEGGIUNO.slice(0, Math.floor(random() * LEGGIUNO.length));
      else if (i % 3 === 1) doc = lines.filter(() => random() > 0.3).join("\n");
      else {
        const shuffled = [...lines];
        for (let k = 0; k < 30; k++) {
          const x = Math.floor(random() * shuffled.length);
          const y = Math.floor(random() * shuffled.length);
          [shuffled[x], shuffled[y]] = [shuffled[y]!, shuffled[x]!];
        }
        doc = shuffled.join("\n");
      }
      try {
        const p = parsePiaoText(doc, "danneggiato.txt");
        const codes = [...p.activities.map((a) => a.code), ...p.objectives.map((o) => o.code)];
        if (new Set(codes).size !== codes.length) problems.push(`${i}: duplicate codes`);
      } catch (err) {
        if (!(err instanceof PlanFormatError)) problems.push(`${i}: ${String(err)}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

/** Leggiuno rewritten as another Comune: new names and year, areas 03 and 05 swapped, curly apostrophes, NBSP. */
function otherComune(text: string): string {
  const renamed = text
    .replaceAll("Leggiuno", "Castelvetro")
    .replaceAll("Clarissa Sartori", "Paola Verdi")
    .replaceAll("Claudia Nodari", "Luca Neri")
    .replaceAll("Ettore Bezzolato", "Giorgio Bassi")
    .replaceAll("Chiara Sereno", "Marta Conti")
    .replaceAll("29 Febbraio 2024", "28 Febbraio 2025")
    .replaceAll("2024", "2025")
    .replaceAll("RESPONSABILITA'", "RESPONSABILITA’")
    .replaceAll("ATTIVITA' E FASI", "ATTIVITÀ E FASI")
    .replaceAll("RESPONSABILE ", "RESPONSABILE\u00A0");
  const sections = renamed.split(/^(?=Centro di Responsabilità$)/m).map((s) => s.replace(/\n*$/, "\n\n"));
  expect(sections).toHaveLength(6);
  [sections[3], sections[5]] = [sections[5]!, sections[3]!];
  return sections.join("");
}

describe("areas named Settore / Area / U.O. with heads as Titolare di E.Q. or P.O.", () => {
  it("reads the area row of the table however it names the area and its head", () => {
    const T = "\t";
    const text = [
      "OBIETTIVI ESECUTIVI 2025",
      "",
      ["SETTORE 2 – Servizi Tecnici", "", "TITOLARE DI E.Q.: Mario Rossi"].join(T),
      ["OBIETTIVO 2.1", "", "STRADE"].join(T),
      ["ATTIVITA' E FASI", "", "INDICATORE", "INDICE", "VALORE ATTESO"].join(T),
      ["2.1.1", "Asfaltature Rifacimento del manto", "Km", "Tempo previsto", "30 Giugno 2025"].join(T),
      "",
      ["AREA 3 Servizi sociali", "", "P.O. Anna Verdi"].join(T),
      ["OBIETTIVO 3.1", "", "ANZIANI"].join(T),
      ["PESO", "", "35 punti"].join(T),
      ["ATTIVITA' E FASI", "", "INDICATORE", "INDICE", "VALORE ATTESO"].join(T),
      ["3.1.1", "Centro diurno Apertura", "Apertura", "Tempo previsto", "31 Ottobre 2025"].join(T),
      "",
      "Area tecnica e manutentiva: la descrizione di un'area nel testo non è una riga della tabella.",
    ].join("\n");
    const p = parsePiaoText(text, "settori.txt");
    expect(p.areas.map((a) => [a.code, a.name, a.head])).toEqual([
      ["02", "Settore Servizi Tecnici", "Mario Rossi"],
      ["03", "Area Servizi sociali", "Anna Verdi"],
    ]);
    expect(p.objectives.map((o) => [o.code, o.weight])).toEqual([
      ["2.1", null],
      ["3.1", 35],
    ]);
    expect(p.activities.map((a) => [a.code, a.objectiveCode, a.target.deadline])).toEqual([
      ["2.1.1", "2.1", "2025-06-30"],
      ["3.1.1", "3.1", "2025-10-31"],
    ]);
  });
});
