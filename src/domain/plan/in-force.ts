/**
 * "The definitions in force on D": the ONE rule every dated computation goes through.
 *
 * The adopted plan is stored as imported (Activity, Objective rows); each variation approved
 * by an act adds field-level changes valid from a day. On a day D a field's value is the
 * `to` of its latest change whose validFrom is not after D (ties: the later variation), else
 * the adopted value. Pure: the caller loads the few changes of the year once (one query)
 * and applies them to as many rows as it has, so no hot path queries per activity.
 */

export type EntityType = "activity" | "objective";

export const ACTIVITY_FIELDS = [
  "exists",
  "title",
  "description",
  "indicator",
  "target",
  "deadline",
  "weight",
  "objective",
] as const;
export const OBJECTIVE_FIELDS = ["exists", "title", "weight", "area"] as const;
export type ActivityField = (typeof ACTIVITY_FIELDS)[number];
export type ObjectiveField = (typeof OBJECTIVE_FIELDS)[number];
export type ChangeField = ActivityField | ObjectiveField;

/** One stored change with its variation's act, date and reason. */
export interface DatedChange {
  variationId: number;
  act: string;
  validFrom: string;
  reason: string;
  entityType: EntityType;
  code: string;
  field: ChangeField;
  from: unknown;
  to: unknown;
}

/** The target as the parser reads it: the text and its parsed form, versioned together. */
export interface TargetDefinition {
  text: string;
  kind: string;
  threshold: number | null;
  comparator: string | null;
  period: string | null;
  unit: string | null;
  qualifier: string | null;
  needsManualDate: boolean;
}

export interface IndicatorDefinition {
  name: string;
  index: string | null;
}

/** The versioned part of an activity, as adopted or as in force on a day. */
export interface ActivityDefinition {
  code: string;
  title: string;
  description: string;
  indicator: IndicatorDefinition;
  target: TargetDefinition;
  /** From the document (hand-set deadlines are another table: see effectiveDeadline). */
  deadline: string | null;
  weight: number | null;
  objectiveCode: string;
}

export interface ObjectiveDefinition {
  code: string;
  title: string;
  weight: number | null;
  areaCode: string | null;
}

/** What a definition in force carries besides its values: since when, and by which act. */
export interface InForceMeta {
  /** The day the latest applied change took effect; null: as adopted. */
  validFrom: string | null;
  /** The act of that change; null: as adopted. */
  act: string | null;
  /** Changes applied on that day, field by field. */
  varied: ChangeField[];
}

/**
 * A day before any variation can take effect: the plan in force on it is the plan as adopted
 * (no change applied, the rows a variation added not there yet). The same rule, no second one.
 */
export const AS_ADOPTED = "0000-01-01";

const keyOf = (t: EntityType, code: string) => `${t}:${code}`;

/**
 * The changes in force on `day`, indexed by entity. Also remembers which entities have any
 * change at all (on any day): only those need the rule, the others are as adopted.
 */
export class PlanOverlay {
  readonly day: string;
  private readonly applied = new Map<string, Map<ChangeField, DatedChange>>();
  private readonly touched = new Set<string>();
  /** Activities and objectives created by a variation (they did not exist before it). */
  private readonly addedLater = new Set<string>();
  private readonly movers = new Set<string>();

  constructor(changes: readonly DatedChange[], day: string) {
    this.day = day;
    for (const c of changes) {
      const key = keyOf(c.entityType, c.code);
      this.touched.add(key);
      if (c.field === "exists" && c.from === false) this.addedLater.add(key);
      if (c.entityType === "activity" && c.field === "objective") this.movers.add(c.code);
      if (c.validFrom > day) continue;
      let fields = this.applied.get(key);
      if (!fields) this.applied.set(key, (fields = new Map()));
      const prev = fields.get(c.field);
      if (!prev || prev.validFrom < c.validFrom || (prev.validFrom === c.validFrom && prev.variationId < c.variationId))
        fields.set(c.field, c);
    }
  }

  /** True when a variation (on any day) touches this activity or objective. */
  isTouched(t: EntityType, code: string): boolean {
    return this.touched.has(keyOf(t, code));
  }

  /** True when a variation (on any day) moves this activity to another objective. */
  movesObjective(code: string): boolean {
    return this.movers.has(code);
  }

  get touchedActivityCodes(): string[] {
    return [...this.touched].filter((k) => k.startsWith("activity:")).map((k) => k.slice("activity:".length));
  }

  get touchedObjectiveCodes(): string[] {
    return [...this.touched].filter((k) => k.startsWith("objective:")).map((k) => k.slice("objective:".length));
  }

  get isEmpty(): boolean {
    return this.touched.size === 0;
  }

  private fields(t: EntityType, code: string): Map<ChangeField, DatedChange> | undefined {
    return this.applied.get(keyOf(t, code));
  }

  /** Whether the entity exists on the day: adopted rows do unless a change says otherwise. */
  exists(t: EntityType, code: string): boolean {
    const c = this.fields(t, code)?.get("exists");
    if (c) return c.to === true;
    return !this.addedLater.has(keyOf(t, code));
  }

  private meta(t: EntityType, code: string): InForceMeta {
    const fields = this.fields(t, code);
    if (!fields?.size) return { validFrom: null, act: null, varied: [] };
    let latest: DatedChange | null = null;
    for (const c of fields.values())
      if (
        !latest ||
        c.validFrom > latest.validFrom ||
        (c.validFrom === latest.validFrom && c.variationId > latest.variationId)
      )
        latest = c;
    return { validFrom: latest!.validFrom, act: latest!.act, varied: [...fields.keys()] };
  }

  /** The activity in force on the day, or null when it does not exist then (stralciata, or added later). */
  activity<A extends ActivityDefinition>(
    adopted: A,
    opts?: { evenIfAbsent?: boolean },
  ): (A & { inForce: InForceMeta }) | null {
    if (!opts?.evenIfAbsent && !this.exists("activity", adopted.code)) return null;
    const fields = this.fields("activity", adopted.code);
    if (!fields?.size) return { ...adopted, inForce: { validFrom: null, act: null, varied: [] } };
    const out: A & { inForce: InForceMeta } = { ...adopted, inForce: this.meta("activity", adopted.code) };
    for (const [field, c] of fields) {
      switch (field) {
        case "title":
        case "description":
        case "deadline":
        case "weight":
          (out as unknown as Record<string, unknown>)[field] = c.to;
          break;
        case "indicator":
          out.indicator = c.to as IndicatorDefinition;
          break;
        case "target":
          out.target = c.to as TargetDefinition;
          break;
        case "objective":
          out.objectiveCode = c.to as string;
          break;
      }
    }
    return out;
  }

  objective<O extends ObjectiveDefinition>(
    adopted: O,
    opts?: { evenIfAbsent?: boolean },
  ): (O & { inForce: InForceMeta }) | null {
    if (!opts?.evenIfAbsent && !this.exists("objective", adopted.code)) return null;
    const fields = this.fields("objective", adopted.code);
    const out: O & { inForce: InForceMeta } = { ...adopted, inForce: this.meta("objective", adopted.code) };
    if (!fields) return out;
    for (const [field, c] of fields) {
      if (field === "title") out.title = c.to as string;
      else if (field === "weight") out.weight = c.to as number | null;
      else if (field === "area") out.areaCode = c.to as string | null;
    }
    return out;
  }
}

/** Deadline in force: a variation's (already in `a.deadline` once applied) or the document's; one set by hand fills a gap. */
export function effectiveDeadline(
  a: { deadline: string | null; deadlineVaried?: boolean },
  manual: string | null | undefined,
): string | null {
  if (a.deadlineVaried) return a.deadline;
  return manual ?? a.deadline;
}

/** Adopted activity row (the Activity table's columns) as a definition. */
export function activityDefinitionOf(row: {
  code: string;
  title: string;
  description?: string;
  indicatorName: string;
  indicatorIndex: string | null;
  targetText: string;
  targetKind: string;
  threshold: number | null;
  comparator: string | null;
  period: string | null;
  unit: string | null;
  qualifier: string | null;
  needsManualDate?: boolean;
  deadline: string | null;
  weight?: number | null;
  objectiveCode: string;
}): ActivityDefinition {
  return {
    code: row.code,
    title: row.title,
    description: row.description ?? "",
    indicator: { name: row.indicatorName, index: row.indicatorIndex },
    target: {
      text: row.targetText,
      kind: row.targetKind,
      threshold: row.threshold,
      comparator: row.comparator,
      period: row.period,
      unit: row.unit,
      qualifier: row.qualifier,
      needsManualDate: row.needsManualDate ?? false,
    },
    deadline: row.deadline,
    weight: row.weight ?? null,
    objectiveCode: row.objectiveCode,
  };
}

/**
 * Applies the rule to a row in the Activity table's own column shape, so SQL-fed code keeps
 * its field names: returns the row as in force (null: not in force on the day).
 */
export function activityRowInForce<
  R extends {
    code: string;
    title: string;
    indicatorName: string;
    indicatorIndex: string | null;
    targetText: string;
    targetKind: string;
    threshold: number | null;
    comparator: string | null;
    period: string | null;
    unit: string | null;
    qualifier: string | null;
    deadline: string | null;
    objectiveCode: string;
  },
>(overlay: PlanOverlay, row: R): (R & { inForce: InForceMeta; deadlineVaried: boolean }) | null {
  if (!overlay.isTouched("activity", row.code))
    return { ...row, inForce: { validFrom: null, act: null, varied: [] }, deadlineVaried: false };
  const d = overlay.activity(activityDefinitionOf(row));
  if (!d) return null;
  const withWeight = "weight" in row ? { weight: d.weight } : {};
  const withDescription = "description" in row ? { description: d.description } : {};
  const withManual = "needsManualDate" in row ? { needsManualDate: d.target.needsManualDate } : {};
  return {
    ...row,
    ...withWeight,
    ...withDescription,
    ...withManual,
    title: d.title,
    indicatorName: d.indicator.name,
    indicatorIndex: d.indicator.index,
    targetText: d.target.text,
    targetKind: d.target.kind,
    threshold: d.target.threshold,
    comparator: d.target.comparator,
    period: d.target.period,
    unit: d.target.unit,
    qualifier: d.target.qualifier,
    deadline: d.deadline,
    objectiveCode: d.objectiveCode,
    inForce: d.inForce,
    deadlineVaried: d.inForce.varied.includes("deadline"),
  };
}

/** The whole plan as in force on a day (loaded by store/plan-definitions.ts). */
export interface AreaInForce {
  id: number;
  code: string;
  name: string;
  head: string | null;
  position: number;
}

export interface ObjectiveInForce extends ObjectiveDefinition {
  id: number;
  description: string;
  publicValue: string;
  position: number;
  inForce: InForceMeta;
}

export interface ActivityInForce extends ActivityDefinition {
  id: number;
  printedCode: string;
  position: number;
  involved: string | null;
  involvesAllAreas: boolean;
  involvedAreas: string;
  /** The document's (or variation's) deadline, before a hand-set one. */
  planDeadline: string | null;
  /** The deadline in force: a variation's, else one set by hand, else the document's. */
  effectiveDeadline: string | null;
  deadlineSource: "piano" | "manuale" | "variazione" | null;
  manualNote: string | null;
  inForce: InForceMeta;
}

export interface PlanInForce {
  planId: number;
  year: number;
  day: string;
  /** The adopted plan's act and date (null: not given at import). */
  adoptedAct: string | null;
  adoptedFrom: string;
  areas: AreaInForce[];
  /** Plan order; only those in force on the day. */
  objectives: ObjectiveInForce[];
  /** Plan order; only those in force on the day, each under its objective in force. */
  activities: ActivityInForce[];
  overlay: PlanOverlay;
}
