/**
 * How far an activity is, 0..1, from its recorded progress: the quick figure shown by
 * /stato and the digest. The Relazione's scores follow the configurable SMVP rules
 * in scoring.ts instead.
 */
export interface CompletionInput {
  targetKind: string;
  threshold: number | null;
  status: string | null; // non_iniziata|in_corso|completata|bloccata
  percent: number | null;
  count: number | null;
  achievedValue: number | null;
}

export function activityCompletion(a: CompletionInput): number {
  if (a.status === "completata") return 1;
  switch (a.targetKind) {
    case "percentage":
      if (a.percent == null) return 0;
      return clamp01(a.percent / (a.threshold && a.threshold > 0 ? a.threshold : 100));
    case "count":
      if (a.count == null || !a.threshold) return a.percent != null ? clamp01(a.percent / 100) : 0;
      return clamp01(a.count / a.threshold);
    case "amount":
      if (a.achievedValue == null || !a.threshold) return a.percent != null ? clamp01(a.percent / 100) : 0;
      return clamp01(a.achievedValue / a.threshold);
    default:
      return a.percent != null ? clamp01(a.percent / 100) : 0;
  }
}

/** Mean of completions weighted by weight (activities of an objective weigh 1 each). */
export function weightedMean(items: { value: number; weight: number }[]): number {
  const total = items.reduce((s, i) => s + i.weight, 0);
  if (total <= 0) return 0;
  return items.reduce((s, i) => s + i.value * i.weight, 0) / total;
}

function clamp01(x: number): number {
  if (!Number.isFinite(x)) return 0;
  return Math.min(1, Math.max(0, x));
}
