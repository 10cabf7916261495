import { STATUS_LABELS, statusLabel } from "../domain/progress/progress.ts";
import { daysBetween, romeDay } from "../domain/calendar/days.ts";
import type { Db, Tx } from "../db/client.ts";
import {
  endOfRomeDay,
  type ActivityEval,
  type ObjectiveEval,
  type PlanEvaluation,
  type SectionCounts,
} from "../domain/scoring/evaluation.ts";
import { evaluatePlan } from "../app/evaluation.ts";
import { itDate, itDays, itEuro, itNumber, itPercent } from "../domain/text/italian.ts";
import {
  countWindow,
  periodsElapsed,
  RULE_LABELS,
  SCORE_STATE_LABELS,
  type HeadLine,
  type ScoreState,
} from "../domain/scoring/scoring.ts";
import { configLabel } from "../domain/scoring/config.ts";
import { delayCauseLabel } from "../domain/delays/delays.ts";
import { loadRelazioneRecords } from "../store/relazione.ts";
import { fieldLabel, valueText } from "../domain/plan/variation-diff.ts";
import { listVariations, type VariationRecord } from "../store/variations.ts";
import { actsText, entryDelayDays, evidenceRuleFor, lacksEvidence } from "../domain/validation/evidence.ts";
import type { Outcome } from "../domain/validation/input.ts";

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

/** A report entered long after the date it claims (SMVP lateEntryDays). */
export interface LateEntry {
  occurredOn: string;
  enteredAt: Date;
  days: number;
  by: Person;
}

/** The counts behind a percentage: 45 of 47, from the protocol register. */
export interface PercentCounts {
  numerator: number;
  denominator: number;
  source: string | null;
}

/** The Nucleo di Valutazione's finding on the activity (from its sample check). */
export interface NucleoFinding {
  outcome: Outcome;
  note: string | null;
  by: Person;
  at: Date;
}

export interface RelazioneActivity {
  code: string;
  printedCode: string;
  title: string;
  indicator: string;
  indicatorIndex: string | null;
  targetText: string;
  targetKind: string;
  /** The deadline in force on the data date. */
  deadline: string | null;
  deadlineSource: "piano" | "manuale" | "variazione" | null;
  /** Since when the definition shown is in force; the act when a variation set it. */
  validFrom: string;
  act: string | null;
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
  /** Completed, its indicator needs evidence and it has none the SMVP accepts: "senza evidenza". */
  withoutEvidence: boolean;
  /** What the missing evidence should be ("determina, delibera, protocollo o link"). */
  evidenceExpected: string | null;
  lateEntries: LateEntry[];
  counts: PercentCounts | null;
  finding: NucleoFinding | null;
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

/** One field changed by a variation in force by the data date; a removal has field "stralcio". */
export interface RelazioneVariation {
  code: string;
  entityType: "activity" | "objective";
  field: string;
  /** Italian name of the field («scadenza», «valore atteso», «stralcio»…). */
  fieldLabel: string;
  from: unknown;
  to: unknown;
  /** The values as a reader reads them (dates GG/MM/AAAA, targets by their text). */
  fromText: string;
  toText: string;
  act: string;
  validFrom: string;
  reason: string;
}

export interface RelazioneRules {
  label: string;
  version: number | null;
  validFrom: string | null;
  act: string | null;
  createdAt: Date | null;
  /** Set when the version in force was created after the end of the period it scores. */
  warning: string | null;
}

export interface Relazione {
  kind: "relazione" | "monitoraggio";
  year: number;
  entity: string;
  /** The data date ("dati al"): what was known and in force on that day. */
  asOf: string;
  /** The real time the document was made ("generato il"); the only value that changes between runs. */
  generatedAt: Date;
  configLabel: string;
  rules: RelazioneRules;
  /** The adopted plan: its act (if recorded) and the day it applies from. */
  adopted: { act: string | null; validFrom: string };
  variations: RelazioneVariation[];
  maxPoints: number;
  sections: RelazioneSection[];
  comuneWide: RelazioneSection;
  heads: HeadLine[];
  overall: { percent: number | null; explanation: string; counts: SectionCounts };
  monitoring: Monitoring | null;
  /** Days after its claimed date from which a report counts as a late entry. */
  lateEntryDays: number;
  /** Every finding the Nucleo recorded for the year, in code order of the plan. */
  findings: (NucleoFinding & { code: string; title: string })[];
}

export interface BuildOptions {
  year?: number;
  /** The data date. */
  asOf: string;
  /** The real clock's time, for "generato il" only (the data date moves with --oggi, this never). */
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
  const { evidenceRows, delays, users, liveReports, findingRows } = await loadRelazioneRecords(db, year, cutoff);
  const lateEntryDays = ev.config.config.lateEntryDays;
  const evidenceRules = ev.config.config.evidence;
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
    const by =
      r.enteredBy && r.enteredBy !== r.userId
        ? { id: r.userId, label: `registrato da ${person(r.enteredBy).label} per ${person(r.userId).label}` }
        : person(r.userId);
    list.push({ text, by, at: r.createdAt, occurredOn: r.occurredOn });
    evidenceByCode.set(r.activityCode, list);
  }
  const lateByCode = new Map<string, LateEntry[]>();
  const countsByCode = new Map<string, PercentCounts | null>();
  for (const r of liveReports) {
    const days = entryDelayDays(r.occurredOn, romeDay(r.createdAt));
    if (days > lateEntryDays) {
      const list = lateByCode.get(r.activityCode) ?? [];
      list.push({ occurredOn: r.occurredOn, enteredAt: r.createdAt, days, by: person(r.enteredBy ?? r.userId) });
      lateByCode.set(r.activityCode, list);
    }
    // The latest percentage decides; one given without counts clears older counts.
    if (r.kind === "percent") {
      countsByCode.set(
        r.activityCode,
        r.numerator != null && r.denominator != null
          ? { numerator: r.numerator, denominator: r.denominator, source: r.valueSource }
          : null,
      );
    }
  }
  const findingByCode = new Map<string, NucleoFinding>();
  for (const f of findingRows)
    findingByCode.set(f.activityCode, {
      outcome: f.outcome as Outcome,
      note: f.note,
      by: person(f.recordedBy),
      at: f.recordedAt,
    });
  // Latest explanation per activity wins: the rows are oldest first.
  const delayByCode = new Map(delays.map((d) => [d.activityCode, d]));

  const activity = (a: ActivityEval): RelazioneActivity => {
    const d = delayByCode.get(a.code);
    const withoutEvidence = lacksEvidence(evidenceRules, a.targetKind, a.state.status, a.evidence);
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
      validFrom: a.validFrom,
      act: a.act,
      status: a.state.status,
      statusLabel: a.state.status ? statusLabel(a.state.status) : STATUS_LABELS.non_iniziata,
      achieved: achievedText(a, countsByCode.get(a.code) ?? null),
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
      withoutEvidence,
      evidenceExpected: withoutEvidence ? actsText(evidenceRuleFor(evidenceRules, a.targetKind)!.acts) : null,
      lateEntries: lateByCode.get(a.code) ?? [],
      counts: countsByCode.get(a.code) ?? null,
      finding: findingByCode.get(a.code) ?? null,
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
    rules: rulesOf(ev, opts.monitoring ? opts.asOf : minDay(opts.asOf, `${year}-12-31`)),
    adopted: ev.adopted,
    variations: variationsOf(await listVariations(db, year), opts.asOf),
    maxPoints: ev.config.config.maxPoints,
    sections,
    comuneWide,
    heads: ev.heads,
    overall: ev.overall,
    monitoring: opts.monitoring ? monitoringOf(ev, [...sections, comuneWide], opts.dueWithinDays ?? 30) : null,
    lateEntryDays,
    findings: [...sections, comuneWide].flatMap((sec) =>
      sec.objectives.flatMap((o) =>
        o.activities.flatMap((a) => (a.finding ? [{ ...a.finding, code: a.code, title: a.title }] : [])),
      ),
    ),
  };
}

const minDay = (a: string, b: string) => (a < b ? a : b);

function rulesOf(ev: PlanEvaluation, periodEnd: string): RelazioneRules {
  const c = ev.config;
  const createdOn = c.createdAt ? romeDay(c.createdAt) : null;
  return {
    label: configLabel(c, ev.plan.year),
    version: c.version,
    validFrom: c.validFrom,
    act: c.act,
    createdAt: c.createdAt,
    warning:
      createdOn && createdOn > periodEnd
        ? `Attenzione: la ${configLabel(c, ev.plan.year)} è stata creata il ${itDate(createdOn)}, dopo la fine del periodo valutato (${itDate(periodEnd)}).`
        : null,
  };
}

/** The changes in force by the data date, in the order they took effect; one row per field. */
export function variationsOf(list: readonly VariationRecord[], asOf: string): RelazioneVariation[] {
  const out: RelazioneVariation[] = [];
  for (const v of list) {
    if (v.validFrom > asOf) continue;
    for (const c of v.changes) {
      const removal = c.field === "exists" && c.to === false;
      const addition = c.field === "exists" && c.to === true;
      const field = removal ? "stralcio" : addition ? "aggiunta" : c.field;
      out.push({
        code: c.code,
        entityType: c.entityType,
        field,
        fieldLabel: addition ? "aggiunta" : fieldLabel(c.entityType, removal ? "stralcio" : c.field),
        from: c.field === "exists" ? null : c.from,
        to: c.field === "exists" ? null : c.to,
        fromText: removal ? "in vigore" : addition ? "—" : valueText(c.field, c.from),
        toText: removal
          ? c.entityType === "objective"
            ? "stralciato"
            : "stralciata"
          : addition
            ? "aggiunta"
            : valueText(c.field, c.to),
        act: v.act,
        validFrom: v.validFrom,
        reason: v.reason,
      });
    }
  }
  return out;
}

function achievedText(a: ActivityEval, counts: PercentCounts | null): string {
  const s = a.state;
  const euro = /euro|€/i.test(`${a.unit ?? ""} ${a.targetText}`);
  switch (a.targetKind) {
    case "percentage":
      if (s.percent != null)
        return counts ? `${itPercent(s.percent, 2)} (${countsText(counts)})` : itPercent(s.percent, 2);
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

/** "45 su 47, fonte: protocollo" */
export function countsText(c: PercentCounts): string {
  return `${itNumber(c.numerator, 0)} su ${itNumber(c.denominator, 0)}${c.source ? `, fonte: ${c.source}` : ""}`;
}

/** What the Nucleo should know about an activity beyond its score: missing evidence, late entries, its finding. */
export function validationFlags(a: RelazioneActivity, lateEntryDays: number): string[] {
  const flags: string[] = [];
  if (a.withoutEvidence) flags.push(`senza evidenza (richiesta: ${a.evidenceExpected})`);
  for (const l of a.lateEntries) {
    flags.push(
      `inserimento tardivo: dato del ${itDate(l.occurredOn)} inserito il ${itDate(romeDay(l.enteredAt))} da ${l.by.label} (${itDays(l.days)} dopo, oltre ${itDays(lateEntryDays)})`,
    );
  }
  if (a.finding)
    flags.push(
      `esito del Nucleo: ${a.finding.outcome}${a.finding.note ? ` («${a.finding.note}»)` : ""} (${a.finding.by.label}, ${itDate(romeDay(a.finding.at))})`,
    );
  return flags;
}

// ---------------------------------------------------------------- monitoring

const NOT_STARTED = new Set([null, "non_iniziata"]);

function monitoringOf(ev: PlanEvaluation, sections: RelazioneSection[], dueWithinDays: number): Monitoring {
  const asOf = ev.asOf;
  const ctx = { planYear: ev.plan.year, asOf, config: ev.config.config };
  const atRisk: AtRiskItem[] = [];
  const bySection = new Map<string, { code: string; name: string }>();
  for (const s of sections) bySection.set(s.code, { code: s.code, name: s.kind === "ente" ? "Ente" : s.name });
  const evalSections = [
    ...ev.areas.map((a) => ({ code: a.code, objectives: a.objectives })),
    { code: "ENTE", objectives: ev.comuneWide.objectives },
  ];
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
            reasons.push(
              `Scade il ${itDate(a.deadline)} (${left === 0 ? "oggi" : `tra ${itDays(left)}`}) e non è iniziata`,
            );
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
function behindPace(
  a: ActivityEval,
  ctx: { planYear: number; asOf: string; config: PlanEvaluation["config"]["config"] },
): { reason: string; proposal: string } | null {
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
