import type { ParsedPlan, PlanActivity, PlanArea, PlanObjective } from "../../plan-import/parse-piao.ts";

/**
 * What a new version of the plan changes against the one in force, keyed by code:
 * added, changed field by field, removed. Pure; the order of rows is not a change.
 */

export interface FieldChange {
  field: string;
  /** Italian name of the field, for the reader. */
  label: string;
  before: string;
  after: string;
}

export interface EntityChange {
  code: string;
  changes: FieldChange[];
}

export interface SectionDiff {
  added: string[];
  changed: EntityChange[];
  removed: string[];
}

export interface PlanDiff {
  /** The entity's name changed (a plan of another Comune for the same year?). */
  entity: FieldChange | null;
  areas: SectionDiff;
  objectives: SectionDiff;
  activities: SectionDiff;
  /** Nothing differs. */
  unchanged: boolean;
}

type Shown = string | number | boolean | null | undefined | readonly string[];

interface Field<T> {
  field: string;
  label: string;
  value: (x: T) => Shown;
}

const AREA_FIELDS: Field<PlanArea>[] = [
  { field: "name", label: "nome", value: (a) => a.name },
  { field: "head", label: "responsabile", value: (a) => a.head },
];

const OBJECTIVE_FIELDS: Field<PlanObjective>[] = [
  { field: "areaCode", label: "area", value: (o) => o.areaCode ?? "ente" },
  { field: "title", label: "titolo", value: (o) => o.title },
  { field: "description", label: "descrizione", value: (o) => o.description },
  { field: "publicValue", label: "valore pubblico", value: (o) => o.publicValue },
  { field: "weight", label: "peso", value: (o) => o.weight },
];

const ACTIVITY_FIELDS: Field<PlanActivity>[] = [
  { field: "objectiveCode", label: "obiettivo", value: (a) => a.objectiveCode },
  { field: "printedCode", label: "codice stampato", value: (a) => a.printedCode },
  { field: "title", label: "titolo", value: (a) => a.title },
  { field: "description", label: "descrizione", value: (a) => a.description },
  { field: "indicatorName", label: "indicatore", value: (a) => a.indicatorName },
  { field: "indicatorIndex", label: "indice", value: (a) => a.indicatorIndex },
  { field: "targetText", label: "valore atteso", value: (a) => a.targetText },
  { field: "targetKind", label: "tipo di indicatore", value: (a) => a.target.kind },
  { field: "deadline", label: "scadenza", value: (a) => a.target.deadline },
  { field: "weight", label: "peso", value: (a) => a.weight ?? null },
  { field: "involved", label: "personale coinvolto", value: (a) => a.involved },
  { field: "involvesAllAreas", label: "tutte le aree", value: (a) => a.involvesAllAreas },
  { field: "involvedAreaCodes", label: "aree coinvolte", value: (a) => a.involvedAreaCodes },
];

function shown(v: Shown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "boolean") return v ? "sì" : "no";
  if (Array.isArray(v)) return v.join(", ");
  return String(v);
}

function diffSection<T extends { code: string }>(
  before: readonly T[],
  after: readonly T[],
  fields: Field<T>[],
): SectionDiff {
  const old = new Map(before.map((x) => [x.code, x]));
  const now = new Map(after.map((x) => [x.code, x]));
  const added = after.filter((x) => !old.has(x.code)).map((x) => x.code);
  const removed = before.filter((x) => !now.has(x.code)).map((x) => x.code);
  const changed: EntityChange[] = [];
  for (const x of after) {
    const o = old.get(x.code);
    if (!o) continue;
    const changes = fields
      .map((f) => ({ field: f.field, label: f.label, before: shown(f.value(o)), after: shown(f.value(x)) }))
      .filter((c) => c.before !== c.after);
    if (changes.length) changed.push({ code: x.code, changes });
  }
  return { added, changed, removed };
}

const empty = (s: SectionDiff) => !s.added.length && !s.changed.length && !s.removed.length;

export function diffPlans(before: ParsedPlan, after: ParsedPlan): PlanDiff {
  const entity =
    before.entity !== after.entity
      ? { field: "entity", label: "ente", before: before.entity, after: after.entity }
      : null;
  const areas = diffSection(before.areas, after.areas, AREA_FIELDS);
  const objectives = diffSection(before.objectives, after.objectives, OBJECTIVE_FIELDS);
  const activities = diffSection(before.activities, after.activities, ACTIVITY_FIELDS);
  return {
    entity,
    areas,
    objectives,
    activities,
    unchanged: !entity && empty(areas) && empty(objectives) && empty(activities),
  };
}
