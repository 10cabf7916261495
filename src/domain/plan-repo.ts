import type { Db, Tx } from "../db/client.ts";
import { UserError } from "../errors.ts";

type Reader = Db | Tx;

export interface PlanRef {
  id: number;
  year: number;
  entity: string;
}

/** The plan in force: the given year, or the most recent one imported. */
export async function currentPlan(db: Reader, year?: number): Promise<PlanRef> {
  const plan = await db.plan.findFirst({
    where: year === undefined ? {} : { year },
    orderBy: { year: "desc" },
    select: { id: true, year: true, entity: true },
  });
  if (!plan) {
    throw new UserError(
      "no_plan",
      year === undefined
        ? "Nessun piano caricato. Importa il Piano della Performance con: npx obiettivi importa <file>"
        : `Nessun piano caricato per l'anno ${year}. Importalo con: npx obiettivi importa <file>`,
    );
  }
  return plan;
}

/**
 * The live (not archived) activities a code names, as people type it: the canonical
 * code or the printed one. "1.2.1" in the Leggiuno plan names two activities (the one
 * printed 1.2.1 under 1.2, canonical 1.2.1, and the one printed 1.2.1 under 1.3,
 * canonical 1.3.1): both are returned so the caller can ask which.
 * With `exact`, only the canonical code counts (buttons, CLI arguments from `piano`).
 */
export async function findActivitiesByCode(db: Reader, planId: number, code: string, opts: { exact?: boolean } = {}) {
  const include = { objective: { include: { area: true } } } as const;
  const where = opts.exact ? { planId, code, archivedAt: null } : { planId, archivedAt: null, OR: [{ code }, { printedCode: code }] };
  const found = await db.activity.findMany({ where, include, orderBy: { position: "asc" } });
  // The activity whose canonical code it is comes first.
  return found.sort((a, b) => Number(b.code === code) - Number(a.code === code));
}

/** Deadline in force: one set by hand wins over the one parsed from the document. */
export function effectiveDeadline(a: { deadline: string | null }, manual?: { deadline: string } | null): string | null {
  return manual?.deadline ?? a.deadline;
}
