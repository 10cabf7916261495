import { describe, expect, it } from "vitest";
import { parseScoringConfig } from "../../../src/domain/scoring/config.ts";
import { scoreActivity, type ActivityScoringInput } from "../../../src/domain/scoring/scoring.ts";
import { CHECK_IDS, runChecks } from "../../../src/domain/validation/checks.ts";
import { checkPercentCounts } from "../../../src/domain/validation/counts.ts";
import { classifyEvidence, isLateEntry, lacksEvidence } from "../../../src/domain/validation/evidence.ts";
import type { RegistroReport, ValidationActivity, ValidationInput } from "../../../src/domain/validation/input.ts";
import { parseOutcome } from "../../../src/domain/validation/input.ts";
import { buildValidationPack } from "../../../src/domain/validation/pack.ts";
import { drawSample } from "../../../src/domain/validation/sample.ts";

describe("evidence", () => {
  it("tells acts apart", () => {
    expect(classifyEvidence("Det. n. 245/2024")).toBe("determina");
    expect(classifyEvidence("Determinazione n. 12")).toBe("determina");
    expect(classifyEvidence("Delibera G.C. n. 30/2024")).toBe("delibera");
    expect(classifyEvidence("DGC 5/2024")).toBe("delibera");
    expect(classifyEvidence("Prot. 999")).toBe("protocollo");
    expect(classifyEvidence("protocollo n. 4521")).toBe("protocollo");
    expect(classifyEvidence("https://albo.comune.it/delibera/3")).toBe("link");
    expect(classifyEvidence("Ordinanza n. 2")).toBe("ordinanza");
    expect(classifyEvidence("fatto")).toBe("altro");
    expect(classifyEvidence("  ")).toBeNull();
  });

  it("a completion needs an act its rule accepts; other states and other kinds need nothing", () => {
    const rules = parseScoringConfig({}).evidence;
    expect(lacksEvidence(rules, "deadline", "completata", [])).toBe(true);
    expect(lacksEvidence(rules, "deadline", "completata", ["fatto"])).toBe(true);
    expect(lacksEvidence(rules, "deadline", "completata", ["fatto", "Det. n. 1/2024"])).toBe(false);
    expect(lacksEvidence(rules, "deadline", "in_corso", [])).toBe(false);
    expect(lacksEvidence(rules, "count", "completata", [])).toBe(false);
  });

  it("late entry: more than N days between the claimed date and the day of entry", () => {
    expect(isLateEntry("2024-10-01", "2024-10-31", 30)).toBe(false);
    expect(isLateEntry("2024-10-01", "2024-11-01", 30)).toBe(true);
    expect(isLateEntry("2024-10-01", "2024-10-01", 0)).toBe(false);
  });
});

describe("SMVP configuration", () => {
  it("a configuration stored before evidence rules existed reads with the defaults", () => {
    const old = parseScoringConfig({
      maxPoints: 40,
      rules: { deadline: { late: "zero", bands: [] } },
      manualEvaluations: {},
    });
    expect(old.lateEntryDays).toBe(30);
    expect(old.evidence.deadline).toEqual({
      required: true,
      acts: ["determina", "delibera", "protocollo", "link"],
      scoresWithout: true,
    });
  });

  it("rejects unknown act kinds and indicator kinds, in Italian", () => {
    expect(() => parseScoringConfig({ evidence: { deadline: { acts: ["fattura"] } } })).toThrow(
      /evidence\.deadline\.acts/,
    );
    expect(() => parseScoringConfig({ evidence: { scadenza: {} } })).toThrow(/evidence/);
    expect(() => parseScoringConfig({ lateEntryDays: -1 })).toThrow(/lateEntryDays/);
  });

  it("the rule decides whether a completion without evidence scores", () => {
    const a: ActivityScoringInput = {
      code: "3.1.2",
      targetKind: "deadline",
      targetText: "31 Dicembre 2024",
      threshold: null,
      comparator: null,
      period: null,
      qualifier: null,
      unit: null,
      deadline: "2024-12-31",
      state: { status: "completata", percent: null, count: null, achievedValue: null, completedOn: "2024-12-20" },
      evidence: [],
    };
    const lenient = parseScoringConfig({});
    const strict = parseScoringConfig({ evidence: { deadline: { scoresWithout: false } } });
    const ctx = (config: typeof lenient) => ({ planYear: 2024, asOf: "2025-01-31", config });
    expect(scoreActivity(a, ctx(lenient))).toMatchObject({ percent: 100, rule: "deadline.on_time" });
    expect(scoreActivity(a, ctx(lenient)).explanation).toContain("senza evidenza");
    expect(scoreActivity(a, ctx(strict))).toMatchObject({ percent: 0, rule: "evidence.missing" });
    expect(scoreActivity({ ...a, evidence: ["Det. n. 245/2024"] }, ctx(strict))).toMatchObject({
      percent: 100,
      rule: "deadline.on_time",
    });
  });
});

describe("counts of a percentage", () => {
  it("45/47 is 95.7%; the denominator above zero, the numerator not above it, integers", () => {
    expect(checkPercentCounts(45, 47)).toEqual({ ok: true, percent: 95.7 });
    expect(checkPercentCounts(0, 5)).toEqual({ ok: true, percent: 0 });
    expect(checkPercentCounts(5, 0)).toMatchObject({ ok: false, message: expect.stringContaining("maggiore di zero") });
    expect(checkPercentCounts(48, 47)).toMatchObject({
      ok: false,
      message: expect.stringContaining("non può superare"),
    });
    expect(checkPercentCounts(4.5, 47)).toMatchObject({ ok: false });
    expect(checkPercentCounts(-1, 47)).toMatchObject({ ok: false });
  });
});

describe("the seeded sample", () => {
  const population = Array.from({ length: 120 }, (_, i) => `${1 + (i % 5)}.${1 + (i % 7)}.${i}`);

  it("the same seed draws the same sample, whatever the order of the population", () => {
    const a = drawSample(population, 10, "2024-nucleo");
    expect(a).toHaveLength(10);
    expect(new Set(a).size).toBe(10);
    expect(drawSample([...population].reverse(), 10, "2024-nucleo")).toEqual(a);
  });

  it("other seeds almost always draw another sample", () => {
    const draws = new Set(Array.from({ length: 50 }, (_, i) => drawSample(population, 10, `seme-${i}`).join(",")));
    expect(draws.size).toBe(50);
  });

  it("never more than the population, nothing from nothing", () => {
    expect(drawSample(["1.1.1", "1.1.2"], 10, "x").sort()).toEqual(["1.1.1", "1.1.2"]);
    expect(drawSample([], 10, "x")).toEqual([]);
    expect(drawSample(population, 0, "x")).toEqual([]);
  });
});

describe("outcomes as typed", () => {
  it("reads conforme / non conforme / nota with case, accents and dashes forgiven", () => {
    expect(parseOutcome("Conforme")).toBe("conforme");
    expect(parseOutcome("NON CONFORME")).toBe("non conforme");
    expect(parseOutcome("non-conforme")).toBe("non conforme");
    expect(parseOutcome("Nota")).toBe("nota");
    expect(parseOutcome("forse")).toBeNull();
  });
});

describe("the checks", () => {
  const activity = (code: string, over: Partial<ValidationActivity> = {}): ValidationActivity => ({
    code,
    title: `Attività ${code}`,
    objectiveCode: code.split(".").slice(0, 2).join("."),
    areaCode: "03",
    targetKind: "deadline",
    targetText: "31 Dicembre 2024",
    deadline: "2024-12-31",
    deadlineSource: "piano",
    status: "completata",
    completedOn: "2024-12-01",
    scoreState: "valutata",
    scoreRule: "deadline.on_time",
    percent: 100,
    deviation: false,
    deviationCause: null,
    evidence: ["Det. n. 1/2024"],
    ...over,
  });
  const report = (
    id: number,
    code: string,
    occurredOn: string,
    createdAt: string,
    over: Partial<RegistroReport> = {},
  ): RegistroReport => ({
    id,
    code,
    kind: "status",
    status: "completata",
    value: null,
    numerator: null,
    denominator: null,
    valueSource: null,
    occurredOn,
    createdAt: new Date(createdAt),
    userId: "U1",
    enteredBy: null,
    source: "slack_command",
    evidence: null,
    note: null,
    undoneAt: null,
    undoneBy: null,
    ...over,
  });
  const input = (over: Partial<ValidationInput> = {}): ValidationInput => ({
    year: 2024,
    entity: "Comune di Prova",
    asOf: "2025-01-31",
    periodEnd: "2024-12-31",
    generatedAt: new Date("2025-01-31T10:00:00Z"),
    rules: {
      version: 1,
      createdAt: new Date("2024-01-20T10:00:00Z"),
      createdBy: "cli:admin",
      validFrom: null,
      act: null,
    },
    lateEntryDays: 30,
    evidenceRules: parseScoringConfig({}).evidence,
    activities: [
      activity("1.1.1"),
      activity("1.1.2", { evidence: [] }),
      activity("1.1.3", { status: "in_corso", completedOn: null, percent: 0, deviation: true }),
      activity("1.1.4", {
        status: "in_corso",
        completedOn: null,
        percent: 0,
        deviation: true,
        deviationCause: "carenza_personale",
      }),
      activity("1.1.5", { status: null, completedOn: null, percent: 0, deviation: true, evidence: [] }),
      activity("1.1.6", {
        targetKind: "text",
        scoreState: "non_valutabile",
        status: null,
        completedOn: null,
        percent: null,
        evidence: [],
      }),
    ],
    planActivities: [
      { code: "1.1.1", title: "a", removedOn: null, removalAct: null },
      { code: "1.1.9", title: "tolta", removedOn: "2024-06-01", removalAct: null },
      { code: "1.1.8", title: "stralciata", removedOn: "2024-06-01", removalAct: "Delibera G.C. n. 80/2024" },
    ],
    reports: [
      report(1, "1.1.1", "2024-12-01", "2024-12-02T10:00:00Z"),
      report(2, "1.1.2", "2024-10-01", "2025-01-10T10:00:00Z", { enteredBy: "U9" }),
      report(3, "1.1.3", "2024-05-01", "2024-05-01T10:00:00Z", { status: "in_corso" }),
      report(4, "1.1.4", "2024-05-01", "2024-05-01T10:00:00Z", { status: "in_corso" }),
      report(5, "1.1.6", "2024-05-01", "2024-05-01T10:00:00Z", {
        kind: "note",
        status: null,
        undoneAt: new Date("2024-05-01T10:05:00Z"),
        undoneBy: "U1",
      }),
    ],
    manualDeadlines: [
      {
        code: "1.1.6",
        deadline: "2024-12-31",
        setBy: "cli:admin",
        setAt: new Date("2024-03-01T10:00:00Z"),
        act: null,
        note: null,
      },
    ],
    manualEvaluations: [],
    findings: [],
    names: { U1: "Mario Rossi" },
    ...over,
  });

  it("each check names exactly the codes behind it", () => {
    const checks = runChecks(input());
    expect(checks.map((c) => c.id)).toEqual([...CHECK_IDS]);
    const codes = Object.fromEntries(checks.map((c) => [c.id, c.codes]));
    expect(codes).toEqual({
      missing_activity: ["1.1.9"],
      deviation_without_cause: ["1.1.3"],
      completed_without_evidence: ["1.1.2"],
      late_entry: ["1.1.2"],
      unmeasurable_target: ["1.1.6"],
      manual_deadline: ["1.1.6"],
      manual_evaluation: [],
      scoring_rules_after_period: [],
      undone_report: ["1.1.6"],
      no_report: ["1.1.5", "1.1.6"],
    });
    for (const c of checks) if (c.id !== "scoring_rules_after_period") expect(c.ok).toBe(c.codes.length === 0);
  });

  it("SMVP rules adopted after the end of the period fail their check", () => {
    const late = runChecks(
      input({
        rules: {
          version: 3,
          createdAt: new Date("2025-01-20T10:00:00Z"),
          createdBy: "cli:admin",
          validFrom: null,
          act: null,
        },
      }),
    );
    expect(late.find((c) => c.id === "scoring_rules_after_period")).toMatchObject({ ok: false, codes: [] });
    // Backdated with --dal: still rules fixed once the results were known.
    const backdated = runChecks(
      input({
        rules: {
          version: 3,
          createdAt: new Date("2025-01-20T10:00:00Z"),
          createdBy: "cli:admin",
          validFrom: "2024-01-01",
          act: "Delibera G.C. n. 4/2025",
        },
      }),
    );
    expect(backdated.find((c) => c.id === "scoring_rules_after_period")!.ok).toBe(false);
    const inTime = runChecks(
      input({
        rules: {
          version: 2,
          createdAt: new Date("2024-12-20T10:00:00Z"),
          createdBy: "cli:admin",
          validFrom: "2024-01-01",
          act: "Delibera G.C. n. 4/2024",
        },
      }),
    );
    expect(inTime.find((c) => c.id === "scoring_rules_after_period")!.ok).toBe(true);
  });

  it("the register says who typed a report and on whose behalf; the document has the three headings", () => {
    const pack = buildValidationPack(input(), { size: 2, seed: "s" });
    expect(pack.registro.find((r) => r.id === 2)).toMatchObject({
      author: "U9",
      onBehalfOf: "U1",
      late: true,
      claimedDate: "2024-10-01",
    });
    expect(pack.registro.find((r) => r.id === 1)).toMatchObject({ author: "U1", onBehalfOf: null, late: false });
    expect(pack.sample.map((s) => s.code).sort()).toEqual(["1.1.1", "1.1.2"]);
    expect(pack.document.sections.map((s) => s.heading)).toEqual([
      "Conformità",
      "Attendibilità",
      "Comprensibilità",
      "Conclusioni",
    ]);
  });
});
