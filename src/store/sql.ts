import { effectiveDeadlineSqlText } from "../domain/plan/deadline.ts";
import { ACTIVITY_COMPLETION_SQL_TEXT } from "../domain/progress/completion.ts";
import { Prisma } from "../generated/prisma/client.ts";

/** SQL twins of domain rules, as fragments the store's queries interpolate (the text lives beside each rule). */

/** activityCompletion() over `a` (Activity) and `p` (Progress). */
export const ACTIVITY_COMPLETION_SQL = Prisma.raw(ACTIVITY_COMPLETION_SQL_TEXT);

/** effectiveDeadline() over a ManualDeadline alias and an Activity alias (trusted identifiers, never input). */
export function effectiveDeadlineSql(manual: string, activity: string): Prisma.Sql {
  return Prisma.raw(effectiveDeadlineSqlText(manual, activity));
}
