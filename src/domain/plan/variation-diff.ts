import type { ActivityDefinition, ChangeField, EntityType, ObjectiveDefinition, TargetDefinition } from "./in-force.ts";

/**
 * What a revised plan document changes, field by field, keyed by CODE (never by position:
 * removing one row must not make the ones after it look changed). Pure.
 */

export interface FieldChange {
  entityType: EntityType;
  code: string;
  field: ChangeField;
  from: unknown;
  to: unknown;
}

/** The revised document's definitions, in the rule's shape. */
export interface RevisedPlan {
  objectives: ObjectiveDefinition[];
  activities: ActivityDefinition[];
}

export interface CurrentPlan {
  /** In force on the variation's date. */
  objectives: ObjectiveDefinition[];
  activities: ActivityDefinition[];
  /** Every definition stored for the year (also not in force on that date), by code. */
  storedObjectives: Map<string, ObjectiveDefinition>;
  storedActivities: Map<string, ActivityDefinition>;
}

export interface PlanDiff {
  changes: FieldChange[];
  /** Codes the database has never seen: rows to create (they exist from the variation on). */
  newObjectives: string[];
  newActivities: string[];
  added: string[];
  removed: string[];
  changed: string[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

const normTarget = (t: TargetDefinition): TargetDefinition => ({
  text: t.text,
  kind: t.kind,
  threshold: t.threshold,
  comparator: t.comparator,
  period: t.period,
  unit: t.unit,
  qualifier: t.qualifier,
  needsManualDate: t.needsManualDate,
});

function activityFields(a: ActivityDefinition): [ChangeField, unknown][] {
  return [
    ["title", a.title],
    ["description", a.description],
    ["indicator", { name: a.indicator.name, index: a.indicator.index }],
    ["target", normTarget(a.target)],
    ["deadline", a.deadline],
    ["objective", a.objectiveCode],
  ];
}

function objectiveFields(o: ObjectiveDefinition): [ChangeField, unknown][] {
  return [
    ["title", o.title],
    ["weight", o.weight],
    ["area", o.areaCode],
  ];
}

function fieldDiff(
  entityType: EntityType,
  code: string,
  before: [ChangeField, unknown][],
  after: [ChangeField, unknown][],
): FieldChange[] {
  const out: FieldChange[] = [];
  for (let i = 0; i < before.length; i++) {
    const [field, from] = before[i]!;
    const to = after[i]![1];
    if (!same(from, to)) out.push({ entityType, code, field, from, to });
  }
  return out;
}

export function diffPlan(current: CurrentPlan, revised: RevisedPlan): PlanDiff {
  const changes: FieldChange[] = [];
  const newObjectives: string[] = [];
  const newActivities: string[] = [];
  const added = new Set<string>();
  const removed = new Set<string>();
  const changed = new Set<string>();

  const objNow = new Map(current.objectives.map((o) => [o.code, o]));
  const objNext = new Map(revised.objectives.map((o) => [o.code, o]));
  for (const o of revised.objectives) {
    const now = objNow.get(o.code);
    if (now) {
      const d = fieldDiff("objective", o.code, objectiveFields(now), objectiveFields(o));
      if (d.length) changed.add(o.code);
      changes.push(...d);
      continue;
    }
    added.add(o.code);
    const stored = current.storedObjectives.get(o.code);
    changes.push({ entityType: "objective", code: o.code, field: "exists", from: false, to: true });
    if (stored) changes.push(...fieldDiff("objective", o.code, objectiveFields(stored), objectiveFields(o)));
    else newObjectives.push(o.code);
  }
  for (const o of current.objectives) {
    if (!objNext.has(o.code)) {
      removed.add(o.code);
      changes.push({ entityType: "objective", code: o.code, field: "exists", from: true, to: false });
    }
  }

  const actNow = new Map(current.activities.map((a) => [a.code, a]));
  const actNext = new Map(revised.activities.map((a) => [a.code, a]));
  for (const a of revised.activities) {
    const now = actNow.get(a.code);
    if (now) {
      const d = fieldDiff("activity", a.code, activityFields(now), activityFields(a));
      if (d.length) changed.add(a.code);
      changes.push(...d);
      continue;
    }
    added.add(a.code);
    const stored = current.storedActivities.get(a.code);
    changes.push({ entityType: "activity", code: a.code, field: "exists", from: false, to: true });
    if (stored) changes.push(...fieldDiff("activity", a.code, activityFields(stored), activityFields(a)));
    else newActivities.push(a.code);
  }
  for (const a of current.activities) {
    if (!actNext.has(a.code)) {
      removed.add(a.code);
      changes.push({ entityType: "activity", code: a.code, field: "exists", from: true, to: false });
    }
  }
  return { changes, newObjectives, newActivities, added: [...added], removed: [...removed], changed: [...changed] };
}

/** The Italian name of a field, as the diff, the Relazione and the channel message print it. */
export function fieldLabel(entityType: EntityType, field: ChangeField | "stralcio"): string {
  switch (field) {
    case "exists":
      return "esistenza";
    case "stralcio":
      return "stralcio";
    case "title":
      return entityType === "objective" ? "titolo obiettivo" : "titolo";
    case "description":
      return "descrizione";
    case "indicator":
      return "indicatore";
    case "target":
      return "valore atteso";
    case "deadline":
      return "scadenza";
    case "weight":
      return entityType === "objective" ? "peso" : "peso della fase";
    case "objective":
      return "obiettivo";
    case "area":
      return "area";
  }
}

const isoToIt = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/** A value as a person reads it: dates as GG/MM/AAAA, targets by their text. */
export function valueText(field: ChangeField, v: unknown): string {
  if (v === null || v === undefined) return "—";
  switch (field) {
    case "exists":
      return v ? "presente" : "assente";
    case "deadline":
      return typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) ? isoToIt(v) : String(v);
    case "target":
      return (v as TargetDefinition).text;
    case "indicator": {
      const i = v as { name: string; index: string | null };
      return i.index ? `${i.name} (${i.index})` : i.name;
    }
    case "weight":
      return `${String(v).replace(".", ",")}%`;
    default:
      return String(v);
  }
}

/** One line per change, e.g. "3.1.4 scadenza 15/09/2024 → 31/12/2024", "1.3.3 stralciata". */
export function changeLine(c: FieldChange): string {
  if (c.field === "exists") {
    if (c.entityType === "objective") return `${c.code} obiettivo ${c.to ? "aggiunto" : "stralciato"}`;
    return `${c.code} ${c.to ? "attività aggiunta" : "stralciata"}`;
  }
  return `${c.code} ${fieldLabel(c.entityType, c.field)} ${valueText(c.field, c.from)} → ${valueText(c.field, c.to)}`;
}
