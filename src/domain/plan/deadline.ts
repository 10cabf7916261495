/** Deadline in force: one set by hand wins over the one parsed from the document. */
export function effectiveDeadline(a: { deadline: string | null }, manual?: { deadline: string } | null): string | null {
  return manual?.deadline ?? a.deadline;
}

/**
 * The same rule in SQL, for queries that filter or sort on the deadline in force: the
 * manual one (a LEFT JOIN of ManualDeadline, NULL when none) wins over the activity's.
 * test/domain/deadline.test.ts holds the two equal.
 */
export function effectiveDeadlineSqlText(manual: string, activity: string): string {
  return `COALESCE(${manual}.deadline, ${activity}.deadline)`;
}
