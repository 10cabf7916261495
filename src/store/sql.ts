import { ACTIVITY_COMPLETION_SQL_TEXT } from "../domain/progress/completion.ts";
import { Prisma } from "../generated/prisma/client.ts";

/** SQL twins of domain rules, as fragments the store's queries interpolate (the text lives beside each rule). */

/** activityCompletion() over `a` (Activity) and `p` (Progress). */
export const ACTIVITY_COMPLETION_SQL = Prisma.raw(ACTIVITY_COMPLETION_SQL_TEXT);
