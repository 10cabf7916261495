import type { Actor, Role } from "../permissions.ts";

/** Who may load the plan from Slack: the Segretario and the bot's administrator. */
const IMPORT_ROLES: readonly Role[] = ["segretario", "admin"];

export function canImportPlan(actor: Actor | null): boolean {
  return actor !== null && IMPORT_ROLES.includes(actor.role);
}

export const IMPORT_REFUSED =
  "Solo il Segretario Comunale e l'amministratore del bot possono caricare il Piano della Performance. Se devi aggiornare il piano, invia il documento al Segretario.";
