import { UserError } from "../errors.ts";

export const ROLES = ["dipendente", "responsabile", "segretario", "nucleo", "admin"] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  slackUserId: string;
  role: Role;
  areaCodes: string[];
}

export const HOW_TO_BE_ADDED =
  "Chiedi al Segretario Comunale o all'amministratore del bot di aggiungerti con: npx obiettivi utenti aggiungi <il tuo ID Slack> --ruolo <ruolo> [--area <codice>]";

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
    throw new UserError("unknown_user", `Non sei ancora abilitato a usare Obiettivi (utente ${slackUserId}). ${HOW_TO_BE_ADDED}`);
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

export function assertCanWriteActivity(actor: Actor, activity: { code: string; areaCode: string | null }): void {
  if (canWriteActivity(actor, activity)) return;
  if (actor.role === "nucleo") {
    throw new UserError("forbidden", "Il Nucleo di Valutazione ha accesso in sola lettura: non può registrare avanzamenti.");
  }
  throw new UserError(
    "forbidden",
    `Non puoi aggiornare l'attività ${activity.code}: appartiene all'area ${activity.areaCode}, mentre tu sei abilitato per ${
      actor.areaCodes.length ? `l'area ${actor.areaCodes.join(", ")}` : "nessuna area"
    }. Chiedi al responsabile dell'area o al Segretario.`,
  );
}

export function isOverseer(actor: Actor): boolean {
  return actor.role === "segretario" || actor.role === "admin" || actor.role === "nucleo";
}
