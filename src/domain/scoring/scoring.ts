import { statusLabel } from "../progress/progress.ts";
import { addDays, daysBetween } from "../calendar/days.ts";
import { itDate, itDays, itEuro, itNumber, itPercent } from "../text/italian.ts";
import type { ScoringConfig } from "./config.ts";
import { actsText, evidenceRuleFor, lacksEvidence } from "../validation/evidence.ts";

/**
 * The SMVP rules as pure functions: every score carries the rule that produced it, the
 * inputs it read and an Italian sentence a Nucleo member can check by hand. A target
 * the plan does not make measurable is "non valutabile", never a guessed number.
 */

export type ScoreState = "valutata" | "non_valutabile" | "non_scaduta";

export interface Score {
  state: ScoreState;
  /** 0..100, null unless state is "valutata". */
  percent: number | null;
  rule: RuleId;
  inputs: Record<string, string | number | boolean | null>;
  explanation: string;
  /** Measured before the activity's due date: the figure may still change. */
  provisional: boolean;
}

export type RuleId =
  | "deadline.on_time"
  | "deadline.late_zero"
  | "deadline.late_bands"
  | "deadline.open_overdue"
  | "deadline.not_due"
  | "deadline.missing_date"
  | "percentage.ratio"
  | "count.ratio"
  | "count.threshold"
  | "boolean"
  | "amount.ratio"
  | "upper_bound.ratio"
  | "text.manual"
  | "no_target"
  | "manual_evaluation"
  | "evidence.missing"
  | "objective.weighted_mean"
  | "objective.all_met"
  | "area.points"
  | "head.average";

export const RULE_LABELS: Record<RuleId, string> = {
  "deadline.on_time": "Scadenza: completata nei termini",
  "deadline.late_zero": "Scadenza: completata in ritardo (0%)",
  "deadline.late_bands": "Scadenza: fasce di ritardo",
  "deadline.open_overdue": "Scadenza: superata e non completata",
  "deadline.not_due": "Scadenza: non ancora scaduta",
  "deadline.missing_date": "Scadenza: data da impostare",
  "percentage.ratio": "Percentuale: raggiunto / atteso",
  "count.ratio": "Quantità: raggiunto / soglia",
  "count.threshold": "Quantità: soglia raggiunta o no",
  boolean: "Sì/No",
  "amount.ratio": "Importo: raggiunto / atteso",
  "upper_bound.ratio": "Limite massimo: atteso / misurato",
  "text.manual": "Valutazione manuale richiesta",
  no_target: "Valore atteso mancante",
  manual_evaluation: "Valutazione manuale",
  "evidence.missing": "Completata senza l'evidenza richiesta (0%)",
  "objective.weighted_mean": "Media ponderata delle attività",
  "objective.all_met": "Tutte le attività raggiunte",
  "area.points": "Media degli obiettivi x punti",
  "head.average": "Media dei punti delle aree",
};

export const SCORE_STATE_LABELS: Record<ScoreState, string> = {
  valutata: "valutata",
  non_valutabile: "non valutabile",
  non_scaduta: "non ancora scaduta",
};

/** What people have recorded about an activity (from Progress, or from its reports up to a date). */
export interface ActivityState {
  status: string | null;
  percent: number | null;
  count: number | null;
  achievedValue: number | null;
  completedOn: string | null;
}

export interface ActivityScoringInput {
  code: string;
  targetKind: string;
  targetText: string;
  threshold: number | null;
  comparator: string | null;
  period: string | null;
  qualifier: string | null;
  unit: string | null;
  /** Effective deadline: set by hand, else parsed from the plan. */
  deadline: string | null;
  state: ActivityState;
  /** Evidence texts of its live reports; absent: evidence rules are not applied. */
  evidence?: readonly string[];
}

export interface ScoringContext {
  planYear: number;
  /** The evaluation date (ISO day). */
  asOf: string;
  config: ScoringConfig;
  /** The working calendar: with `rules.deadline.days = "lavorativi"` lateness is counted on it. Absent: calendar days. */
  calendar?: { workingDaysBetween(from: string, to: string): number };
}

/** Days late from `deadline` to `day`, as the SMVP counts them, with the unit for the explanation. */
function lateDays(ctx: ScoringContext, deadline: string, day: string): { n: number; text: (n: number) => string } {
  if (ctx.calendar && ctx.config.rules.deadline.days === "lavorativi") {
    return {
      n: ctx.calendar.workingDaysBetween(deadline, day),
      text: (n) => (n === 1 ? "1 giorno lavorativo" : `${itNumber(n, 0)} giorni lavorativi`),
    };
  }
  return { n: daysBetween(deadline, day), text: itDays };
}

const EMPTY_STATE: ActivityState = { status: null, percent: null, count: null, achievedValue: null, completedOn: null };

function score(
  state: ScoreState,
  percent: number | null,
  rule: RuleId,
  inputs: Score["inputs"],
  explanation: string,
  provisional = false,
): Score {
  return { state, percent, rule, inputs, explanation, provisional };
}

const pct = (n: number) => itPercent(n, 2);
const statusText = (s: string | null) => (s ? statusLabel(s) : "nessun avanzamento registrato");

/** The day an activity without a deadline is due: the end of the plan year. */
function dueDay(a: ActivityScoringInput, ctx: ScoringContext): string {
  return a.deadline ?? `${ctx.planYear}-12-31`;
}

export function scoreActivity(a: ActivityScoringInput, ctx: ScoringContext): Score {
  const base = scoreMeasured(a, ctx);
  if (!a.evidence || base.rule === "manual_evaluation" || base.state !== "valutata") return base;
  const rules = ctx.config.evidence;
  if (!lacksEvidence(rules, a.targetKind, a.state?.status ?? null, a.evidence)) return base;
  const rule = evidenceRuleFor(rules, a.targetKind)!;
  if (rule.scoresWithout)
    return { ...base, explanation: `${base.explanation} (senza evidenza: serve ${actsText(rule.acts)})` };
  return score(
    "valutata",
    0,
    "evidence.missing",
    { ...base.inputs, evidenzaRichiesta: actsText(rule.acts), punteggioSenzaEvidenza: base.percent },
    `${base.explanation}; ma senza evidenza (serve ${actsText(rule.acts)}) la configurazione SMVP non la conta = 0%`,
    base.provisional,
  );
}

function scoreMeasured(a: ActivityScoringInput, ctx: ScoringContext): Score {
  const manual = ctx.config.manualEvaluations[a.code];
  if (manual) {
    return score(
      "valutata",
      manual.percent,
      "manual_evaluation",
      { valoreAtteso: a.targetText, percentuale: manual.percent, motivo: manual.reason },
      `Valutazione manuale dalla configurazione SMVP: ${pct(manual.percent)} (${manual.reason})`,
    );
  }
  const state = a.state ?? EMPTY_STATE;
  switch (a.targetKind) {
    case "deadline":
      return scoreDeadline(a, state, ctx);
    case "percentage":
      return scoreRatio(a, state, ctx, "percentage.ratio", state.percent, (n) => itPercent(n, 2));
    case "amount":
      return scoreRatio(a, state, ctx, "amount.ratio", state.achievedValue, (n) =>
        isEuro(a) ? itEuro(n) : itNumber(n),
      );
    case "count":
      return scoreCount(a, state, ctx);
    case "boolean":
      return scoreBoolean(a, state, ctx);
    case "upper_bound":
      return scoreUpperBound(a, state, ctx);
    default:
      // A text target with a deadline set by hand becomes a deadline; otherwise a person decides.
      if (a.deadline) return scoreDeadline(a, state, ctx);
      return score(
        "non_valutabile",
        null,
        "text.manual",
        { valoreAtteso: a.targetText, stato: state.status },
        `Valore atteso «${a.targetText}» non misurabile automaticamente (stato: ${statusText(state.status)}): non valutabile. ` +
          `Serve una scadenza impostata a mano (npx obiettivi scadenza ${a.code} <data>) o una valutazione manuale nella configurazione SMVP.`,
      );
  }
}

function scoreDeadline(a: ActivityScoringInput, s: ActivityState, ctx: ScoringContext): Score {
  const { asOf } = ctx;
  const deadline = a.deadline;
  const inputs = { scadenza: deadline, completataIl: s.completedOn, stato: s.status, dataValutazione: asOf };
  if (!deadline) {
    return score(
      "non_valutabile",
      null,
      "deadline.missing_date",
      inputs,
      `Valore atteso «${a.targetText}» senza una data certa: non valutabile finché non si imposta la scadenza a mano (npx obiettivi scadenza ${a.code} <data>).`,
    );
  }
  const head = `Scadenza ${itDate(deadline)}`;
  if (s.status === "completata") {
    if (!s.completedOn) {
      return score(
        "non_valutabile",
        null,
        "deadline.missing_date",
        inputs,
        `${head}, segnata completata senza data di completamento: non valutabile.`,
      );
    }
    const counted = lateDays(ctx, deadline, s.completedOn);
    const late = counted.n;
    const lateText = counted.text;
    const done = `${head}, completata il ${itDate(s.completedOn)}`;
    if (late <= 0)
      return score("valutata", 100, "deadline.on_time", { ...inputs, giorniRitardo: 0 }, `${done}: nei termini = 100%`);
    const rule = ctx.config.rules.deadline;
    if (rule.late === "zero") {
      return score(
        "valutata",
        0,
        "deadline.late_zero",
        { ...inputs, giorniRitardo: late },
        `${done}: ${lateText(late)} di ritardo -> completata oltre la scadenza = 0%`,
      );
    }
    let from = 1;
    for (const band of rule.bands) {
      if (late <= band.maxDaysLate) {
        const range = from === 1 ? `fino a ${band.maxDaysLate} giorni` : `${from}-${band.maxDaysLate} giorni`;
        return score(
          "valutata",
          band.percent,
          "deadline.late_bands",
          { ...inputs, giorniRitardo: late, fasciaFinoA: band.maxDaysLate },
          `${done}: ${lateText(late)} di ritardo -> fascia ${range} = ${pct(band.percent)}`,
        );
      }
      from = band.maxDaysLate + 1;
    }
    const last = rule.bands[rule.bands.length - 1]!.maxDaysLate;
    return score(
      "valutata",
      0,
      "deadline.late_bands",
      { ...inputs, giorniRitardo: late },
      `${done}: ${lateText(late)} di ritardo -> oltre ${last} giorni = 0%`,
    );
  }
  if (deadline >= asOf) {
    return score(
      "non_scaduta",
      null,
      "deadline.not_due",
      inputs,
      `${head}: al ${itDate(asOf)} non ancora scaduta (stato: ${statusText(s.status)}).`,
      true,
    );
  }
  const counted = lateDays(ctx, deadline, asOf);
  const late = counted.n;
  return score(
    "valutata",
    0,
    "deadline.open_overdue",
    { ...inputs, giorniRitardo: late },
    `${head}: al ${itDate(asOf)} non completata (stato: ${statusText(s.status)}), ${counted.text(late)} di ritardo = 0%`,
  );
}

function isEuro(a: ActivityScoringInput): boolean {
  return /euro|€/i.test(`${a.unit ?? ""} ${a.targetText}`);
}

/** The reporter said "completata" without a measured value: they declare the target reached. */
const DECLARED = "segnata completata senza un valore misurato: valore atteso considerato raggiunto";

function noTarget(a: ActivityScoringInput, s: ActivityState): Score {
  return score(
    "non_valutabile",
    null,
    "no_target",
    { valoreAtteso: a.targetText, stato: s.status },
    `Il piano non indica un valore atteso numerico («${a.targetText}»): non valutabile.`,
  );
}

function scoreRatio(
  a: ActivityScoringInput,
  s: ActivityState,
  ctx: ScoringContext,
  rule: "percentage.ratio" | "amount.ratio",
  achieved: number | null,
  fmt: (n: number) => string,
): Score {
  const target = a.threshold;
  if (target == null) return noTarget(a, s);
  const provisional = s.status !== "completata" && ctx.asOf < dueDay(a, ctx);
  const inputs = { valoreAtteso: target, raggiunto: achieved, stato: s.status };
  const head = `Valore atteso ${fmt(target)}`;
  if (achieved == null) {
    if (s.status === "completata") return score("valutata", 100, rule, inputs, `${head}, ${DECLARED} = 100%`);
    return score(
      "valutata",
      0,
      rule,
      inputs,
      `${head}: nessun valore registrato${provisional ? ` al ${itDate(ctx.asOf)}` : ""} = 0%`,
      provisional,
    );
  }
  if (target <= 0)
    return score(
      "valutata",
      100,
      rule,
      inputs,
      `${head}, raggiunto ${fmt(achieved)}: valore atteso nullo, raggiunto = 100%`,
      provisional,
    );
  const raw = (achieved / target) * 100;
  const capped = Math.max(0, Math.min(100, raw));
  const over = raw > 100 ? `, limitato a 100%` : "";
  return score(
    "valutata",
    capped,
    rule,
    inputs,
    `${head}, raggiunto ${fmt(achieved)}: ${itNumber(achieved)}/${itNumber(target)} = ${pct(raw)}${over}`,
    provisional,
  );
}

const PERIOD_NAMES: Record<string, [string, string]> = {
  day: ["giorno", "giorni"],
  week: ["settimana", "settimane"],
  month: ["mese", "mesi"],
  year: ["anno", "anni"],
};

export interface CountWindow {
  from: string;
  to: string;
  label: string;
}

/** The window a period count is measured over in the plan year: the whole year, or a configured season. */
export function countWindow(a: Pick<ActivityScoringInput, "qualifier">, ctx: ScoringContext): CountWindow | null {
  const y = ctx.planYear;
  if (!a.qualifier) return { from: `${y}-01-01`, to: `${y}-12-31`, label: `anno ${y}` };
  const q = a.qualifier.toLowerCase();
  const season = ctx.config.seasons.find((s) => q.includes(s.match.toLowerCase()));
  if (!season) return null;
  return { from: `${y}-${season.from}`, to: `${y}-${season.to}`, label: season.label };
}

const elapsedMemo = new Map<string, number>();

/** Periods elapsed from window start to min(asOf, window end), both days included; fractional. */
export function periodsElapsed(period: string, w: CountWindow, asOf: string): number {
  // A plan has few distinct (period, window, date) triples and up to 100,000 count indicators.
  const key = `${period}|${w.from}|${w.to}|${asOf}`;
  let n = elapsedMemo.get(key);
  if (n === undefined) {
    if (elapsedMemo.size > 1000) elapsedMemo.clear();
    n = computeElapsed(period, w, asOf);
    elapsedMemo.set(key, n);
  }
  return n;
}

function computeElapsed(period: string, w: CountWindow, asOf: string): number {
  const end = asOf < w.to ? asOf : w.to;
  if (end < w.from) return 0;
  const days = daysBetween(w.from, end) + 1;
  switch (period) {
    case "day":
      return days;
    case "week":
      return days / 7;
    case "month":
      return monthsCovered(w.from, end);
    case "year": {
      const y = Number(w.from.slice(0, 4));
      return days / daysBetween(`${y}-01-01`, `${y + 1}-01-01`);
    }
    default:
      return 1;
  }
}

/** Calendar months covered by [from, to]: each month counts its covered share of days. */
function monthsCovered(from: string, to: string): number {
  let total = 0;
  let cursor = from;
  while (cursor <= to) {
    const y = Number(cursor.slice(0, 4));
    const m = Number(cursor.slice(5, 7));
    const monthStart = `${cursor.slice(0, 7)}-01`;
    const nextMonth = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
    const daysInMonth = daysBetween(monthStart, nextMonth);
    const last = addDays(nextMonth, -1);
    const stop = last < to ? last : to;
    total += (daysBetween(cursor, stop) + 1) / daysInMonth;
    cursor = nextMonth;
  }
  return total;
}

function scoreCount(a: ActivityScoringInput, s: ActivityState, ctx: ScoringContext): Score {
  const threshold = a.threshold;
  if (threshold == null) return noTarget(a, s);
  const rule = ctx.config.rules.count;
  const ruleId: RuleId = rule.mode === "soglia" ? "count.threshold" : "count.ratio";
  const achieved = s.count;
  const inputs: Score["inputs"] = {
    soglia: threshold,
    periodo: a.period,
    raggiunto: achieved,
    stato: s.status,
    dataValutazione: ctx.asOf,
  };
  let target = threshold;
  let head = `Valore atteso «${a.targetText}»`;
  let provisional = s.status !== "completata" && ctx.asOf < dueDay(a, ctx);
  if (a.period && rule.scaleByPeriod) {
    const w = countWindow(a, ctx);
    if (!w) {
      return score(
        "non_valutabile",
        null,
        ruleId,
        { ...inputs, qualificatore: a.qualifier },
        `${head}: il periodo «${a.qualifier}» non ha date nella configurazione SMVP (seasons): non valutabile.`,
      );
    }
    const periods = periodsElapsed(a.period, w, ctx.asOf);
    const [one, many] = PERIOD_NAMES[a.period] ?? [a.period, a.period];
    if (periods <= 0) {
      return score(
        "non_scaduta",
        null,
        ruleId,
        { ...inputs, periodi: 0 },
        `${head}: al ${itDate(ctx.asOf)} il periodo di misura (${w.label}) non è ancora iniziato.`,
        true,
      );
    }
    target = threshold * periods;
    provisional = s.status !== "completata" && ctx.asOf < w.to;
    inputs.periodi = round2(periods);
    inputs.atteso = round2(target);
    const p = round2(periods);
    head += `; al ${itDate(ctx.asOf < w.to ? ctx.asOf : w.to)} trascorsi ${itNumber(p)} ${p === 1 ? one : many} (${w.label}) -> atteso ${itNumber(target, 1)}`;
  }
  if (achieved == null) {
    if (s.status === "completata") return score("valutata", 100, ruleId, inputs, `${head}; ${DECLARED} = 100%`);
    return score("valutata", 0, ruleId, inputs, `${head}; nessun valore registrato = 0%`, provisional);
  }
  if (target <= 0)
    return score(
      "valutata",
      100,
      ruleId,
      inputs,
      `${head}; registrati ${itNumber(achieved)}: soglia nulla, raggiunta = 100%`,
      provisional,
    );
  if (rule.mode === "soglia") {
    const met = achieved >= target;
    return score(
      "valutata",
      met ? 100 : 0,
      ruleId,
      inputs,
      `${head}; registrati ${itNumber(achieved)}: soglia ${met ? "raggiunta = 100%" : "non raggiunta = 0%"}`,
      provisional,
    );
  }
  const raw = (achieved / target) * 100;
  return score(
    "valutata",
    Math.max(0, Math.min(100, raw)),
    ruleId,
    inputs,
    `${head}; registrati ${itNumber(achieved)}: ${itNumber(achieved)}/${itNumber(target, 1)} = ${pct(raw)}${raw > 100 ? ", limitato a 100%" : ""}`,
    provisional,
  );
}

function scoreBoolean(a: ActivityScoringInput, s: ActivityState, ctx: ScoringContext): Score {
  const provisional = s.status !== "completata" && ctx.asOf < dueDay(a, ctx);
  const inputs = { valoreAtteso: a.targetText, valore: s.achievedValue, stato: s.status };
  const head = `Valore atteso «${a.targetText}»`;
  if (s.achievedValue != null) {
    const yes = s.achievedValue >= 1;
    return score(
      "valutata",
      yes ? 100 : 0,
      "boolean",
      inputs,
      `${head}, registrato «${yes ? "Sì" : "No"}» = ${yes ? "100%" : "0%"}`,
      provisional && !yes,
    );
  }
  if (s.status === "completata") return score("valutata", 100, "boolean", inputs, `${head}, segnata completata = 100%`);
  return score("valutata", 0, "boolean", inputs, `${head}: nessun riscontro registrato = 0%`, provisional);
}

function scoreUpperBound(a: ActivityScoringInput, s: ActivityState, ctx: ScoringContext): Score {
  const limit = a.threshold;
  if (limit == null) return noTarget(a, s);
  const provisional = s.status !== "completata" && ctx.asOf < dueDay(a, ctx);
  const measured = s.achievedValue;
  const unit = a.unit ? ` ${a.unit}` : "";
  const inputs = { limite: limit, misurato: measured, stato: s.status };
  const head = `Limite massimo ${itNumber(limit)}${unit}`;
  if (measured == null) {
    if (s.status === "completata")
      return score("valutata", 100, "upper_bound.ratio", inputs, `${head}, ${DECLARED} = 100%`);
    return score("valutata", 0, "upper_bound.ratio", inputs, `${head}: nessuna misura registrata = 0%`, provisional);
  }
  if (measured <= limit) {
    return score(
      "valutata",
      100,
      "upper_bound.ratio",
      inputs,
      `${head}, misurato ${itNumber(measured)}${unit}: entro il limite = 100%`,
      provisional,
    );
  }
  const raw = (limit / measured) * 100;
  return score(
    "valutata",
    raw,
    "upper_bound.ratio",
    inputs,
    `${head}, misurato ${itNumber(measured)}${unit}: ${itNumber(limit)}/${itNumber(measured)} = ${pct(raw)}`,
    provisional,
  );
}

/** "100 + 50 + 0", or just the total when the terms would not fit in a sentence. */
export function sumText(terms: () => string[], total: number, count?: number): string {
  // Terms are only formatted when shown: an objective may have thousands of activities.
  if ((count ?? MAX_TERMS_SHOWN) > MAX_TERMS_SHOWN) return `somma ${itNumber(total, 2)}`;
  const list = terms();
  return list.length <= MAX_TERMS_SHOWN ? list.join(" + ") : `somma ${itNumber(total, 2)}`;
}

const MAX_TERMS_SHOWN = 12;

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

// ---------------------------------------------------------------- aggregates

export interface AggregateScore {
  state: ScoreState;
  percent: number | null;
  rule: RuleId;
  explanation: string;
  /** Counts of the parts by state, for summaries. */
  evaluated: number;
  notEvaluable: number;
  notDue: number;
}

export interface ScoredActivity {
  code: string;
  score: Score;
  /** The phase weight printed in the plan; the scoring configuration's activityWeights override it. */
  weight?: number | null;
}

function aggregateState(parts: { state: ScoreState }[]): ScoreState {
  return parts.length > 0 && parts.every((p) => p.state === "non_scaduta") ? "non_scaduta" : "non_valutabile";
}

function exclusions(notDue: number, notEvaluable: number, noun: [string, string], masculine: boolean): string {
  const end = (n: number) => (masculine ? (n === 1 ? "o" : "i") : n === 1 ? "a" : "e");
  const out: string[] = [];
  if (notDue) out.push(`${notDue} ${noun[notDue === 1 ? 0 : 1]} non ancora scadut${end(notDue)}`);
  if (notEvaluable)
    out.push(`${notEvaluable} ${noun[notEvaluable === 1 ? 0 : 1]} non valutabil${notEvaluable === 1 ? "e" : "i"}`);
  return out.length ? `; ${out.join(", ")} esclus${end(notDue + notEvaluable)}` : "";
}

/** An objective: weighted mean of its activities, or "tutte_raggiunte", as the configuration says. */
export function scoreObjective(
  objectiveCode: string,
  activities: ScoredActivity[],
  ctx: ScoringContext,
): AggregateScore {
  const method = ctx.config.objective.overrides[objectiveCode] ?? ctx.config.objective.method;
  const evaluated = activities.filter((a) => a.score.state === "valutata");
  const notDue = activities.filter((a) => a.score.state === "non_scaduta").length;
  const notEvaluable = activities.filter((a) => a.score.state === "non_valutabile").length;
  const counts = { evaluated: evaluated.length, notEvaluable, notDue };
  const excluded = exclusions(notDue, notEvaluable, ["attività", "attività"], false);

  if (method === "tutte_raggiunte") {
    const threshold = ctx.config.metThreshold;
    const missed = evaluated.filter((a) => (a.score.percent ?? 0) < threshold);
    if (missed.length) {
      const list = missed.map((a) => `${a.code} (${pct(a.score.percent ?? 0)})`).join(", ");
      return {
        state: "valutata",
        percent: 0,
        rule: "objective.all_met",
        explanation: `Tutte le attività devono essere raggiunte (almeno ${pct(threshold)}): non raggiunte ${list} = 0%`,
        ...counts,
      };
    }
    if (evaluated.length === 0 || notDue || notEvaluable) {
      return {
        state:
          evaluated.length === 0
            ? aggregateState(activities.map((a) => a.score))
            : notDue && !notEvaluable
              ? "non_scaduta"
              : "non_valutabile",
        percent: null,
        rule: "objective.all_met",
        explanation: `Tutte le attività devono essere raggiunte: ${evaluated.length} raggiunte su ${activities.length}${excluded}, esito non ancora determinabile`,
        ...counts,
      };
    }
    return {
      state: "valutata",
      percent: 100,
      rule: "objective.all_met",
      explanation: `Tutte le ${evaluated.length} attività raggiunte = 100%`,
      ...counts,
    };
  }

  if (evaluated.length === 0) {
    return {
      state: aggregateState(activities.map((a) => a.score)),
      percent: null,
      rule: "objective.weighted_mean",
      explanation: activities.length ? `Nessuna attività valutabile${excluded}` : "Nessuna attività nel piano",
      ...counts,
    };
  }
  const weights = evaluated.map(
    (a) => ctx.config.activityWeights[a.code] ?? (a.weight != null && a.weight > 0 ? a.weight : 1),
  );
  const total = weights.reduce((s, w) => s + w, 0);
  const mean = evaluated.reduce((s, a, i) => s + (a.score.percent ?? 0) * weights[i]!, 0) / total;
  const equal = weights.every((w) => w === 1);
  const weightedSum = evaluated.reduce((s, a, i) => s + (a.score.percent ?? 0) * weights[i]!, 0);
  const terms = () =>
    evaluated.map((a, i) =>
      equal ? itNumber(a.score.percent ?? 0, 2) : `${itNumber(a.score.percent ?? 0, 2)}x${itNumber(weights[i]!)}`,
    );
  const formula = `(${sumText(terms, weightedSum, evaluated.length)})/${equal ? evaluated.length : itNumber(total)}`;
  return {
    state: "valutata",
    percent: mean,
    rule: "objective.weighted_mean",
    explanation: `Media ${equal ? "" : "ponderata "}di ${evaluated.length} ${evaluated.length === 1 ? "attività valutata" : "attività valutate"}: ${formula} = ${pct(mean)}${excluded}`,
    ...counts,
  };
}

export interface PointsScore extends AggregateScore {
  points: number | null;
  maxPoints: number;
}

/** An area (or the Comune-wide section): mean of its objectives weighted by "Peso", times the maximum points. */
export function scoreArea(
  objectives: { code: string; weight: number | null; score: AggregateScore }[],
  maxPoints: number,
): PointsScore {
  const evaluated = objectives.filter((o) => o.score.state === "valutata" && o.score.percent != null);
  const notDue = objectives.filter((o) => o.score.state === "non_scaduta").length;
  const notEvaluable = objectives.filter((o) => o.score.state === "non_valutabile").length;
  const counts = { evaluated: evaluated.length, notEvaluable, notDue, maxPoints };
  const excluded = exclusions(notDue, notEvaluable, ["obiettivo", "obiettivi"], true);
  if (evaluated.length === 0) {
    return {
      state: aggregateState(objectives.map((o) => o.score)),
      percent: null,
      points: null,
      rule: "area.points",
      explanation: objectives.length ? `Nessun obiettivo valutabile${excluded}` : "Nessun obiettivo",
      ...counts,
    };
  }
  const weights = evaluated.map((o) => (o.weight != null && o.weight > 0 ? o.weight : 1));
  const total = weights.reduce((s, w) => s + w, 0);
  const mean = evaluated.reduce((s, o, i) => s + o.score.percent! * weights[i]!, 0) / total;
  const points = (mean / 100) * maxPoints;
  const sameWeight = weights.every((w) => w === weights[0]);
  const w0 = evaluated[0]!.weight;
  const weightText = sameWeight
    ? w0 != null && w0 > 0
      ? `peso ${itNumber(w0)}% ciascuno`
      : "peso uguale"
    : "ponderata per peso";
  return {
    state: "valutata",
    percent: mean,
    points,
    rule: "area.points",
    explanation: `Media di ${evaluated.length} ${evaluated.length === 1 ? "obiettivo" : "obiettivi"} (${weightText}) = ${pct(mean)}; ${pct(mean)} x ${itNumber(maxPoints)} punti = ${itNumber(points, 2)} punti${excluded}`,
    ...counts,
  };
}

export interface HeadLine {
  head: string;
  areas: { code: string; name: string; percent: number | null; points: number | null }[];
  /** Mean of the areas' points (the areas that could be scored). */
  averagePoints: number | null;
  averagePercent: number | null;
  maxPoints: number;
  explanation: string;
}

/** Points per head: a head of two areas gets both lines and their average. */
export function scoreHeads(
  areas: { code: string; name: string; head: string | null; score: PointsScore }[],
  maxPoints: number,
): HeadLine[] {
  const byHead = new Map<string, typeof areas>();
  for (const a of areas) {
    const head = a.head?.trim() || "Responsabile non indicato";
    byHead.set(head, [...(byHead.get(head) ?? []), a]);
  }
  return [...byHead.entries()].map(([head, list]) => {
    const scored = list.filter((a) => a.score.points != null);
    const averagePoints = scored.length ? scored.reduce((s, a) => s + a.score.points!, 0) / scored.length : null;
    const averagePercent = scored.length ? scored.reduce((s, a) => s + a.score.percent!, 0) / scored.length : null;
    let explanation: string;
    if (!scored.length) explanation = "Nessuna area valutabile";
    else if (list.length === 1)
      explanation = `Area ${list[0]!.code}: ${itNumber(averagePoints!, 2)} punti su ${itNumber(maxPoints)}`;
    else
      explanation = `Media dei punti di ${scored.length} aree: (${sumText(
        () => scored.map((a) => itNumber(a.score.points!, 2)),
        scored.reduce((s, a) => s + a.score.points!, 0),
      )})/${scored.length} = ${itNumber(averagePoints!, 2)} punti su ${itNumber(maxPoints)}${
        scored.length < list.length ? `; ${list.length - scored.length} non valutabili escluse` : ""
      }`;
    return {
      head,
      areas: list.map((a) => ({ code: a.code, name: a.name, percent: a.score.percent, points: a.score.points })),
      averagePoints,
      averagePercent,
      maxPoints,
      explanation,
    };
  });
}
