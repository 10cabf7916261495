import type { Actor } from "../permissions.ts";
import { canWriteActivity } from "../permissions.ts";

/**
 * Who may record on someone else's behalf: a Responsabile for a person of one of their own
 * areas, the Segretario or the admin for anyone; always for a person who could record on
 * that activity themselves. Pure: the lookups are in app/on-behalf.ts.
 */
export function onBehalfRefusal(actor: Actor, person: Actor, activity: { code: string; areaCode: string | null }): string | null {
  if (person.slackUserId === actor.slackUserId) return null;
  if (actor.role === "dipendente" || actor.role === "nucleo") {
    return "Solo il responsabile dell'area, il Segretario o l'amministratore possono registrare un aggiornamento per conto di un collega.";
  }
  if (actor.role === "responsabile" && !person.areaCodes.some((c) => actor.areaCodes.includes(c))) {
    return `Puoi registrare per conto dei colleghi della tua area (${actor.areaCodes.join(", ") || "nessuna"}): <@${person.slackUserId}> non ne fa parte.`;
  }
  if (person.role === "nucleo" || !canWriteActivity(person, activity)) {
    return `<@${person.slackUserId}> non può aggiornare l'attività ${activity.code} (non è della sua area): non si può registrare per suo conto.`;
  }
  return null;
}

/** Roles who may record for a colleague at all (the modal shows them a "Per conto di" picker). */
export function mayActForOthers(role: string): boolean {
  return role === "responsabile" || role === "segretario" || role === "admin";
}
