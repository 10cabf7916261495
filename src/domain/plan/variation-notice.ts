import { activityDefinitionOf, type DatedChange, PlanOverlay } from "./in-force.ts";
import { changeLine, type FieldChange } from "./variation-diff.ts";

/**
 * Which area channels hear about a variation, and what they read: ONE message per
 * (variation, area), listing the changes that touch that area's activities and
 * objectives, e.g. "Variazione approvata con Delibera G.C. n. 80 del 12/09/2024:
 * 3.1.4 scadenza 15/09/2024 → 31/12/2024". Pure.
 */

export interface VariationForNotice {
  id: number;
  act: string;
  validFrom: string;
  reason: string;
  changes: FieldChange[];
}

export interface Places {
  activities: Map<string, { objectiveCode: string; involvesAllAreas: boolean; involvedAreas: string[] }>;
  /** objective code -> adopted area code (null: Comune-wide) */
  objectives: Map<string, string | null>;
}

export function variationNoticeKey(year: number, variationId: number, areaCode: string): string {
  return `variation:${year}:${variationId}:${areaCode}`;
}

export function variationNoticeText(v: { act: string }, lines: readonly string[]): string {
  return `Variazione approvata con ${v.act}: ${lines.join("; ")}`;
}

/**
 * Area code -> the lines of the changes touching it. An activity counts for the area of
 * its objective before and after the variation (a move concerns both); a Comune-wide one
 * for the areas it involves (all of them when it names none, or "Tutte EQ").
 */
export function variationAreas(
  v: VariationForNotice,
  all: readonly DatedChange[],
  places: Places,
  allAreas: readonly string[],
): Map<string, string[]> {
  const dayBefore = new Date(Date.parse(`${v.validFrom}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const before = new PlanOverlay(all, dayBefore);
  const after = new PlanOverlay(all, v.validFrom);
  const objectiveArea = (overlay: PlanOverlay, code: string): string | null | undefined => {
    if (!places.objectives.has(code)) return undefined;
    return overlay.objective(
      { code, title: "", weight: null, areaCode: places.objectives.get(code) ?? null },
      { evenIfAbsent: true },
    )!.areaCode;
  };
  const activityObjective = (overlay: PlanOverlay, code: string): string | undefined => {
    const p = places.activities.get(code);
    if (!p) return undefined;
    const d = activityDefinitionOf({
      code,
      title: "",
      indicatorName: "",
      indicatorIndex: null,
      targetText: "",
      targetKind: "text",
      threshold: null,
      comparator: null,
      period: null,
      unit: null,
      qualifier: null,
      deadline: null,
      objectiveCode: p.objectiveCode,
    });
    return overlay.activity(d, { evenIfAbsent: true })!.objectiveCode;
  };
  const out = new Map<string, string[]>();
  const add = (area: string, line: string) => {
    const list = out.get(area) ?? [];
    if (!list.includes(line)) list.push(line);
    out.set(area, list);
  };
  for (const c of v.changes) {
    const line = changeLine(c);
    const areas = new Set<string>();
    const objectiveCodes =
      c.entityType === "objective"
        ? [c.code]
        : [activityObjective(before, c.code), activityObjective(after, c.code)].filter((x): x is string => !!x);
    for (const oc of objectiveCodes) {
      for (const overlay of [before, after]) {
        const area = objectiveArea(overlay, oc);
        if (area === undefined) continue;
        if (area !== null) areas.add(area);
        else {
          const p = c.entityType === "activity" ? places.activities.get(c.code) : undefined;
          const involved = !p || p.involvesAllAreas || p.involvedAreas.length === 0 ? allAreas : p.involvedAreas;
          for (const a of involved) areas.add(a);
        }
      }
    }
    for (const a of areas) add(a, line);
  }
  return out;
}
