import { UserError } from "../errors.ts";

export const ROLES = ["dipendente", "responsabile", "segretario", "nucleo", "admin"] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  slackUserId: string;
  role: Role;
  areaCodes: string[];
}

/** Roles that work for given areas; the others see (and, but the Nucleo, write) everything. */
export const AREA_ROLES: readonly Role[] = ["dipendente", "responsabile"];

/** Who may export the Relazione (App Home button, checked again on the server). */
export const EXPORT_ROLES: readonly Role[] = ["nucleo", "segretario", "admin"];

export function canExportRelazione(actor: Actor | null): boolean {
  return actor !== null && EXPORT_ROLES.includes(actor.role);
}

/** Every registered user reads; an unknown one is told who can add them. */
export function requireActor(actor: Actor | null, slackUserId: string): Actor {
  if (!actor) {
    throw new UserError({ code: "unknown_user", userId: slackUserId });
  }
  return actor;
}

/** areaCode null = a Comune-wide activity, which every area's staff may report on. */
export function canWriteActivity(actor: Actor, activity: { areaCode: string | null }): boolean {
  switch (actor.role) {
    case "admin":
    case "segretario":
      return true;
    case "nucleo":
      return false;
    case "dipendente":
    case "responsabile":
      return activity.areaCode === null || actor.areaCodes.includes(activity.areaCode);
  }
}

/**
 * The one write check, on the server, for every command, button and form: the Nucleo reads
 * only; area staff write their areas' activities and the Comune-wide ones. `activity` null:
 * writing in general (the picker of activities). `flow` chooses the Nucleo's hint: from
 * /obiettivo it is told where to read the history.
 */
export function assertCanWriteActivity(
  actor: Actor,
  activity: { code: string; areaCode: string | null } | null,
  flow: "report" | "delay" = "report",
): void {
  if (actor.role === "nucleo")
    throw new UserError({ code: "nucleo_read_only", action: flow === "report" ? "history_hint" : "report" });
  if (activity === null || canWriteActivity(actor, activity)) return;
  throw new UserError({
    code: "forbidden_area",
    activityCode: activity.code,
    activityArea: activity.areaCode,
    actorAreas: actor.areaCodes,
  });
}
