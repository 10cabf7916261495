import type { Db, Tx } from "../db/client.ts";
import { appendAudit } from "./audit.ts";
import { UserError } from "../errors.ts";

type Reader = Db | Tx;

export interface AbsenceView {
  id: number;
  slackUserId: string;
  name: string | null;
  from: string;
  to: string;
  note: string | null;
  createdBy: string;
}

/** Longest absence accepted in one go (a year): a typo in the year should not silence someone for a decade. */
export const MAX_ABSENCE_DAYS = 366;

export async function addAbsence(
  db: Db,
  input: { userId: string; from: string; to: string; note?: string | null; actor: string; now: Date },
): Promise<AbsenceView> {
  if (input.to < input.from) {
    throw new UserError({ code: "absence_order", from: input.from, to: input.to });
  }
  const days = (Date.parse(input.to) - Date.parse(input.from)) / 86_400_000 + 1;
  if (days > MAX_ABSENCE_DAYS) throw new UserError({ code: "absence_too_long", max: MAX_ABSENCE_DAYS });
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { slackUserId: input.userId } });
    if (!user) throw new UserError({ code: "absence_user_unknown", userId: input.userId });
    const row = await tx.absence.create({
      data: {
        slackUserId: input.userId,
        fromDay: input.from,
        toDay: input.to,
        note: input.note ?? null,
        createdBy: input.actor,
        createdAt: input.now,
      },
    });
    await appendAudit(tx, {
      at: input.now,
      actor: input.actor,
      action: "absence",
      entityType: "absence",
      entityKey: `${row.id}:${input.userId}`,
      after: { from: input.from, to: input.to },
    });
    return {
      id: row.id,
      slackUserId: row.slackUserId,
      name: user.name,
      from: row.fromDay,
      to: row.toDay,
      note: row.note,
      createdBy: row.createdBy,
    };
  });
}

/** Absences not cancelled and not over by `today` (all of them with `all`), soonest first. */
export async function listAbsences(
  db: Reader,
  opts: { userId?: string; today?: string; all?: boolean } = {},
): Promise<AbsenceView[]> {
  const rows = await db.absence.findMany({
    where: {
      cancelledAt: null,
      ...(opts.userId ? { slackUserId: opts.userId } : {}),
      ...(!opts.all && opts.today ? { toDay: { gte: opts.today } } : {}),
    },
    orderBy: [{ fromDay: "asc" }, { id: "asc" }],
  });
  const names = new Map(
    (
      await db.user.findMany({
        where: { slackUserId: { in: [...new Set(rows.map((r) => r.slackUserId))] } },
        select: { slackUserId: true, name: true },
      })
    ).map((u) => [u.slackUserId, u.name]),
  );
  return rows.map((r) => ({
    id: r.id,
    slackUserId: r.slackUserId,
    name: names.get(r.slackUserId) ?? null,
    from: r.fromDay,
    to: r.toDay,
    note: r.note,
    createdBy: r.createdBy,
  }));
}

/** Cancels an absence; `ownerId` limits it to that person's own (Slack), absent for the admin. */
export async function cancelAbsence(
  db: Db,
  id: number,
  who: { actor: string; now: Date; ownerId?: string },
): Promise<AbsenceView> {
  return db.$transaction(async (tx) => {
    const row = await tx.absence.findUnique({ where: { id } });
    if (!row || row.cancelledAt || (who.ownerId && row.slackUserId !== who.ownerId)) {
      throw new UserError({ code: "absence_unknown", id, own: Boolean(who.ownerId) });
    }
    await tx.absence.update({ where: { id }, data: { cancelledAt: who.now, cancelledBy: who.actor } });
    await appendAudit(tx, {
      at: who.now,
      actor: who.actor,
      action: "absence",
      entityType: "absence",
      entityKey: `${id}:${row.slackUserId}`,
      before: { from: row.fromDay, to: row.toDay },
    });
    const user = await tx.user.findUnique({ where: { slackUserId: row.slackUserId }, select: { name: true } });
    return {
      id,
      slackUserId: row.slackUserId,
      name: user?.name ?? null,
      from: row.fromDay,
      to: row.toDay,
      note: row.note,
      createdBy: row.createdBy,
    };
  });
}
