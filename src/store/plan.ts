import type { Db, Tx } from "../db/client.ts";
import { UserError } from "../errors.ts";

type Reader = Db | Tx;

export interface PlanRef {
  id: number;
  year: number;
  entity: string;
  /** What identifies the imported version (caches key on it). */
  sourceHash: string;
  importedAt: Date;
}

/** The plan in force: the given year, or the most recent one imported. */
export async function currentPlan(db: Reader, year?: number): Promise<PlanRef> {
  const plan = await db.plan.findFirst({
    where: year === undefined ? {} : { year },
    orderBy: { year: "desc" },
    select: { id: true, year: true, entity: true, sourceHash: true, importedAt: true },
  });
  if (!plan) {
    throw new UserError(
      "no_plan",
      year === undefined
        ? "Nessun piano caricato: l'amministratore del bot deve importare il Piano della Performance con «npx obiettivi importa <file>»."
        : `Nessun piano caricato per l'anno ${year}: l'amministratore del bot può importarlo con «npx obiettivi importa <file>».`,
    );
  }
  return plan;
}

/** Deadline in force: one set by hand wins over the one parsed from the document. */
export function effectiveDeadline(a: { deadline: string | null }, manual?: { deadline: string } | null): string | null {
  return manual?.deadline ?? a.deadline;
}

/** The plan in force, or null when none was imported yet (jobs then have nothing to do). */
export async function planIfAny(db: Reader): Promise<PlanRef | null> {
  try {
    return await currentPlan(db);
  } catch (e) {
    if (e instanceof UserError && e.code === "no_plan") return null;
    throw e;
  }
}
