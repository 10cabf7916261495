import type { Db, Tx } from "../db/client.ts";
import { daysBetween } from "../domain/calendar/days.ts";
import {
  delayCauseLabel,
  type DelayActivity,
  type DelayExplanationView,
  type ValidDelay,
} from "../domain/delays/delays.ts";
import { effectiveDeadline } from "../domain/plan/deadline.ts";
import { activityDefinitionOf, effectiveDeadline as inForceDeadline } from "../domain/plan/in-force.ts";
import { loadOverlay } from "./variations.ts";
import { UserError } from "../errors.ts";
import { planOfYear } from "./plan.ts";

/** Delay causes ("scostamenti"): the activity they are about, and the causes recorded. */

export async function delayActivity(db: Db | Tx, year: number, code: string, today: string): Promise<DelayActivity> {
  const plan = await planOfYear(db, year);
  const activity = plan
    ? await db.activity.findFirst({
        where: { planId: plan.id, code, archivedAt: null },
        select: {
          code: true,
          title: true,
          deadline: true,
          objective: { select: { area: { select: { code: true, name: true } } } },
        },
      })
    : null;
  if (!activity) {
    throw new UserError({ code: "unknown_code", context: "delay", activityCode: code, year });
  }
  const manual = await db.manualDeadline.findUnique({
    where: { planYear_activityCode: { planYear: year, activityCode: code } },
  });
  // The deadline and title in force today (a variation may have moved them).
  const overlay = await loadOverlay(db, year, today);
  const varied = overlay.isTouched("activity", code)
    ? overlay.activity(
        activityDefinitionOf({
          code,
          title: activity.title,
          indicatorName: "",
          indicatorIndex: null,
          targetText: "",
          targetKind: "text",
          threshold: null,
          comparator: null,
          period: null,
          unit: null,
          qualifier: null,
          deadline: activity.deadline,
          objectiveCode: "",
        }),
        { evenIfAbsent: true },
      )
    : null;
  const deadline = varied
    ? inForceDeadline(
        { deadline: varied.deadline, deadlineVaried: varied.inForce.varied.includes("deadline") },
        manual?.deadline,
      )
    : effectiveDeadline(activity, manual);
  return {
    year,
    code: activity.code,
    title: varied?.title ?? activity.title,
    areaCode: activity.objective.area?.code ?? null,
    areaName: activity.objective.area?.name ?? null,
    deadline,
    daysLate: deadline ? daysBetween(deadline, today) : null,
  };
}

export async function insertDelayExplanation(
  tx: Tx,
  e: { year: number; code: string; value: ValidDelay; userId: string; now: Date },
): Promise<{ id: number }> {
  return tx.delayExplanation.create({
    data: {
      planYear: e.year,
      activityCode: e.code,
      cause: e.value.cause,
      explanation: e.value.explanation,
      correctiveAction: e.value.correctiveAction,
      newExpectedDate: e.value.newExpectedDate,
      userId: e.userId,
      createdAt: e.now,
    },
    select: { id: true },
  });
}

/** The causes recorded for an activity, newest first (for /obiettivo storia and the Relazione). */
export async function delayExplanationsOf(db: Db | Tx, year: number, code: string): Promise<DelayExplanationView[]> {
  const rows = await db.delayExplanation.findMany({
    where: { planYear: year, activityCode: code },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
  return rows.map((r) => ({ ...r, causeLabel: delayCauseLabel(r.cause) }));
}
