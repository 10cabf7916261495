import { UserError } from "../../errors.ts";
import { itNumber, itPercent } from "../text/italian.ts";

/**
 * The scheda di valutazione of each Responsabile, as pure arithmetic over figures already
 * scored: the area objectives (out of maxPoints, 40 in the seed SMVP), the organisational
 * share from the Comune-wide objectives (comuneWideMaxPoints, 10), the behaviour criteria
 * as entered (their maxima sum to 50) and the total. Points are kept in hundredths so the
 * three parts always add up to the printed total.
 */

export interface BehaviourCriterion {
  /** 1-based position in SMVP order: the key a score file uses. */
  number: number;
  title: string;
  maxPoints: number;
}

export type BehaviourScores = Record<number, number>;

export interface AreaFigures {
  code: string;
  name: string;
  objectivesPercent: number | null;
  objectivesPoints: number | null;
  organisationalPercent: number | null;
  organisationalPoints: number | null;
}

export interface PaymentTimesFigure {
  objectiveCode: string;
  title: string;
  /** Achievement of the objective for this Responsabile's areas (or the Comune's). */
  percent: number | null;
  /** Percentage of result pay tied to the objective (DL 13/2023 art. 4-bis: 30). */
  resultPayShare: number;
  /** The part of the share earned: percent x share / 100; null while not evaluable. */
  earnedShare: number | null;
  explanation: string;
}

export interface ScorecardBehaviour extends BehaviourCriterion {
  /** null: not entered yet (counts 0). */
  points: number | null;
}

export interface Scorecard {
  responsabile: string;
  areas: AreaFigures[];
  objectivesPoints: number;
  objectivesMaxPoints: number;
  organisationalPoints: number;
  organisationalMaxPoints: number;
  behaviourPoints: number;
  behaviourMaxPoints: number;
  behaviours: ScorecardBehaviour[];
  behavioursEntered: boolean;
  behavioursEnteredBy: string | null;
  behavioursEnteredAt: Date | null;
  total: number;
  maxTotal: number;
  paymentTimes: PaymentTimesFigure | null;
  /** Italian sentences a reader can check by hand, one per part. */
  explanation: string[];
}

export interface ScorecardInput {
  responsabile: string;
  areas: AreaFigures[];
  objectivesMaxPoints: number;
  organisationalMaxPoints: number;
  criteria: BehaviourCriterion[];
  behaviours: { scores: BehaviourScores; enteredBy: string; enteredAt: Date } | null;
  paymentTimes: PaymentTimesFigure | null;
}

const cents = (n: number) => Math.round(n * 100);
const fromCents = (n: number) => n / 100;

function mean(values: number[]): number | null {
  return values.length ? values.reduce((s, v) => s + v, 0) / values.length : null;
}

export function buildScorecard(input: ScorecardInput): Scorecard {
  const objScored = input.areas.map((a) => a.objectivesPoints).filter((p): p is number => p != null);
  const orgScored = input.areas.map((a) => a.organisationalPoints).filter((p): p is number => p != null);
  const objC = cents(mean(objScored) ?? 0);
  const orgC = cents(mean(orgScored) ?? 0);
  const behaviours: ScorecardBehaviour[] = input.criteria.map((c) => ({
    ...c,
    points: input.behaviours?.scores[c.number] ?? null,
  }));
  const behC = behaviours.reduce((s, b) => s + cents(b.points ?? 0), 0);
  const behMax = input.criteria.reduce((s, c) => s + c.maxPoints, 0);
  const maxTotal = fromCents(cents(input.objectivesMaxPoints) + cents(input.organisationalMaxPoints) + cents(behMax));
  const totalC = objC + orgC + behC;

  const explanation: string[] = [];
  const areaList = (key: "objectivesPoints" | "organisationalPoints") =>
    input.areas.map((a) => `${a.code}: ${a[key] == null ? "non valutabile" : itNumber(a[key]!, 2)}`).join("; ");
  const partText = (
    what: string,
    scored: number[],
    c: number,
    max: number,
    key: "objectivesPoints" | "organisationalPoints",
  ) =>
    scored.length === 0
      ? `${what}: nessuna area valutabile = 0 punti su ${itNumber(max)}`
      : input.areas.length === 1
        ? `${what}: ${itNumber(fromCents(c), 2)} punti su ${itNumber(max)}`
        : `${what}: media delle aree (${areaList(key)}) = ${itNumber(fromCents(c), 2)} punti su ${itNumber(max)}`;
  explanation.push(partText("Obiettivi dell'area", objScored, objC, input.objectivesMaxPoints, "objectivesPoints"));
  explanation.push(
    partText(
      "Performance organizzativa (obiettivi dell'ente)",
      orgScored,
      orgC,
      input.organisationalMaxPoints,
      "organisationalPoints",
    ),
  );
  const missing = behaviours.filter((b) => b.points == null).length;
  explanation.push(
    !input.behaviours
      ? `Comportamenti organizzativi: non ancora inseriti = 0 punti su ${itNumber(behMax)}`
      : `Comportamenti organizzativi: somma di ${behaviours.length - missing} criteri = ${itNumber(fromCents(behC), 2)} punti su ${itNumber(behMax)}${
          missing ? ` (${missing} ${missing === 1 ? "criterio non inserito" : "criteri non inseriti"}, contano 0)` : ""
        }`,
  );
  explanation.push(
    `Totale: ${itNumber(fromCents(objC), 2)} + ${itNumber(fromCents(orgC), 2)} + ${itNumber(fromCents(behC), 2)} = ${itNumber(fromCents(totalC), 2)} punti su ${itNumber(maxTotal)}`,
  );
  if (input.paymentTimes) explanation.push(input.paymentTimes.explanation);

  return {
    responsabile: input.responsabile,
    areas: input.areas,
    objectivesPoints: fromCents(objC),
    objectivesMaxPoints: input.objectivesMaxPoints,
    organisationalPoints: fromCents(orgC),
    organisationalMaxPoints: input.organisationalMaxPoints,
    behaviourPoints: fromCents(behC),
    behaviourMaxPoints: behMax,
    behaviours,
    behavioursEntered: input.behaviours != null,
    behavioursEnteredBy: input.behaviours?.enteredBy ?? null,
    behavioursEnteredAt: input.behaviours?.enteredAt ?? null,
    total: fromCents(totalC),
    maxTotal,
    paymentTimes: input.paymentTimes,
    explanation,
  };
}

/** The payment-times share for one Responsabile: the objective's achievement times the share of result pay. */
export function paymentTimesFigure(
  objective: { code: string; title: string },
  percent: number | null,
  resultPayShare: number,
): PaymentTimesFigure {
  const head = `Tempi di pagamento (DL 13/2023 art. 4-bis): obiettivo ${objective.code} «${objective.title}» legato al ${itPercent(resultPayShare, 0)} della retribuzione di risultato`;
  if (percent == null) {
    return {
      objectiveCode: objective.code,
      title: objective.title,
      percent: null,
      resultPayShare,
      earnedShare: null,
      explanation: `${head}: non ancora valutabile`,
    };
  }
  const earned = (percent / 100) * resultPayShare;
  return {
    objectiveCode: objective.code,
    title: objective.title,
    percent,
    resultPayShare,
    earnedShare: earned,
    explanation: `${head}: raggiunto ${itPercent(percent, 2)} -> quota riconosciuta ${itPercent(earned, 2)} su ${itPercent(resultPayShare, 0)}`,
  };
}

/** Criteria in SMVP order, numbered from 1. */
export function numberCriteria(list: readonly { title: string; maxPoints: number }[]): BehaviourCriterion[] {
  return list.map((c, i) => ({ number: i + 1, title: c.title, maxPoints: c.maxPoints }));
}

/**
 * Reads a score file's content ({"1": 4, "2": 5, ...}): every key a criterion number, every
 * value a number from 0 to that criterion's maximum. The first wrong entry is refused
 * with a message naming the criterion (src/messages/errors.ts); nothing is partly accepted.
 */
export function parseBehaviourScores(raw: unknown, criteria: readonly BehaviourCriterion[]): BehaviourScores {
  const list = criteria.map((c) => `${c.number} (max ${itNumber(c.maxPoints)})`).join(", ");
  if (raw == null || typeof raw !== "object" || Array.isArray(raw))
    throw new UserError({ code: "behaviour_scores_shape", criteria: list });
  const byNumber = new Map(criteria.map((c) => [c.number, c]));
  const out: BehaviourScores = {};
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length === 0) throw new UserError({ code: "behaviour_scores_empty", criteria: list });
  for (const [key, value] of entries) {
    const n = /^\s*\d+\s*$/.test(key) ? Number(key) : Number.NaN;
    const c = byNumber.get(n);
    if (!c) throw new UserError({ code: "behaviour_criterion_unknown", key, count: criteria.length });
    const which = { number: c.number, title: c.title, max: c.maxPoints };
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new UserError({
        code: "behaviour_score_invalid",
        ...which,
        found: JSON.stringify(value) ?? String(value),
        reason: "not_number",
      });
    }
    if (value < 0)
      throw new UserError({ code: "behaviour_score_invalid", ...which, found: String(value), reason: "negative" });
    if (value > c.maxPoints + 1e-9) throw new UserError({ code: "behaviour_score_over_max", ...which, value });
    if (Math.abs(value * 100 - Math.round(value * 100)) > 1e-6) {
      throw new UserError({ code: "behaviour_score_invalid", ...which, found: String(value), reason: "decimals" });
    }
    out[c.number] = value;
  }
  return out;
}

/** Finds a Responsabile among the plan's heads, ignoring case and spacing; the error lists them. */
export function matchResponsabile(name: string, heads: readonly string[]): string {
  const norm = (s: string) => s.normalize("NFC").trim().replace(/\s+/g, " ").toLowerCase();
  const wanted = norm(name);
  const found = heads.find((h) => norm(h) === wanted);
  if (found) return found;
  throw new UserError({ code: "responsabile_unknown", name: name.trim(), heads: [...heads] });
}
