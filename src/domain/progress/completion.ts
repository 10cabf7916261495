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

/**
 * The SQL twin of `activityCompletion`, over `a` (Activity) and `p` (its Progress, may be NULL),
 * for the aggregate passes of /stato and the digest: fetching 20,000 activities to score them
 * in JS costs more than the rest of the request. Kept here as text, next to the rule it must
 * equal; the store executes it (src/store/sql.ts). test/domain/status.test.ts compares the
 * two on a grid of every kind and state.
 */
export const ACTIVITY_COMPLETION_SQL_TEXT = `COALESCE(CASE
    WHEN p.status = 'completata' THEN 1.0
    WHEN a.targetKind = 'percentage' THEN
      CASE WHEN p.percent IS NULL THEN 0.0
           ELSE MIN(1.0, MAX(0.0, p.percent / CASE WHEN a.threshold > 0 THEN a.threshold ELSE 100.0 END)) END
    WHEN a.targetKind = 'count' AND p.count IS NOT NULL AND a.threshold IS NOT NULL AND a.threshold <> 0 THEN
      MIN(1.0, MAX(0.0, p.count / a.threshold))
    WHEN a.targetKind = 'amount' AND p.achievedValue IS NOT NULL AND a.threshold IS NOT NULL AND a.threshold <> 0 THEN
      MIN(1.0, MAX(0.0, p.achievedValue / a.threshold))
    WHEN p.percent IS NULL THEN 0.0
    ELSE MIN(1.0, MAX(0.0, p.percent / 100.0))
  END, 0.0)`;

/**
 * An area's completion from its objectives' scores. An objective the plan gives no weight
 * counts as much as the average weighted one (all alike when none has one); an objective
 * without activities cannot move and is left out.
 */
export function scopeCompletion(t: {
  live: number;
  weighted: number;
  weightSum: number;
  weightedScore: number;
  unweightedScore: number;
}): number {
  const fallback = t.weighted > 0 ? t.weightSum / t.weighted : 1;
  const total = t.weightSum + (t.live - t.weighted) * fallback;
  if (total <= 0) return 0;
  return Math.min(1, Math.max(0, (t.weightedScore + fallback * t.unweightedScore) / total));
}
