import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseBehaviourCriteria } from "../../src/plan-import/behaviour-criteria.ts";
import { LEGGIUNO_PLAN } from "../helpers/db.ts";

describe("behaviour criteria listed in a plan document", () => {
  it("reads the ten Leggiuno criteria and their maxima, in order", () => {
    const c = parseBehaviourCriteria(readFileSync(LEGGIUNO_PLAN, "utf8"));
    expect(c.map((x) => x.maxPoints)).toEqual([5, 5, 7, 3, 5, 3, 7, 7, 5, 3]);
    expect(c[1]!.title).toBe("Rispetto dei tempi e sensibilità alle scadenze");
    expect(c[9]!.title).toBe("Orientamento all'utenza");
  });

  it("takes a title on the same line, decimals with a comma, and nothing from a document without criteria", () => {
    expect(parseBehaviourCriteria("- Puntualità (punteggio attribuibile da 0 a 2,5 punti)\nAltro")).toEqual([
      { title: "Puntualità", maxPoints: 2.5 },
    ]);
    expect(parseBehaviourCriteria("Obiettivo\tQualcosa\nValore atteso\t100%")).toEqual([]);
  });
});
