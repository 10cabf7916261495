import { describe, expect, it } from "vitest";
import {
  buildScorecard,
  numberCriteria,
  paymentTimesFigure,
  parseBehaviourScores,
} from "../../../src/domain/scoring/scorecard.ts";

const criteria = numberCriteria(
  [5, 5, 7, 3, 5, 3, 7, 7, 5, 3].map((maxPoints, i) => ({ title: `Criterio ${i + 1}`, maxPoints })),
);

describe("scheda di valutazione", () => {
  it("adds the parts in hundredths: objectives + organisational + behaviours = total", () => {
    const s = buildScorecard({
      responsabile: "A",
      areas: [
        {
          code: "01",
          name: "Uno",
          objectivesPercent: 33.333,
          objectivesPoints: 13.3333,
          organisationalPercent: 70.1,
          organisationalPoints: 7.01,
        },
        {
          code: "02",
          name: "Due",
          objectivesPercent: 50,
          objectivesPoints: 20,
          organisationalPercent: null,
          organisationalPoints: null,
        },
      ],
      objectivesMaxPoints: 40,
      organisationalMaxPoints: 10,
      criteria,
      behaviours: { scores: { 1: 4.5, 3: 7 }, enteredBy: "U1", enteredAt: new Date(0) },
      paymentTimes: null,
    });
    expect(s.objectivesPoints).toBe(16.67);
    expect(s.organisationalPoints).toBe(7.01);
    expect(s.behaviourPoints).toBe(11.5);
    expect(s.total).toBe(35.18);
    expect(s.maxTotal).toBe(100);
    expect(s.behaviours.filter((b) => b.points == null)).toHaveLength(8);
    expect(s.explanation.join("\n")).toContain("8 criteri non inseriti");
  });

  it("counts nothing entered as 0 and says so", () => {
    const s = buildScorecard({
      responsabile: "B",
      areas: [],
      objectivesMaxPoints: 40,
      organisationalMaxPoints: 10,
      criteria,
      behaviours: null,
      paymentTimes: null,
    });
    expect(s.total).toBe(0);
    expect(s.explanation[2]).toContain("non ancora inseriti");
  });

  it("payment-times share: achievement x 30%", () => {
    expect(paymentTimesFigure({ code: "E1", title: "Tempi" }, 80, 30).earnedShare).toBeCloseTo(24, 9);
    expect(paymentTimesFigure({ code: "E1", title: "Tempi" }, null, 30).earnedShare).toBeNull();
  });

  it("refuses a score over the maximum, naming the criterion; unknown numbers and non-numbers too", () => {
    expect(() => parseBehaviourScores({ 3: 7.5 }, criteria)).toThrow(/criterio 3 «Criterio 3».*da 0 a 7 punti/);
    expect(() => parseBehaviourScores({ 11: 1 }, criteria)).toThrow(/da 1 a 10/);
    expect(() => parseBehaviourScores({ 1: "4" }, criteria)).toThrow(/criterio 1/);
    expect(() => parseBehaviourScores({ 1: -1 }, criteria)).toThrow(/negativo/);
    expect(() => parseBehaviourScores([4, 5], criteria)).toThrow(/oggetto JSON/);
    expect(parseBehaviourScores({ "1": 5, "10": 0 }, criteria)).toEqual({ 1: 5, 10: 0 });
  });
});
