/** Deadline in force: one set by hand wins over the one parsed from the document. */
export function effectiveDeadline(a: { deadline: string | null }, manual?: { deadline: string } | null): string | null {
  return manual?.deadline ?? a.deadline;
}
