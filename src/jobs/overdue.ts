import type { JobDeps } from "./digest.ts";
import { runDirectMessages, type NoticeResult } from "./notices.ts";

export { overdueKey, OVERDUE_WORKING_DAYS } from "../domain/schedule/send-plan.ts";

/**
 * When an activity becomes overdue its heads are asked what happened ("Spiega il ritardo"),
 * once per (activity, deadline, head), for OVERDUE_WORKING_DAYS working days after the
 * deadline, and not at all once a cause is recorded. The question travels in the person's
 * one message of the day (see notices.ts).
 */
export async function runOverdueQuestions(deps: JobDeps): Promise<NoticeResult> {
  return runDirectMessages(deps);
}
