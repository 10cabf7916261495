/** What the surfaces show about activities: read models filled by the store (src/store/activities.ts). */

/** Everything a reply or the modal shows about an activity. */
export interface ActivityInfo {
  id: number;
  year: number;
  code: string;
  printedCode: string;
  title: string;
  objectiveCode: string;
  objectiveTitle: string;
  /** null: a Comune-wide activity. */
  areaCode: string | null;
  areaName: string | null;
  indicatorName: string;
  indicatorIndex: string | null;
  targetText: string;
  targetKind: string;
  threshold: number | null;
  comparator: string | null;
  period: string | null;
  unit: string | null;
  /** Effective deadline: set by hand, else the plan's. */
  deadline: string | null;
  needsManualDate: boolean;
  position: number;
}

export interface CodeSuggestion {
  code: string;
  printedCode: string;
  title: string;
}

export type CodeResolution =
  | { kind: "found"; activity: ActivityInfo }
  | { kind: "ambiguous"; activities: ActivityInfo[] }
  | {
      kind: "unknown";
      typed: string;
      suggestions: CodeSuggestion[];
      /** The code names an objective, not an activity: its activities. */
      objective: { code: string; title: string; activities: CodeSuggestion[] } | null;
    };

export interface PickerOption {
  code: string;
  printedCode: string;
  title: string;
  objectiveCode: string;
  /** The group the picker shows it under. */
  group: string;
}

/** A static list when it fits Slack's 100 options; otherwise a searchable external list. */
export type PickerSource = { kind: "static"; options: PickerOption[] } | { kind: "external" };
