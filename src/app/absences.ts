import type { Clock } from "../clock.ts";
import type { Db } from "../db/client.ts";
import { parseAbsenceText } from "../domain/calendar/absence-command.ts";
import { romeDay } from "../domain/calendar/days.ts";
import { requireActor } from "../domain/permissions.ts";
import { addAbsence, cancelAbsence, listAbsences, type AbsenceView } from "../store/absences.ts";
import { loadActor } from "../store/users.ts";

/** `/assenza` as a use case: a person declares, lists and cancels their own absences. */

export type AbsenceOutcome =
  | { kind: "invalid"; message: string }
  | { kind: "list"; absences: AbsenceView[] }
  | { kind: "added"; absence: AbsenceView }
  | { kind: "cancelled"; absence: AbsenceView }
  /** The whole absence is before today: nothing to store. */
  | { kind: "past"; to: string };

export async function absenceCommand(
  deps: { db: Db; clock: Clock },
  req: { userId: string; text: string },
): Promise<AbsenceOutcome> {
  const parsed = parseAbsenceText(req.text);
  if (!parsed.ok) return { kind: "invalid", message: parsed.message };
  requireActor(await loadActor(deps.db, req.userId), req.userId);
  const now = deps.clock();
  const today = romeDay(now);
  const c = parsed.command;
  switch (c.kind) {
    case "help":
    case "list":
      return { kind: "list", absences: await listAbsences(deps.db, { userId: req.userId, today }) };
    case "cancel":
      return {
        kind: "cancelled",
        absence: await cancelAbsence(deps.db, c.id, { actor: req.userId, now, ownerId: req.userId }),
      };
    case "add":
      if (c.to < today) return { kind: "past", to: c.to };
      return {
        kind: "added",
        absence: await addAbsence(deps.db, {
          userId: req.userId,
          from: c.from,
          to: c.to,
          note: c.note,
          actor: req.userId,
          now,
        }),
      };
  }
}
