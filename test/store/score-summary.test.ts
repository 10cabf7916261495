import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { generatePiaoText } from "../../bench/generate-plan.ts";
import { evaluatePlan } from "../../src/app/evaluation.ts";
import { loadCalendar } from "../../src/store/calendar.ts";
import { summaryOfEvaluation, type ScoreSummary } from "../../src/domain/scoring/summary.ts";
import { setScoringConfig } from "../../src/store/scoring-config.ts";
import { importPlanText } from "../../src/plan-import/import-plan.ts";
import { summarizeScores } from "../../src/store/score-summary.ts";
import { testDatabase } from "../helpers/db.ts";
import { FIXTURE_SMVP, loadLeggiunoFixture } from "../report/leggiuno-fixture.ts";

// The SQL aggregate behind the App Home must give the figures of the TS rules (evaluatePlan,
// which the Relazione prints): on the Leggiuno year of work and on generated plans with
// every kind of target, state and SMVP option.

const disposers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const d of disposers.splice(0)) await d();
});

/** Floats summed in another order differ in the last bits: compare to 1e-9. */
function rounded(s: ScoreSummary): unknown {
  return JSON.parse(JSON.stringify(s, (_k, v: unknown) => (typeof v === "number" ? Math.round(v * 1e9) / 1e9 : v)));
}

async function expectSameAsEvaluation(db: Parameters<typeof summarizeScores>[0], asOf: string): Promise<ScoreSummary> {
  // Lateness in working days on the Comune's calendar, as evaluatePlan counts it by default.
  const fast = await summarizeScores(db, { asOf, calendar: await loadCalendar(db, undefined) });
  const reference = summaryOfEvaluation(await evaluatePlan(db, { asOf }));
  expect(rounded(fast)).toEqual(rounded(reference));
  return fast;
}

describe("summarizeScores (SQL) = evaluatePlan (TS)", () => {
  it("on the Leggiuno year of work, at dates before, during and after the reports (states rebuilt from reports)", async () => {
    const t = await testDatabase();
    disposers.push(t.dispose);
    await loadLeggiunoFixture(t.db);
    for (const asOf of ["2024-01-15", "2024-04-30", "2024-07-15", "2024-10-07", "2024-12-31", "2025-01-31"]) {
      const s = await expectSameAsEvaluation(t.db, asOf);
      expect(s.areas.length).toBeGreaterThan(0);
    }
    const end = await summarizeScores(t.db, { asOf: "2025-01-31" });
    expect(end.areas.some((a) => a.percent != null && a.percent > 0)).toBe(true);
    expect(FIXTURE_SMVP.rules.deadline.late).toBe("fasce");
  });

  const configs: [string, unknown][] = [
    ["default", {}],
    [
      "late bands",
      {
        rules: {
          deadline: {
            late: "fasce",
            bands: [
              { maxDaysLate: 10, percent: 80 },
              { maxDaysLate: 40, percent: 30 },
            ],
          },
        },
      },
    ],
    ["count threshold, not scaled", { rules: { count: { mode: "soglia", scaleByPeriod: false } } }],
    ["count threshold, scaled", { rules: { count: { mode: "soglia" } } }],
    [
      "all met, overrides, weights, manual, seasons",
      {
        objective: { method: "tutte_raggiunte", overrides: { "1.1": "media_ponderata", "2.3": "media_ponderata" } },
        metThreshold: 60,
        activityWeights: { "1.1.1": 3, "1.1.2": 0.5, "2.3.4": 2 },
        manualEvaluations: {
          "1.2.1": { percent: 75, reason: "deciso dal Nucleo" },
          "3.1.5": { percent: 0, reason: "non svolta" },
        },
        seasons: [{ match: "estiv", label: "estate", from: "07-01", to: "08-31" }],
        maxPoints: 30,
        comuneWideMaxPoints: 0,
      },
    ],
  ];

  it.each(configs)("on a generated plan with random progress, SMVP %s", async (_name, smvp) => {
    const t = await testDatabase();
    disposers.push(t.dispose);
    const now = new Date("2024-01-10T10:00:00Z");
    await importPlanText(t.db, generatePiaoText(600, 2024), "generato.txt", { actor: "test", now });
    await setScoringConfig(t.db, 2024, smvp, { actor: "test", now });
    seedRandomProgress(t.file, 2024);
    for (const asOf of ["2024-02-01", "2024-07-20", "2024-10-07", "2025-01-31"])
      await expectSameAsEvaluation(t.db, asOf);
  });
});

/** Every status, values below, at and above the target, completions early and late, some deadlines moved by hand. */
function seedRandomProgress(file: string, year: number): void {
  const sql = new Database(file);
  try {
    const codes = (
      sql
        .prepare(`SELECT a.code AS code FROM Activity a JOIN Plan p ON p.id = a.planId WHERE p.year = ? ORDER BY a.id`)
        .all(year) as { code: string }[]
    ).map((r) => r.code);
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const at = "2024-09-30T10:00:00.000+00:00";
    const progress = sql.prepare(
      `INSERT INTO Progress (planYear, activityCode, status, percent, count, achievedValue, completedOn, lastReportAt, lastReporterId, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'UTEST', ?)`,
    );
    const manual = sql.prepare(
      `INSERT INTO ManualDeadline (planYear, activityCode, deadline, setBy, setAt) VALUES (?, ?, ?, 'UTEST', ?)`,
    );
    sql.transaction(() => {
      for (const code of codes) {
        const r = rnd();
        if (r < 0.15) continue;
        const status = pick(["non_iniziata", "in_corso", "completata", "bloccata", "completata"]);
        const value = () => (rnd() < 0.3 ? null : pick([0, 1, 2, 5, 12, 30, 50, 99, 100, 140, 400]));
        const completedOn =
          status === "completata" && rnd() < 0.9
            ? `2024-${String(1 + Math.floor(rnd() * 12)).padStart(2, "0")}-${String(1 + Math.floor(rnd() * 28)).padStart(2, "0")}`
            : null;
        progress.run(year, code, status, value(), value(), value(), completedOn, at, at);
        if (rnd() < 0.05) manual.run(year, code, `2024-${String(1 + Math.floor(rnd() * 12)).padStart(2, "0")}-15`, at);
      }
    })();
  } finally {
    sql.close();
  }
}
