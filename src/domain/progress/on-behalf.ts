import type { AppError } from "../../messages/errors.ts";
import type { Actor } from "../permissions.ts";
import { canWriteActivity } from "../permissions.ts";

/**
 * Who may record on someone else's behalf: a Responsabile for a person of one of their own
 * areas, the Segretario or the admin for anyone; always for a person who could record on
 * that activity themselves. Pure: the lookups are in app/on-behalf.ts.
 */
export function onBehalfRefusal(
  actor: Actor,
  person: Actor,
  activity: { code: string; areaCode: string | null },
): AppError | null {
  if (person.slackUserId === actor.slackUserId) return null;
  if (actor.role === "dipendente" || actor.role === "nucleo") return { code: "behalf_role" };
  if (actor.role === "responsabile" && !person.areaCodes.some((c) => actor.areaCodes.includes(c))) {
    return { code: "behalf_other_area", personId: person.slackUserId, actorAreas: actor.areaCodes };
  }
  if (person.role === "nucleo" || !canWriteActivity(person, activity)) {
    return { code: "behalf_cannot_write", personId: person.slackUserId, activityCode: activity.code };
  }
  return null;
}

/** Roles who may record for a colleague at all (the modal shows them a "Per conto di" picker). */
export function mayActForOthers(role: string): boolean {
  return role === "responsabile" || role === "segretario" || role === "admin";
}
