import { daysBetween } from "../calendar/days.ts";

/**
 * What an evidence text is (a determina, a delibera, a protocol number, a link...) and
 * whether an activity's evidence satisfies the SMVP rule for its indicator kind. Pure.
 */

export const ACT_KINDS = ["determina", "delibera", "decreto", "ordinanza", "protocollo", "link", "altro"] as const;
export type ActKind = (typeof ACT_KINDS)[number];

export const ACT_LABELS: Record<ActKind, string> = {
  determina: "determina",
  delibera: "delibera",
  decreto: "decreto",
  ordinanza: "ordinanza",
  protocollo: "protocollo",
  link: "link",
  altro: "altro documento",
};

/** The indicator kinds of the plan model (Activity.targetKind). */
export const TARGET_KINDS = ["deadline", "percentage", "count", "boolean", "amount", "upper_bound", "text"] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export interface EvidenceRule {
  /** A completion needs evidence. */
  required: boolean;
  /** The kinds of act that count as evidence. */
  acts: readonly ActKind[];
  /** A completion without evidence still scores (flagged "senza evidenza"); false: it scores 0. */
  scoresWithout: boolean;
}

/** The rules per indicator kind, as the SMVP configuration holds them. */
export type EvidenceRules = Partial<Record<TargetKind, EvidenceRule>>;

// Order matters: a link naming a "delibera" is a link.
const PATTERNS: [ActKind, RegExp][] = [
  ["link", /\bhttps?:\/\/\S+|\bwww\.\S+\.\S+/i],
  ["determina", /\bdet(?:\.|ermin\w*)/i],
  ["delibera", /\bdel(?:\.|ib\w*)|\bd\.?\s?[gc]\.?\s?c\b|\b[gc]\.\s?c\./i],
  ["decreto", /\bdecr(?:\.|et\w*)/i],
  ["ordinanza", /\bord(?:\.|inanz\w*)/i],
  ["protocollo", /\bprot(?:\.|ocoll\w*|\s*n\b|\s*\d)/i],
];

/** The kind of act an evidence text names; "altro" for any other non-empty text, null for none. */
export function classifyEvidence(text: string | null | undefined): ActKind | null {
  const t = text?.trim();
  if (!t) return null;
  for (const [kind, re] of PATTERNS) if (re.test(t)) return kind;
  return "altro";
}

export function evidenceRuleFor(rules: EvidenceRules, targetKind: string): EvidenceRule | null {
  const rule = (rules as Record<string, EvidenceRule | undefined>)[targetKind];
  return rule?.required ? rule : null;
}

/** True when at least one of the texts is an act the rule accepts. */
export function satisfiesRule(rule: EvidenceRule, texts: readonly (string | null | undefined)[]): boolean {
  return texts.some((t) => {
    const kind = classifyEvidence(t);
    return kind !== null && rule.acts.includes(kind);
  });
}

/** A completed activity whose indicator needs evidence and has none the rule accepts. */
export function lacksEvidence(
  rules: EvidenceRules,
  targetKind: string,
  status: string | null,
  texts: readonly (string | null | undefined)[],
): boolean {
  if (status !== "completata") return false;
  const rule = evidenceRuleFor(rules, targetKind);
  return rule !== null && !satisfiesRule(rule, texts);
}

/** "determina, delibera, protocollo o link" */
export function actsText(acts: readonly ActKind[]): string {
  const labels = acts.map((a) => ACT_LABELS[a]);
  return labels.length <= 1 ? (labels[0] ?? "") : `${labels.slice(0, -1).join(", ")} o ${labels.at(-1)}`;
}

/** Days between the date a report claims and the Rome day it was entered (0 when entered the same day or before). */
export function entryDelayDays(occurredOn: string, enteredOnDay: string): number {
  return Math.max(0, daysBetween(occurredOn, enteredOnDay));
}

/** A report entered more than `lateEntryDays` after the date it claims. */
export function isLateEntry(occurredOn: string, enteredOnDay: string, lateEntryDays: number): boolean {
  return entryDelayDays(occurredOn, enteredOnDay) > lateEntryDays;
}
