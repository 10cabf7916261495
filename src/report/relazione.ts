import { STATUS_LABELS, statusLabel } from "../domain/progress/progress.ts";
import { daysBetween, romeDay } from "../domain/calendar/days.ts";
import type { Db, Tx } from "../db/client.ts";
import { endOfRomeDay, type ActivityEval, type ObjectiveEval, type PlanEvaluation, type SectionCounts } from "../domain/scoring/evaluation.ts";
import { evaluatePlan } from "../app/evaluation.ts";
import { itDate, itDays, itEuro, itNumber, itPercent } from "../domain/text/italian.ts";
import { countWindow, periodsElapsed, RULE_LABELS, SCORE_STATE_LABELS, type HeadLine, type ScoreState } from "../domain/scoring/scoring.ts";
import { configLabel } from "../domain/scoring/config.ts";
import { delayCauseLabel } from "../domain/delays/delays.ts";
import { loadRelazioneRecords } from "../store/relazione.ts";

/**
 * The Relazione sulla performance (and the mid-year monitoring report) as one data model;
 * relazione-md/-csv/-xlsx only lay it out. Every figure in it comes with the sentence
 * that explains it, so the three formats cannot disagree.
 */

export const COMUNE_WIDE_TITLE = "Obiettivi di performance organizzativa (dell'ente)";
export const NO_CAUSE = "causa non indicata";

export interface Person {
  id: string;
  /** "Nome (U123)" when the name is known, else the Slack id. */
  label: string;
}

export interface Evidence {
  text: string;
  by: Person;
  at: Date;
  occurredOn: string;
}

export interface Deviation {
  /** Percentage points missing to 100 (null when not scored: overdue but not due...). */
  gap: number | null;
  cause: string | null;
  causeLabel: string;
  explanation: string | null;
  correctiveAction: string | null;
  newExpectedDate: string | null;
  by: Person | null;
  at: Date | null;
}

export interface RelazioneActivity {
  code: string;
  printedCode: string;
  title: string;
  indicator: string;
  indicatorIndex: string | null;
  targetText: string;
  targetKind: string;
  deadline: string | null;
  deadlineSource: "piano" | "manuale" | null;
  status: string | null;
  statusLabel: string;
  /** The achieved value as a reader expects it ("80%", "3", "Sì", "completata"). */
  achieved: string;
  /** The date the achieved value refers to (completion, or the latest report). */
  achievedOn: string | null;
  percent: number | null;
  scoreState: ScoreState;
  scoreStateLabel: string;
  provisional: boolean;
  rule: string;
  ruleLabel: string;
  explanation: string;
  inputs: Record<string, string | number | boolean | null>;
  overdue: boolean;
  daysLate: number;
  deviation: Deviation | null;
  evidence: Evidence[];
  reportedBy: Person | null;
  reportedAt: Date | null;
}

export interface RelazioneObjective {
  code: string;
  title: string;
  publicValue: string;
  weight: number | null;
  percent: number | null;
  scoreState: ScoreState;
  explanation: string;
  activities: RelazioneActivity[];
}

export interface RelazioneSection {
  kind: "area" | "ente";
  /** Area code, or "ENTE". */
  code: string;
  name: string;
  head: string | null;
  objectives: RelazioneObjective[];
  percent: number | null;
  points: number | null;
  maxPoints: number;
  scoreState: ScoreState;
  explanation: string;
  counts: SectionCounts;
}

export interface AtRiskItem {
  sectionCode: string;
  sectionName: string;
  objectiveCode: string;
  code: string;
  title: string;
  deadline: string | null;
  statusLabel: string;
  reasons: string[];
  proposals: string[];
  kinds: ("scaduta" | "in_scadenza" | "sotto_ritmo" | "bloccata")[];
}

export interface Monitoring {
  dueWithinDays: number;
  atRisk: AtRiskItem[];
}

export interface Relazione {
  kind: "relazione" | "monitoraggio";
  year: number;
  entity: string;
  asOf: string;
  generatedAt: Date;
  configLabel: string;
  maxPoints: number;
  sections: RelazioneSection[];
  comuneWide: RelazioneSection;
  heads: HeadLine[];
  overall: { percent: number | null; explanation: string; counts: SectionCounts };
  monitoring: Monitoring | null;
}

export interface BuildOptions {
  year?: number;
  asOf: string;
  now: Date;
  monitoring?: boolean;
  /** Monitoring: "in scadenza" looks this many days ahead. */
  dueWithinDays?: number;
  /** PATRONO, for lateness in working days. */
  patron?: string;
}

type Reader = Db | Tx;

export async function buildRelazione(db: Reader, opts: BuildOptions): Promise<Relazione> {
  const ev = await evaluatePlan(db, { year: opts.year, asOf: opts.asOf, patron: opts.patron });
  const year = ev.plan.year;
  const cutoff = endOfRomeDay(opts.asOf);
  const { evidenceRows, delays, users } = await loadRelazioneRecords(db, year, cutoff);
  const names = new Map(users.map((u) => [u.slackUserId, u.name]));
  const person = (id: string): Person => {
    const name = names.get(id);
    return { id, label: name ? `${name} (${id})` : id };
  };
  const evidenceByCode = new Map<string, Evidence[]>();
  for (const r of evidenceRows) {
    const text = r.evidence!.trim();
    if (!text) continue;
    const list = evidenceByCode.get(r.activityCode) ?? [];
    const by = r.enteredBy && r.enteredBy !== r.userId ? { id: r.userId, label: `registrato da ${person(r.enteredBy).label} per ${person(r.userId).label}` } : person(r.userId);
    list.push({ text, by, at: r.createdAt, occurredOn: r.occurredOn });
    evidenceByCode.set(r.activityCode, list);
  }
  // Latest explanation per activity wins: the rows are oldest first.
  const delayByCode = new Map(delays.map((d) => [d.activityCode, d]));

  const activity = (a: ActivityEval): RelazioneActivity => {
    const d = delayByCode.get(a.code);
    const scored = a.score.state === "valutata" && a.score.percent != null;
    const hasGap = scored && a.score.percent! < 100 - 1e-9;
    const isDeviation = hasGap || a.overdue || a.state.status === "bloccata";
    const deviation: Deviation | null = isDeviation
      ? {
          gap: scored ? 100 - a.score.percent! : null,
          cause: d?.cause ?? null,
          causeLabel: d ? delayCauseLabel(d.cause) : NO_CAUSE,
          explanation: d?.explanation ?? (a.state.status === "bloccata" ? a.state.blockedReason : null),
          correctiveAction: d?.correctiveAction ?? null,
          newExpectedDate: d?.newExpectedDate ?? null,
          by: d ? person(d.userId) : null,
          at: d?.createdAt ?? null,
        }
      : null;
    return {
      code: a.code,
      printedCode: a.printedCode,
      title: a.title,
      indicator: a.indicatorName,
      indicatorIndex: a.indicatorIndex,
      targetText: a.targetText,
      targetKind: a.targetKind,
      deadline: a.deadline,
      deadlineSource: a.deadlineSource,
      status: a.state.status,
      statusLabel: a.state.status ? statusLabel(a.state.status) : STATUS_LABELS.non_iniziata,
      achieved: achievedText(a),
      achievedOn: a.state.completedOn ?? (a.state.lastReportAt ? romeDay(a.state.lastReportAt) : null),
      percent: a.score.percent,
      scoreState: a.score.state,
      scoreStateLabel: SCORE_STATE_LABELS[a.score.state],
      provisional: a.score.provisional,
      rule: a.score.rule,
      ruleLabel: RULE_LABELS[a.score.rule],
      explanation: a.score.explanation,
      inputs: a.score.inputs,
      overdue: a.overdue,
      daysLate: a.daysLate,
      deviation,
      evidence: evidenceByCode.get(a.code) ?? [],
      reportedBy: a.state.lastReporterId ? person(a.state.lastReporterId) : null,
      reportedAt: a.state.lastReportAt,
    };
  };

  const objective = (o: ObjectiveEval): RelazioneObjective => ({
    code: o.code,
    title: o.title,
    publicValue: o.publicValue,
    weight: o.weight,
    percent: o.score.percent,
    scoreState: o.score.state,
    explanation: o.score.explanation,
    activities: o.activities.map(activity),
  });

  const sections: RelazioneSection[] = ev.areas.map((a) => ({
    kind: "area",
    code: a.code,
    name: a.name,
    head: a.head,
    objectives: a.objectives.map(objective),
    percent: a.score.percent,
    points: a.score.points,
    maxPoints: a.score.maxPoints,
    scoreState: a.score.state,
    explanation: a.score.explanation,
    counts: a.counts,
  }));
  const comuneWide: RelazioneSection = {
    kind: "ente",
    code: "ENTE",
    name: COMUNE_WIDE_TITLE,
    head: null,
    objectives: ev.comuneWide.objectives.map(objective),
    percent: ev.comuneWide.score.percent,
    points: ev.comuneWide.score.points,
    maxPoints: ev.comuneWide.score.maxPoints,
    scoreState: ev.comuneWide.score.state,
    explanation: ev.comuneWide.score.explanation,
    counts: ev.comuneWide.counts,
  };

  return {
    kind: opts.monitoring ? "monitoraggio" : "relazione",
    year,
    entity: ev.plan.entity,
    asOf: opts.asOf,
    generatedAt: opts.now,
    configLabel: configLabel(ev.config, year),
    maxPoints: ev.config.config.maxPoints,
    sections,
    comuneWide,
    heads: ev.heads,
    overall: ev.overall,
    monitoring: opts.monitoring ? monitoringOf(ev, [...sections, comuneWide], opts.dueWithinDays ?? 30) : null,
  };
}


function achievedText(a: ActivityEval): string {
  const s = a.state;
  const euro = /euro|€/i.test(`${a.unit ?? ""} ${a.targetText}`);
  switch (a.targetKind) {
    case "percentage":
      if (s.percent != null) return itPercent(s.percent, 2);
      break;
    case "count":
      if (s.count != null) return itNumber(s.count);
      break;
    case "amount":
      if (s.achievedValue != null) return euro ? itEuro(s.achievedValue) : itNumber(s.achievedValue);
      break;
    case "boolean":
      if (s.achievedValue != null) return s.achievedValue >= 1 ? "Sì" : "No";
      break;
    case "upper_bound":
      if (s.achievedValue != null) return `${itNumber(s.achievedValue)}${a.unit ? ` ${a.unit}` : ""}`;
      break;
  }
  if (s.status === "completata") return s.completedOn ? `completata il ${itDate(s.completedOn)}` : "completata";
  if (s.status === "bloccata") return "bloccata";
  if (s.status === "in_corso") return s.percent != null ? `in corso (${itPercent(s.percent, 0)})` : "in corso";
  return "nessun dato";
}

// ---------------------------------------------------------------- monitoring

const NOT_STARTED = new Set([null, "non_iniziata"]);

function monitoringOf(ev: PlanEvaluation, sections: RelazioneSection[], dueWithinDays: number): Monitoring {
  const asOf = ev.asOf;
  const ctx = { planYear: ev.plan.year, asOf, config: ev.config.config };
  const atRisk: AtRiskItem[] = [];
  const bySection = new Map<string, { code: string; name: string }>();
  for (const s of sections) bySection.set(s.code, { code: s.code, name: s.kind === "ente" ? "Ente" : s.name });
  const evalSections = [...ev.areas.map((a) => ({ code: a.code, objectives: a.objectives })), { code: "ENTE", objectives: ev.comuneWide.objectives }];
  const relByCode = new Map<string, RelazioneActivity>();
  for (const s of sections) for (const o of s.objectives) for (const a of o.activities) relByCode.set(a.code, a);

  for (const s of evalSections) {
    for (const o of s.objectives) {
      for (const a of o.activities) {
        if (a.state.status === "completata") continue;
        const rel = relByCode.get(a.code)!;
        const reasons: string[] = [];
        const proposals: string[] = [];
        const kinds: AtRiskItem["kinds"] = [];
        const status = rel.statusLabel;
        const newDate = rel.deviation?.newExpectedDate ?? null;
        const proposeDate = () =>
          newDate
            ? `Proporre nuova scadenza al ${itDate(newDate)} (data indicata nella spiegazione del ritardo${rel.deviation?.by ? ` da ${rel.deviation.by.label}` : ""})`
            : `Proporre nuova scadenza: chiedere al responsabile una data realistica${rel.deviation?.cause ? "" : " e la causa del ritardo"}`;

        if (a.overdue) {
          kinds.push("scaduta");
          reasons.push(`Scaduta il ${itDate(a.deadline!)} (${itDays(a.daysLate)} di ritardo), stato: ${status}`);
          proposals.push(proposeDate());
        } else if (a.deadline && NOT_STARTED.has(a.state.status)) {
          const left = daysBetween(asOf, a.deadline);
          if (left >= 0 && left <= dueWithinDays) {
            kinds.push("in_scadenza");
            reasons.push(`Scade il ${itDate(a.deadline)} (${left === 0 ? "oggi" : `tra ${itDays(left)}`}) e non è iniziata`);
            proposals.push(newDate ? proposeDate() : "Avviare subito l'attività, o proporre una nuova scadenza");
          }
        }
        if (a.state.status === "bloccata") {
          kinds.push("bloccata");
          reasons.push(`Bloccata${a.state.blockedReason ? `: ${a.state.blockedReason}` : ""}`);
          proposals.push("Valutare variazione dell'obiettivo (da approvare in Giunta)");
        }
        const pace = behindPace(a, ctx);
        if (pace) {
          kinds.push("sotto_ritmo");
          reasons.push(pace.reason);
          proposals.push(pace.proposal);
        }
        if (!kinds.length) continue;
        const sec = bySection.get(s.code)!;
        atRisk.push({
          sectionCode: sec.code,
          sectionName: sec.name,
          objectiveCode: o.code,
          code: a.code,
          title: a.title,
          deadline: a.deadline,
          statusLabel: status,
          reasons,
          proposals: [...new Set(proposals)],
          kinds,
        });
      }
    }
  }
  return { dueWithinDays, atRisk };
}

/** A count "al mese" (or per day, week, year) behind the pace its threshold implies at the date. */
function behindPace(a: ActivityEval, ctx: { planYear: number; asOf: string; config: PlanEvaluation["config"]["config"] }): { reason: string; proposal: string } | null {
  // A count with no period may all happen in December: only periods set a pace.
  if (a.targetKind !== "count" || !a.period || a.threshold == null || a.threshold <= 0) return null;
  const window = countWindow({ qualifier: a.qualifier }, ctx);
  if (!window || ctx.asOf >= window.to) return null; // past the window the year-end score says it
  const expected = a.threshold * periodsElapsed(a.period, window, ctx.asOf);
  if (expected <= 0) return null;
  const done = a.state.count ?? 0;
  if (done >= expected - 1e-9) return null;
  const total = a.threshold * periodsElapsed(a.period, window, window.to);
  return {
    reason: `Sotto il ritmo atteso: registrati ${itNumber(done)} su ${itNumber(expected, 1)} attesi al ${itDate(ctx.asOf)} (${itPercent((done / expected) * 100, 0)})`,
    proposal: `Recuperare il ritmo (ne servono ancora ${itNumber(Math.max(0, total - done), 1)} entro il ${itDate(window.to)}), o valutare variazione del valore atteso`,
  };
}
