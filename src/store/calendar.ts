import type { Db, Tx } from "../db/client.ts";
import { appendAudit } from "./audit.ts";
import { parseIsoDay, parseMonthDay } from "../domain/calendar/day-formats.ts";
import { WorkingCalendar, type CalendarData } from "../domain/calendar/working-calendar.ts";
import { UserError } from "../errors.ts";

type Reader = Db | Tx;

export const PATRON_SETTING = "calendario.patrono";

/** The calendar in force: the patron set with the CLI wins over PATRONO; closures from the table. */
export async function loadCalendarData(db: Reader, envPatron: string | undefined): Promise<CalendarData> {
  const [setting, closures] = [
    await db.botSetting.findUnique({ where: { key: PATRON_SETTING } }),
    await db.calendarClosure.findMany({ orderBy: { date: "asc" }, select: { date: true } }),
  ];
  return { patron: setting?.value ?? envPatron ?? null, closures: closures.map((c) => c.date) };
}

export async function loadCalendar(db: Reader, envPatron: string | undefined): Promise<WorkingCalendar> {
  return new WorkingCalendar(await loadCalendarData(db, envPatron));
}

export async function setPatron(
  db: Db,
  raw: string,
  who: { actor: string; now: Date },
): Promise<{ patron: string; previous: string | null }> {
  const patron = parseMonthDay(raw);
  if (!patron) {
    throw new UserError({ code: "bad_patron", raw });
  }
  return db.$transaction(async (tx) => {
    const previous = await tx.botSetting.findUnique({ where: { key: PATRON_SETTING } });
    await tx.botSetting.upsert({
      where: { key: PATRON_SETTING },
      create: { key: PATRON_SETTING, value: patron, setBy: who.actor, setAt: who.now },
      update: { value: patron, setBy: who.actor, setAt: who.now },
    });
    await appendAudit(tx, {
      at: who.now,
      actor: who.actor,
      action: "calendar",
      entityType: "calendar",
      entityKey: "patrono",
      before: previous?.value ?? null,
      after: patron,
    });
    return { patron, previous: previous?.value ?? null };
  });
}

function closureDay(raw: string): string {
  const day = parseIsoDay(raw);
  if (!day) throw new UserError({ code: "bad_closure_day", raw });
  return day;
}

export async function addClosure(
  db: Db,
  raw: string,
  note: string | null,
  who: { actor: string; now: Date },
): Promise<{ date: string; existed: boolean }> {
  const date = closureDay(raw);
  return db.$transaction(async (tx) => {
    const existed = (await tx.calendarClosure.findUnique({ where: { date } })) !== null;
    await tx.calendarClosure.upsert({
      where: { date },
      create: { date, note, setBy: who.actor, setAt: who.now },
      update: { note, setBy: who.actor, setAt: who.now },
    });
    await appendAudit(tx, {
      at: who.now,
      actor: who.actor,
      action: "calendar",
      entityType: "closure",
      entityKey: date,
      after: { note },
    });
    return { date, existed };
  });
}

export async function removeClosure(db: Db, raw: string, who: { actor: string; now: Date }): Promise<string> {
  const date = closureDay(raw);
  return db.$transaction(async (tx) => {
    const row = await tx.calendarClosure.findUnique({ where: { date } });
    if (!row) throw new UserError({ code: "closure_unknown", day: date });
    await tx.calendarClosure.delete({ where: { date } });
    await appendAudit(tx, {
      at: who.now,
      actor: who.actor,
      action: "calendar",
      entityType: "closure",
      entityKey: date,
      before: { note: row.note },
    });
    return date;
  });
}

export async function listClosures(db: Reader): Promise<{ date: string; note: string | null }[]> {
  return db.calendarClosure.findMany({ orderBy: { date: "asc" }, select: { date: true, note: true } });
}
