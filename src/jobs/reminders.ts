import type { JobDeps } from "./digest.ts";
import { runDirectMessages, type NoticeResult } from "./notices.ts";

export { reminderKey, reminderThreshold } from "../domain/schedule/send-plan.ts";

/**
 * Reminders before deadlines. They travel in the person's one message of the day,
 * together with any overdue question (see notices.ts): running either job sends the bundle.
 */
export async function runReminders(deps: JobDeps): Promise<NoticeResult> {
  return runDirectMessages(deps);
}
