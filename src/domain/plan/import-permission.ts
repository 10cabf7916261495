import type { Actor, Role } from "../permissions.ts";

/** Who may load the plan from Slack: the Segretario and the bot's administrator. */
const IMPORT_ROLES: readonly Role[] = ["segretario", "admin"];

export function canImportPlan(actor: Actor | null): boolean {
  return actor !== null && IMPORT_ROLES.includes(actor.role);
}
