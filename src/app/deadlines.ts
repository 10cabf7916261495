import type { Db } from "../db/client.ts";
import { UserError } from "../errors.ts";
import { appendAudit } from "../store/audit.ts";
import { documentDeadlineOf, manualDeadlineOf, saveManualDeadline } from "../store/deadlines.ts";
import { activitiesByCode, activityByCanonicalCode } from "../store/activities.ts";
import { currentPlan } from "../store/plan.ts";
import { parseItalianDate } from "../domain/plan/targets.ts";

/**
 * Sets by hand the deadline of an activity whose target names no date we can know
 * ("Entro termini di legge"), or corrects one. Stored apart from the plan, so it
 * survives re-imports; audited with the previous value.
 */
export async function setManualDeadline(
  db: Db,
  input: { year?: number; code: string; date: string; actor: string; now: Date; note?: string | null },
): Promise<{ code: string; deadline: string; previous: string | null; target: string }> {
  const plan = await currentPlan(db, input.year);
  const iso = parseItalianDate(input.date.trim(), plan.year);
  if (!iso) {
    throw new UserError({ code: "bad_date", raw: input.date, expected: "plan" });
  }
  // An admin tool: the canonical code (as `piano` prints it) wins; a printed code is a fallback.
  const code = input.code.trim();
  const exact = await activityByCanonicalCode(db, plan, code);
  const found = exact ? [exact] : await activitiesByCode(db, plan, code);
  if (found.length === 0) {
    throw new UserError({ code: "unknown_code", context: "deadline", activityCode: input.code, year: plan.year });
  }
  if (found.length > 1) {
    throw new UserError({
      code: "ambiguous_code",
      typed: input.code,
      candidates: found.map((a) => `${a.code} (obiettivo ${a.objectiveCode})`).join(", "),
    });
  }
  const activity = found[0]!;
  // A date printed in the adopted document is a definition: moving it is a variation, with its act.
  const printed = await documentDeadlineOf(db, plan.id, activity.code);
  if (printed) {
    throw new UserError({
      code: "deadline_is_variation",
      activityCode: activity.code,
      deadline: printed,
      target: activity.targetText,
      date: input.date.trim(),
    });
  }
  const note = input.note?.trim() || null;
  return db.$transaction(async (tx) => {
    const previous = await manualDeadlineOf(tx, plan.year, activity.code);
    await saveManualDeadline(tx, {
      year: plan.year,
      code: activity.code,
      deadline: iso,
      setBy: input.actor,
      setAt: input.now,
      note,
    });
    await appendAudit(tx, {
      at: input.now,
      actor: input.actor,
      action: "manual_deadline",
      entityType: "activity",
      entityKey: `${plan.year}:${activity.code}`,
      before: { deadline: previous?.deadline ?? activity.deadline, ...(previous?.note ? { note: previous.note } : {}) },
      after: { deadline: iso, ...(note ? { note } : {}) },
    });
    return {
      code: activity.code,
      deadline: iso,
      previous: previous?.deadline ?? activity.deadline,
      target: activity.targetText,
    };
  });
}
