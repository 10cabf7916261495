import type { EvidenceRules } from "./evidence.ts";

/**
 * Everything the validation pack reads, as plain data: the store fills it from the
 * database (activities scored at the date, every report, hand-set deadlines, the SMVP
 * version in force, the adopted plan and what was removed from it, the Nucleo's findings).
 * The checks, the sample and the draft document are pure functions of it.
 */

export interface ValidationActivity {
  code: string;
  title: string;
  objectiveCode: string;
  /** null: a Comune-wide activity. */
  areaCode: string | null;
  targetKind: string;
  targetText: string;
  deadline: string | null;
  deadlineSource: "piano" | "manuale" | "variazione" | null;
  /** null: nothing recorded at the date. */
  status: string | null;
  completedOn: string | null;
  scoreState: "valutata" | "non_valutabile" | "non_scaduta";
  scoreRule: string;
  percent: number | null;
  /** Below target, overdue or blocked at the date (the Relazione's "scostamento"). */
  deviation: boolean;
  /** The delay cause recorded for it, null when none. */
  deviationCause: string | null;
  /** Evidence texts of its reports live at the date. */
  evidence: string[];
}

/** An activity of the plan as adopted, and whether (and by which act) it was removed since. */
export interface PlanActivityRecord {
  code: string;
  title: string;
  /** ISO day it left the plan; null while it is in force. */
  removedOn: string | null;
  /** The act approving its removal (variazione / stralcio); null when none is recorded. */
  removalAct: string | null;
}

export interface RegistroReport {
  id: number;
  code: string;
  kind: string;
  status: string | null;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  valueSource: string | null;
  /** The date the report claims. */
  occurredOn: string;
  createdAt: Date;
  /** Whose fact it is. */
  userId: string;
  /** Who typed it, when on someone's behalf; null = userId. */
  enteredBy: string | null;
  /** slack_command | slack_modal | slack_button | console | cli */
  source: string;
  evidence: string | null;
  note: string | null;
  undoneAt: Date | null;
  undoneBy: string | null;
}

export interface ManualDeadlineRecord {
  code: string;
  deadline: string;
  setBy: string;
  setAt: Date;
  act: string | null;
  note: string | null;
}

export interface ManualEvaluationRecord {
  code: string;
  percent: number;
  reason: string;
  setBy: string | null;
  act: string | null;
}

export interface RulesVersion {
  /** null: the shipped default (no configuration stored for the year). */
  version: number | null;
  createdAt: Date | null;
  createdBy: string | null;
  /** The date the version applies from, when the configuration records one. */
  validFrom: string | null;
  act: string | null;
}

export const OUTCOMES = ["conforme", "non conforme", "nota"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** "Non conforme", "NON CONFORME", "non-conforme", "nc" -> "non conforme"; null for anything else. */
export function parseOutcome(text: string): Outcome | null {
  const t = text
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[-_]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (t === "conforme" || t === "c" || t === "si" || t === "ok") return "conforme";
  if (t === "non conforme" || t === "nc" || t === "no" || t === "difforme") return "non conforme";
  if (t === "nota" || t === "osservazione" || t === "con nota") return "nota";
  return (OUTCOMES as readonly string[]).includes(t) ? (t as Outcome) : null;
}

/** A finding as the Nucleo gives it (Home button, note modal, filled XLSX). */
export interface FindingWrite {
  code: string;
  outcome: Outcome;
  note: string | null;
}

export interface FindingRecord {
  code: string;
  outcome: Outcome;
  note: string | null;
  recordedBy: string;
  recordedAt: Date;
  origin: string;
}

export interface ValidationInput {
  year: number;
  entity: string;
  /** Data as of this day (ISO). */
  asOf: string;
  /** The last day of the period validated (the plan year's 31 December). */
  periodEnd: string;
  generatedAt: Date;
  rules: RulesVersion;
  lateEntryDays: number;
  evidenceRules: EvidenceRules;
  activities: ValidationActivity[];
  planActivities: PlanActivityRecord[];
  /** Every report of the year entered by the date, undone ones included. */
  reports: RegistroReport[];
  manualDeadlines: ManualDeadlineRecord[];
  manualEvaluations: ManualEvaluationRecord[];
  /** The latest finding per activity code. */
  findings: FindingRecord[];
  /** Slack id -> name, for labels. */
  names: Record<string, string | null>;
}
