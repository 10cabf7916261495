import { romeDay } from "../calendar/days.ts";
import { itDate, itDateTime, itNumber } from "../text/italian.ts";
import { runChecks, personLabel, type CheckResult } from "./checks.ts";
import { entryDelayDays, lacksEvidence } from "./evidence.ts";
import type { FindingRecord, Outcome, ValidationInput } from "./input.ts";
import { validationDocument, type ValidationDocument } from "./document.ts";
import { drawSample } from "./sample.ts";

/** The validation pack as one model: checklist, data register, sample and draft document. */

export interface RegistroRow {
  id: number;
  code: string;
  kind: string;
  status: string | null;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  /** Where the counts come from («fonte»). */
  source: string | null;
  /** The date the report claims (ISO day). */
  claimedDate: string;
  /** When it was entered (ISO instant). */
  enteredAt: string;
  /** Who typed it. */
  author: string;
  authorLabel: string;
  /** Whose fact it is, when typed on someone's behalf; null when the author reported his own. */
  onBehalfOf: string | null;
  onBehalfOfLabel: string | null;
  /** slack_command | slack_modal | slack_button | console | cli */
  channel: string;
  evidence: string | null;
  note: string | null;
  undone: boolean;
  undoneAt: string | null;
  undoneBy: string | null;
  /** Days between the claimed date and the day of entry. */
  entryDelayDays: number;
  late: boolean;
}

export interface SampleItem {
  code: string;
  title: string;
  areaCode: string | null;
  completedOn: string | null;
  evidence: string[];
  withoutEvidence: boolean;
  outcome: Outcome | null;
  note: string | null;
  recordedBy: string | null;
  recordedAt: string | null;
}

export interface FindingView {
  code: string;
  title: string | null;
  outcome: Outcome;
  note: string | null;
  recordedBy: string;
  recordedByLabel: string;
  recordedAt: string;
  origin: string;
}

export interface ValidationPack {
  year: number;
  entity: string;
  asOf: string;
  periodEnd: string;
  generatedAt: string;
  lateEntryDays: number;
  rules: {
    version: number | null;
    createdAt: string | null;
    createdBy: string | null;
    validFrom: string | null;
    act: string | null;
  };
  seed: string;
  sampleSize: number;
  /** How many completed activities the sample was drawn from. */
  population: number;
  checks: CheckResult[];
  registro: RegistroRow[];
  sample: SampleItem[];
  findings: FindingView[];
  document: ValidationDocument;
}

export interface SampleOptions {
  size: number;
  seed: string;
  /** Codes of a sample drawn earlier to show instead of drawing (App Home). */
  codes?: readonly string[];
}

export function completedCodes(input: ValidationInput): string[] {
  return input.activities.filter((a) => a.status === "completata").map((a) => a.code);
}

export function buildValidationPack(input: ValidationInput, opts: SampleOptions): ValidationPack {
  const checks = runChecks(input);
  const person = (id: string | null) => personLabel(input.names, id);
  const registro: RegistroRow[] = [...input.reports]
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id)
    .map((r) => {
      const delay = entryDelayDays(r.occurredOn, romeDay(r.createdAt));
      const author = r.enteredBy ?? r.userId;
      return {
        id: r.id,
        code: r.code,
        kind: r.kind,
        status: r.status,
        value: r.value,
        numerator: r.numerator,
        denominator: r.denominator,
        source: r.valueSource,
        claimedDate: r.occurredOn,
        enteredAt: r.createdAt.toISOString(),
        author,
        authorLabel: person(author),
        onBehalfOf: r.enteredBy ? r.userId : null,
        onBehalfOfLabel: r.enteredBy ? person(r.userId) : null,
        channel: r.source,
        evidence: r.evidence,
        note: r.note,
        undone: r.undoneAt !== null,
        undoneAt: r.undoneAt ? r.undoneAt.toISOString() : null,
        undoneBy: r.undoneBy,
        entryDelayDays: delay,
        late: delay > input.lateEntryDays,
      };
    });

  const byCode = new Map(input.activities.map((a) => [a.code, a]));
  const findingByCode = new Map<string, FindingRecord>(input.findings.map((f) => [f.code, f]));
  const population = completedCodes(input);
  const codes = opts.codes ? [...opts.codes] : drawSample(population, opts.size, opts.seed);
  const sample: SampleItem[] = codes.map((code) => {
    const a = byCode.get(code);
    const f = findingByCode.get(code);
    return {
      code,
      title: a?.title ?? "(attività non più nel piano)",
      areaCode: a?.areaCode ?? null,
      completedOn: a?.completedOn ?? null,
      evidence: a?.evidence ?? [],
      withoutEvidence: a ? lacksEvidence(input.evidenceRules, a.targetKind, a.status, a.evidence) : false,
      outcome: f?.outcome ?? null,
      note: f?.note ?? null,
      recordedBy: f?.recordedBy ?? null,
      recordedAt: f ? f.recordedAt.toISOString() : null,
    };
  });
  const findings: FindingView[] = [...input.findings]
    .sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime())
    .map((f) => ({
      code: f.code,
      title: byCode.get(f.code)?.title ?? null,
      outcome: f.outcome,
      note: f.note,
      recordedBy: f.recordedBy,
      recordedByLabel: person(f.recordedBy),
      recordedAt: f.recordedAt.toISOString(),
      origin: f.origin,
    }));
  const r = input.rules;
  const pack: Omit<ValidationPack, "document"> = {
    year: input.year,
    entity: input.entity,
    asOf: input.asOf,
    periodEnd: input.periodEnd,
    generatedAt: input.generatedAt.toISOString(),
    lateEntryDays: input.lateEntryDays,
    rules: {
      version: r.version,
      createdAt: r.createdAt?.toISOString() ?? null,
      createdBy: r.createdBy,
      validFrom: r.validFrom,
      act: r.act,
    },
    seed: opts.seed,
    sampleSize: codes.length,
    population: population.length,
    checks,
    registro,
    sample,
    findings,
  };
  return { ...pack, document: validationDocument(pack, input) };
}

export const OUTCOME_LABELS: Record<Outcome, string> = {
  conforme: "Conforme",
  "non conforme": "Non conforme",
  nota: "Nota",
};

export function registroValueText(r: RegistroRow): string {
  if (r.numerator !== null && r.denominator !== null)
    return `${r.numerator}/${r.denominator}${r.value !== null ? ` = ${itNumber(r.value, 1)}%` : ""}`;
  if (r.kind === "percent" && r.value !== null) return `${itNumber(r.value, 2)}%`;
  if (r.value !== null) return itNumber(r.value, 2);
  return r.status ?? "—";
}

export function instantText(iso: string | null): string {
  return iso ? itDateTime(new Date(iso)) : "—";
}

export function dayText(iso: string | null): string {
  return iso ? itDate(iso) : "—";
}
