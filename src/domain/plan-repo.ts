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
 * The live (not archived) activities a code names: the canonical code first; otherwise
 * every activity printed with that code (the Leggiuno plan prints 1.2.1 twice).
 */
export async function findActivitiesByCode(db: Reader, planId: number, code: string) {
  const include = { objective: { include: { area: true } } } as const;
  const exact = await db.activity.findFirst({ where: { planId, code, archivedAt: null }, include });
  if (exact) return [exact];
  return db.activity.findMany({ where: { planId, printedCode: code, archivedAt: null }, include, orderBy: { position: "asc" } });
}

/** Deadline in force: one set by hand wins over the one parsed from the document. */
export function effectiveDeadline(a: { deadline: string | null }, manual?: { deadline: string } | null): string | null {
  return manual?.deadline ?? a.deadline;
}
