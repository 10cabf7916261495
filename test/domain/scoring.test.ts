import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/index.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";
import { WorkingCalendar } from "../../src/domain/calendar/working-calendar.ts";
import {
  countWindow,
  periodsElapsed,
  scoreActivity,
  scoreArea,
  scoreHeads,
  scoreObjective,
  type ActivityScoringInput,
  type ActivityState,
  type ScoringContext,
} from "../../src/domain/scoring/scoring.ts";
import { parseScoringConfig, type ScoringConfig } from "../../src/domain/scoring/config.ts";
import { defaultScoringConfig, loadScoringConfig } from "../../src/store/scoring-config.ts";
import { UserError } from "../../src/errors.ts";

const EMPTY: ActivityState = { status: null, percent: null, count: null, achievedValue: null, completedOn: null };

function act(
  over: Partial<Omit<ActivityScoringInput, "state">> & { state?: Partial<ActivityState> },
): ActivityScoringInput {
  const { state, ...rest } = over;
  return {
    code: "3.1.2",
    targetKind: "deadline",
    targetText: "31 Marzo 2024",
    threshold: null,
    comparator: null,
    period: null,
    qualifier: null,
    unit: null,
    deadline: "2024-03-31",
    ...rest,
    state: { ...EMPTY, ...state },
  };
}

function ctx(asOf = "2025-01-31", patch: (c: ScoringConfig) => void = () => {}): ScoringContext {
  const config = defaultScoringConfig();
  patch(config);
  return { planYear: 2024, asOf, config };
}

const bands = (c: ScoringConfig) => {
  c.rules.deadline = {
    late: "fasce",
    days: "lavorativi",
    bands: [
      { maxDaysLate: 30, percent: 50 },
      { maxDaysLate: 60, percent: 25 },
    ],
  };
};

describe("deadline rule", () => {
  it("completed on or before the deadline: 100%", () => {
    const s = scoreActivity(act({ state: { status: "completata", completedOn: "2024-03-31" } }), ctx());
    expect(s).toMatchObject({ state: "valutata", percent: 100, rule: "deadline.on_time" });
    expect(s.explanation).toBe("Scadenza 31/03/2024, completata il 31/03/2024: nei termini = 100%");
    expect(s.inputs).toMatchObject({ scadenza: "2024-03-31", completataIl: "2024-03-31", giorniRitardo: 0 });
  });

  it("late with the default rule: 0%", () => {
    const s = scoreActivity(act({ state: { status: "completata", completedOn: "2024-04-15" } }), ctx());
    expect(s).toMatchObject({ percent: 0, rule: "deadline.late_zero" });
    expect(s.explanation).toBe(
      "Scadenza 31/03/2024, completata il 15/04/2024: 15 giorni di ritardo -> completata oltre la scadenza = 0%",
    );
  });

  it("late with bands: the band that covers the delay, 0% beyond the last", () => {
    const s15 = scoreActivity(
      act({ state: { status: "completata", completedOn: "2024-04-15" } }),
      ctx(undefined, bands),
    );
    expect(s15).toMatchObject({ percent: 50, rule: "deadline.late_bands" });
    expect(s15.explanation).toBe(
      "Scadenza 31/03/2024, completata il 15/04/2024: 15 giorni di ritardo -> fascia fino a 30 giorni = 50%",
    );
    const s30 = scoreActivity(
      act({ state: { status: "completata", completedOn: "2024-04-30" } }),
      ctx(undefined, bands),
    );
    expect(s30.percent).toBe(50);
    const s31 = scoreActivity(
      act({ state: { status: "completata", completedOn: "2024-05-01" } }),
      ctx(undefined, bands),
    );
    expect(s31.percent).toBe(25);
    expect(s31.explanation).toContain("31 giorni di ritardo -> fascia 31-60 giorni = 25%");
    const s61 = scoreActivity(
      act({ state: { status: "completata", completedOn: "2024-05-31" } }),
      ctx(undefined, bands),
    );
    expect(s61.percent).toBe(0);
    expect(s61.explanation).toContain("61 giorni di ritardo -> oltre 60 giorni = 0%");
    const s1 = scoreActivity(
      act({ state: { status: "completata", completedOn: "2024-04-01" } }),
      ctx(undefined, bands),
    );
    expect(s1.explanation).toContain("1 giorno di ritardo");
  });

  it("not completed and past the deadline: 0% with the days of delay", () => {
    const s = scoreActivity(act({ state: { status: "in_corso" } }), ctx("2024-06-30"));
    expect(s).toMatchObject({ state: "valutata", percent: 0, rule: "deadline.open_overdue" });
    expect(s.explanation).toBe(
      "Scadenza 31/03/2024: al 30/06/2024 non completata (stato: in corso), 91 giorni di ritardo = 0%",
    );
  });

  it("not yet due at the evaluation date: not scored, not 0", () => {
    const s = scoreActivity(act({ deadline: "2024-12-31", state: { status: "in_corso" } }), ctx("2024-06-30"));
    expect(s).toMatchObject({ state: "non_scaduta", percent: null, rule: "deadline.not_due", provisional: true });
    // the deadline day itself still counts as not due
    expect(scoreActivity(act({ deadline: "2024-06-30" }), ctx("2024-06-30")).state).toBe("non_scaduta");
    expect(scoreActivity(act({ deadline: "2024-06-29" }), ctx("2024-06-30")).state).toBe("valutata");
  });

  it("no date known: non valutabile rather than invented", () => {
    const s = scoreActivity(
      act({
        deadline: null,
        targetText: "Entro termini di legge",
        state: { status: "completata", completedOn: "2024-05-01" },
      }),
      ctx(),
    );
    expect(s).toMatchObject({ state: "non_valutabile", percent: null, rule: "deadline.missing_date" });
    expect(s.explanation).toContain("npx obiettivi scadenza 3.1.2");
  });

  it("completed with no completion date: non valutabile", () => {
    expect(scoreActivity(act({ state: { status: "completata" } }), ctx()).state).toBe("non_valutabile");
  });
});

describe("percentage rule", () => {
  const pctAct = (state: Partial<ActivityState>, threshold: number | null = 100) =>
    act({
      targetKind: "percentage",
      targetText: threshold == null ? "%" : `${threshold}%`,
      threshold,
      deadline: null,
      state,
    });

  it("achieved / target", () => {
    const s = scoreActivity(pctAct({ status: "in_corso", percent: 80 }), ctx());
    expect(s).toMatchObject({ state: "valutata", percent: 80, rule: "percentage.ratio", provisional: false });
    expect(s.explanation).toBe("Valore atteso 100%, raggiunto 80%: 80/100 = 80%");
  });

  it("a target of 75%: 60 achieved is 80%", () => {
    expect(scoreActivity(pctAct({ percent: 60 }, 75), ctx()).percent).toBe(80);
  });

  it("over 100% is capped and says so", () => {
    const s = scoreActivity(pctAct({ percent: 90 }, 75), ctx());
    expect(s.percent).toBe(100);
    expect(s.explanation).toBe("Valore atteso 75%, raggiunto 90%: 90/75 = 120%, limitato a 100%");
  });

  it("no target: non valutabile", () => {
    expect(scoreActivity(pctAct({ percent: 50 }, null), ctx())).toMatchObject({
      state: "non_valutabile",
      rule: "no_target",
      percent: null,
    });
  });

  it("zero target: reached", () => {
    expect(scoreActivity(pctAct({ percent: 0 }, 0), ctx()).percent).toBe(100);
  });

  it("nothing recorded: 0%, provisional before the end of the year", () => {
    expect(scoreActivity(pctAct({}), ctx())).toMatchObject({ percent: 0, provisional: false });
    expect(scoreActivity(pctAct({}), ctx("2024-06-30"))).toMatchObject({ percent: 0, provisional: true });
  });

  it("marked completed without a value: declared reached", () => {
    const s = scoreActivity(pctAct({ status: "completata" }), ctx());
    expect(s.percent).toBe(100);
    expect(s.explanation).toContain("senza un valore misurato");
  });
});

describe("count rule", () => {
  const countAct = (state: Partial<ActivityState>, over: Partial<Omit<ActivityScoringInput, "state">> = {}) =>
    act({ targetKind: "count", targetText: "> 5", threshold: 5, comparator: ">", deadline: null, state, ...over });

  it("achieved / threshold", () => {
    const s = scoreActivity(countAct({ count: 3 }), ctx());
    expect(s).toMatchObject({ percent: 60, rule: "count.ratio" });
    expect(s.explanation).toBe("Valore atteso «> 5»; registrati 3: 3/5 = 60%");
  });

  it("over the threshold is capped", () => {
    expect(scoreActivity(countAct({ count: 12 }), ctx()).percent).toBe(100);
  });

  it("met / not met when configured", () => {
    const soglia = (c: ScoringConfig) => {
      c.rules.count.mode = "soglia";
    };
    expect(scoreActivity(countAct({ count: 4 }), ctx(undefined, soglia))).toMatchObject({
      percent: 0,
      rule: "count.threshold",
    });
    expect(scoreActivity(countAct({ count: 5 }), ctx(undefined, soglia))).toMatchObject({
      percent: 100,
      rule: "count.threshold",
    });
  });

  it("zero threshold: any recorded value reaches it (no division by zero)", () => {
    const s = scoreActivity(countAct({ count: 0 }, { threshold: 0, targetText: "> 0" }), ctx());
    expect(s.percent).toBe(100);
    expect(Number.isFinite(s.percent)).toBe(true);
  });

  it("no threshold: non valutabile", () => {
    expect(scoreActivity(countAct({ count: 3 }, { threshold: null }), ctx()).state).toBe("non_valutabile");
  });

  it("a period threshold is scaled by the periods elapsed at the date", () => {
    const monthly = { period: "month", threshold: 2, targetText: "> 2 al mese" };
    const s = scoreActivity(countAct({ count: 9 }, monthly), ctx("2024-06-30"));
    expect(s.inputs).toMatchObject({ periodi: 6, atteso: 12 });
    expect(s.percent).toBe(75);
    expect(s.provisional).toBe(true);
    expect(s.explanation).toBe(
      "Valore atteso «> 2 al mese»; al 30/06/2024 trascorsi 6 mesi (anno 2024) -> atteso 12; registrati 9: 9/12 = 75%",
    );
    // at year end, the whole year: 24
    expect(scoreActivity(countAct({ count: 12 }, monthly), ctx("2025-02-01")).percent).toBe(50);
  });

  it("a seasonal qualifier uses the configured window, and before it starts nothing is due", () => {
    const summer = {
      period: "day",
      threshold: 2,
      qualifier: "stagione estiva",
      targetText: "> 2 al giorno (stagione estiva)",
    };
    expect(scoreActivity(countAct({ count: 0 }, summer), ctx("2024-05-01")).state).toBe("non_scaduta");
    const s = scoreActivity(countAct({ count: 20 }, summer), ctx("2024-06-10"));
    expect(s.inputs).toMatchObject({ periodi: 10, atteso: 20 });
    expect(s.percent).toBe(100);
    const unknown = scoreActivity(countAct({ count: 3 }, { ...summer, qualifier: "giorni di mercato" }), ctx());
    expect(unknown.state).toBe("non_valutabile");
    expect(unknown.explanation).toContain("giorni di mercato");
  });

  it("period arithmetic", () => {
    const c = ctx("2024-12-31");
    const year = countWindow({ qualifier: null }, c)!;
    expect(periodsElapsed("month", year, "2024-12-31")).toBeCloseTo(12, 10);
    expect(periodsElapsed("month", year, "2024-01-16")).toBeCloseTo(16 / 31, 10);
    expect(periodsElapsed("day", year, "2024-12-31")).toBe(366);
    expect(periodsElapsed("week", year, "2024-01-14")).toBe(2);
    expect(periodsElapsed("year", year, "2024-12-31")).toBe(1);
    expect(periodsElapsed("month", year, "2023-12-31")).toBe(0);
  });
});

describe("yes/no, amount and upper bound rules", () => {
  it("yes/no: 100 or 0", () => {
    const b = (state: Partial<ActivityState>) =>
      act({ targetKind: "boolean", targetText: "Si", deadline: null, state });
    expect(scoreActivity(b({ achievedValue: 1 }), ctx())).toMatchObject({ percent: 100, rule: "boolean" });
    expect(scoreActivity(b({ achievedValue: 0 }), ctx()).percent).toBe(0);
    expect(scoreActivity(b({ status: "completata" }), ctx()).percent).toBe(100);
    expect(scoreActivity(b({}), ctx()).explanation).toBe("Valore atteso «Si»: nessun riscontro registrato = 0%");
  });

  it("amount: achieved / target, capped, in euro", () => {
    const m = (v: number | null) =>
      act({
        targetKind: "amount",
        targetText: "> 200.000,00 Euro",
        threshold: 200000,
        unit: "euro",
        deadline: null,
        state: { achievedValue: v },
      });
    const s = scoreActivity(m(150000), ctx());
    expect(s).toMatchObject({ percent: 75, rule: "amount.ratio" });
    expect(s.explanation).toBe("Valore atteso 200.000,00 €, raggiunto 150.000,00 €: 150.000/200.000 = 75%");
    expect(scoreActivity(m(250000), ctx()).percent).toBe(100);
    expect(scoreActivity(m(null), ctx()).percent).toBe(0);
  });

  it("upper bound: within the limit 100%, otherwise limit / measured", () => {
    const u = (v: number | null, limit: number | null = 30) =>
      act({
        targetKind: "upper_bound",
        targetText: "≤ 30 giorni",
        threshold: limit,
        unit: "giorni",
        deadline: null,
        state: { achievedValue: v },
      });
    expect(scoreActivity(u(25), ctx())).toMatchObject({ percent: 100, rule: "upper_bound.ratio" });
    expect(scoreActivity(u(30), ctx()).percent).toBe(100);
    const late = scoreActivity(u(40), ctx());
    expect(late.percent).toBe(75);
    expect(late.explanation).toBe("Limite massimo 30 giorni, misurato 40 giorni: 30/40 = 75%");
    expect(scoreActivity(u(0), ctx()).percent).toBe(100);
    expect(scoreActivity(u(5, 0), ctx()).percent).toBe(0);
    expect(scoreActivity(u(5, null), ctx()).state).toBe("non_valutabile");
  });
});

describe("text targets and manual evaluations", () => {
  const text = (over: Partial<Omit<ActivityScoringInput, "state">> = {}) =>
    act({
      targetKind: "text",
      targetText: "Entro i termini previsti da portale PA Digitale 2026",
      deadline: null,
      state: { status: "completata", completedOn: "2024-06-01" },
      ...over,
    });

  it("text with no date: non valutabile, never invented", () => {
    const s = scoreActivity(text(), ctx());
    expect(s).toMatchObject({ state: "non_valutabile", percent: null, rule: "text.manual" });
    expect(s.explanation).toContain("non misurabile automaticamente");
  });

  it("a deadline set by hand turns it into a deadline", () => {
    expect(scoreActivity(text({ deadline: "2024-06-30" }), ctx())).toMatchObject({
      percent: 100,
      rule: "deadline.on_time",
    });
  });

  it("a manual evaluation in the configuration wins and explains itself", () => {
    const s = scoreActivity(
      text(),
      ctx(undefined, (c) => {
        c.manualEvaluations["3.1.2"] = { percent: 80, reason: "verbale NdV n. 3/2025" };
      }),
    );
    expect(s).toMatchObject({ state: "valutata", percent: 80, rule: "manual_evaluation" });
    expect(s.explanation).toBe("Valutazione manuale dalla configurazione SMVP: 80% (verbale NdV n. 3/2025)");
  });
});

describe("objective, area and head", () => {
  const scored = (
    code: string,
    percent: number | null,
    state: "valutata" | "non_valutabile" | "non_scaduta" = "valutata",
  ) => ({
    code,
    score: { state, percent, rule: "percentage.ratio" as const, inputs: {}, explanation: "", provisional: false },
  });

  it("objective: mean of its evaluated activities, the others excluded and named", () => {
    const o = scoreObjective(
      "3.1",
      [
        scored("3.1.1", 100),
        scored("3.1.2", 50),
        scored("3.1.3", null, "non_scaduta"),
        scored("3.1.4", null, "non_valutabile"),
      ],
      ctx(),
    );
    expect(o).toMatchObject({ state: "valutata", percent: 75, evaluated: 2, notDue: 1, notEvaluable: 1 });
    expect(o.explanation).toBe(
      "Media di 2 attività valutate: (100 + 50)/2 = 75%; 1 attività non ancora scaduta, 1 attività non valutabile escluse",
    );
  });

  it("objective with many activities: the sum instead of every term", () => {
    const many = Array.from({ length: 13 }, (_, i) => scored(`9.1.${i + 1}`, i < 10 ? 100 : 0));
    const o = scoreObjective("9.1", many, ctx());
    expect(o.percent).toBeCloseTo(1000 / 13, 10);
    expect(o.explanation).toBe("Media di 13 attività valutate: (somma 1.000)/13 = 76,92%");
  });

  it("objective: activity weights from the configuration", () => {
    const o = scoreObjective(
      "3.1",
      [scored("3.1.1", 100), scored("3.1.2", 40)],
      ctx(undefined, (c) => {
        c.activityWeights["3.1.2"] = 3;
      }),
    );
    expect(o.percent).toBeCloseTo(55, 10);
    expect(o.explanation).toContain("Media ponderata");
  });

  it("objective: phase weights printed in the plan weigh the activities; the configuration overrides them", () => {
    const phases = [
      { ...scored("3.1.1", 100), weight: 70 },
      { ...scored("3.1.2", 0), weight: 30 },
    ];
    const o = scoreObjective("3.1", phases, ctx());
    expect(o.percent).toBeCloseTo(70, 10);
    expect(o.explanation).toBe("Media ponderata di 2 attività valutate: (100x70 + 0x30)/100 = 70%");
    const overridden = scoreObjective(
      "3.1",
      phases,
      ctx(undefined, (c) => {
        c.activityWeights["3.1.2"] = 70;
      }),
    );
    expect(overridden.percent).toBeCloseTo(50, 10);
    // No weight in the document: every activity counts the same.
    expect(scoreObjective("3.1", [{ ...scored("3.1.1", 100), weight: null }, scored("3.1.2", 0)], ctx()).percent).toBe(
      50,
    );
  });

  it("objective: tutte_raggiunte", () => {
    const all = (c: ScoringConfig) => {
      c.objective.overrides["3.1"] = "tutte_raggiunte";
    };
    expect(scoreObjective("3.1", [scored("3.1.1", 100), scored("3.1.2", 100)], ctx(undefined, all))).toMatchObject({
      percent: 100,
      rule: "objective.all_met",
    });
    const miss = scoreObjective("3.1", [scored("3.1.1", 100), scored("3.1.2", 50)], ctx(undefined, all));
    expect(miss.percent).toBe(0);
    expect(miss.explanation).toContain("3.1.2 (50%)");
    expect(
      scoreObjective("3.1", [scored("3.1.1", 100), scored("3.1.2", null, "non_scaduta")], ctx(undefined, all)),
    ).toMatchObject({ state: "non_scaduta", percent: null });
    // another objective keeps the default method
    expect(scoreObjective("3.2", [scored("3.2.1", 100), scored("3.2.2", 50)], ctx(undefined, all)).percent).toBe(75);
  });

  it("objective with nothing evaluable", () => {
    expect(scoreObjective("1.1", [scored("1.1.1", null, "non_scaduta")], ctx())).toMatchObject({
      state: "non_scaduta",
      percent: null,
    });
    expect(
      scoreObjective("1.1", [scored("1.1.1", null, "non_valutabile"), scored("1.1.2", null, "non_scaduta")], ctx()),
    ).toMatchObject({ state: "non_valutabile" });
  });

  it("area: mean of objectives by weight times the maximum points", () => {
    const obj = (code: string, percent: number | null, weight: number | null = 10) => ({
      code,
      weight,
      score: {
        state: percent == null ? ("non_valutabile" as const) : ("valutata" as const),
        percent,
        rule: "objective.weighted_mean" as const,
        explanation: "",
        evaluated: 1,
        notDue: 0,
        notEvaluable: 0,
      },
    });
    const a = scoreArea([obj("3.1", 100), obj("3.2", 50), obj("3.3", 75), obj("3.4", 65), obj("3.5", null)], 40);
    expect(a.percent).toBe(72.5);
    expect(a.points).toBe(29);
    expect(a.explanation).toBe(
      "Media di 4 obiettivi (peso 10% ciascuno) = 72,5%; 72,5% x 40 punti = 29 punti; 1 obiettivo non valutabile escluso",
    );
    const weighted = scoreArea([obj("1", 100, 30), obj("2", 0, 10)], 40);
    expect(weighted.percent).toBe(75);
    expect(weighted.points).toBe(30);
    expect(scoreArea([obj("1", null)], 40)).toMatchObject({ state: "non_valutabile", points: null });
  });

  it("head of two areas: both lines and their average", () => {
    const area = (code: string, head: string, points: number | null) => ({
      code,
      name: `Area ${code}`,
      head,
      score: {
        state: "valutata" as const,
        percent: points == null ? null : (points / 40) * 100,
        points,
        maxPoints: 40,
        rule: "area.points" as const,
        explanation: "",
        evaluated: 1,
        notDue: 0,
        notEvaluable: 0,
      },
    });
    const heads = scoreHeads(
      [area("01", "Clarissa Sartori", 30), area("02", "Clarissa Sartori", 36), area("03", "Claudia Nodari", 20)],
      40,
    );
    expect(heads).toHaveLength(2);
    const cs = heads.find((h) => h.head === "Clarissa Sartori")!;
    expect(cs.areas.map((a) => a.code)).toEqual(["01", "02"]);
    expect(cs.averagePoints).toBe(33);
    expect(cs.explanation).toBe("Media dei punti di 2 aree: (30 + 36)/2 = 33 punti su 40");
    expect(heads.find((h) => h.head === "Claudia Nodari")!.explanation).toBe("Area 03: 20 punti su 40");
  });
});

describe("configuration", () => {
  it("the shipped default is valid and gives 40 points", () => {
    const c = defaultScoringConfig();
    expect(c.maxPoints).toBe(40);
    expect(c.rules.deadline.late).toBe("zero");
    expect(c.objective.method).toBe("media_ponderata");
  });

  it("an empty configuration means exactly the shipped default", () => {
    expect(parseScoringConfig({})).toEqual(defaultScoringConfig());
  });

  it("fills defaults and refuses bad input with Italian messages", () => {
    expect(parseScoringConfig({}).maxPoints).toBe(40);
    expect(
      parseScoringConfig({ rules: { deadline: { late: "fasce", bands: [{ maxDaysLate: 30, percent: 50 }] } } }).rules
        .count.mode,
    ).toBe("proporzionale");
    const bad = () => parseScoringConfig({ maxPoints: -1, rules: { deadline: { late: "fasce" } }, typo: 1 });
    expect(bad).toThrow(UserError);
    try {
      bad();
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toContain("maxPoints");
      expect(msg).toContain('rules.deadline.bands: con late = "fasce" serve almeno una fascia');
      expect(msg).toContain("Chiave non riconosciuta");
    }
    expect(() =>
      parseScoringConfig({
        rules: {
          deadline: {
            late: "fasce",
            bands: [
              { maxDaysLate: 60, percent: 25 },
              { maxDaysLate: 30, percent: 50 },
            ],
          },
        },
      }),
    ).toThrow(/crescenti/);
  });
});

describe("configuration per plan year, stored and versioned", () => {
  let t: Awaited<ReturnType<typeof testDatabase>>;
  let saved: string | undefined;
  let dir: string;
  async function cli(args: string[]) {
    let out = "";
    let err = "";
    const code = await runCli(args, { out: (s) => void (out += s), err: (s) => void (err += s) });
    return { code, out, err };
  }
  beforeAll(async () => {
    t = await testDatabase();
    saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = t.url;
    dir = mkdtempSync(path.join(tmpdir(), "smvp-"));
    await importPlanFile(t.db, LEGGIUNO_PLAN, { actor: "test", now: new Date("2024-01-10T10:00:00Z") });
  });
  afterAll(async () => {
    process.env.DATABASE_URL = saved;
    rmSync(dir, { recursive: true, force: true });
    await t.dispose();
  });

  it("a year without configuration uses the shipped default", async () => {
    const c = await loadScoringConfig(t.db, 2024);
    expect(c.version).toBeNull();
    expect(c.config).toEqual(defaultScoringConfig());
    const shown = await cli(["smvp", "mostra", "--anno", "2024"]);
    expect(shown.code).toBe(0);
    expect(shown.err).toContain("configurazione SMVP predefinita (nessuna configurazione per il 2024)");
    expect(JSON.parse(shown.out)).toEqual(defaultScoringConfig());
  });

  it("imposta stores a new version (the highest is in force, the old ones stay), audited", async () => {
    const file = path.join(dir, "smvp.json");
    writeFileSync(
      file,
      JSON.stringify({
        maxPoints: 40,
        rules: { deadline: { late: "fasce", bands: [{ maxDaysLate: 30, percent: 50 }] } },
      }),
    );
    const first = await cli(["smvp", "imposta", file, "--anno", "2024"]);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain("Configurazione SMVP 2024 salvata come versione 1");
    writeFileSync(file, JSON.stringify({ maxPoints: 30 }));
    expect((await cli(["smvp", "imposta", file])).out).toContain("versione 2");
    const inForce = await loadScoringConfig(t.db, 2024);
    expect(inForce).toMatchObject({ version: 2, createdBy: expect.stringMatching(/^cli:/) });
    expect(inForce.config.maxPoints).toBe(30);
    expect(await t.db.scoringConfig.count({ where: { planYear: 2024 } })).toBe(2);
    const shown = await cli(["smvp", "mostra"]);
    expect(shown.err).toMatch(
      /configurazione SMVP 2024 versione 2, impostata da cli:.* il \d\d\/\d\d\/\d{4} \d\d:\d\d/,
    );
    expect(JSON.parse(shown.out).maxPoints).toBe(30);
    const audit = await t.db.auditEntry.findMany({ where: { action: "scoring_config" }, orderBy: { id: "asc" } });
    expect(audit).toHaveLength(2);
    expect(JSON.parse(audit[1]!.before!)).toMatchObject({
      version: 1,
      config: { rules: { deadline: { late: "fasce" } } },
    });
    expect(JSON.parse(audit[1]!.after!)).toMatchObject({ version: 2, config: { maxPoints: 30 } });
  });

  it("a wrong file is refused in Italian and nothing is stored", async () => {
    const file = path.join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ maxPoints: "quaranta", objective: { method: "media" } }));
    const bad = await cli(["smvp", "imposta", file, "--anno", "2024"]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(`${file} non valida:`);
    expect(bad.err).toContain("- maxPoints:");
    expect(bad.err).toContain("- objective.method:");
    writeFileSync(file, "{ non è json");
    expect((await cli(["smvp", "imposta", file])).err).toContain("il file non è JSON valido");
    expect((await cli(["smvp", "imposta", path.join(dir, "manca.json")])).err).toContain("File non trovato");
    expect(await t.db.scoringConfig.count()).toBe(2);
  });
});

describe("lateness in working days (SMVP rules.deadline.days)", () => {
  const cal = new WorkingCalendar({ patron: "04-02", closures: [] });
  const withCal = (asOf: string, days: "lavorativi" | "calendario" = "lavorativi"): ScoringContext => {
    const c = ctx(asOf, (x) => {
      bands(x);
      x.rules.deadline.days = days;
    });
    return { ...c, calendar: cal };
  };

  it("counts the working days after the deadline: Easter Monday, the patron day and the weekend do not count", () => {
    // Deadline Friday 29 March 2024; completed Thursday 4 April: Sat, Sun, Easter Monday (1/4) and the patron (2/4) are off.
    const s = scoreActivity(
      act({ deadline: "2024-03-29", state: { status: "completata", completedOn: "2024-04-04" } }),
      withCal("2024-12-31"),
    );
    expect(s.inputs.giorniRitardo).toBe(2);
    expect(s.explanation).toContain("2 giorni lavorativi di ritardo");
    const calendarDays = scoreActivity(
      act({ deadline: "2024-03-29", state: { status: "completata", completedOn: "2024-04-04" } }),
      withCal("2024-12-31", "calendario"),
    );
    expect(calendarDays.inputs.giorniRitardo).toBe(6);
  });

  it("a completion on the first working day after a holiday deadline is on time", () => {
    // Deadline Saturday 30 March, done Wednesday 3 April: no working day was lost.
    const s = scoreActivity(
      act({ deadline: "2024-03-30", state: { status: "completata", completedOn: "2024-04-02" } }),
      withCal("2024-12-31"),
    );
    expect(s.rule).toBe("deadline.on_time");
  });
});
