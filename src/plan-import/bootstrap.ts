import { existsSync, readFileSync } from "node:fs";
import type { Clock } from "../clock.ts";
import { romeDay } from "../domain/calendar/days.ts";
import type { Db } from "../db/client.ts";
import type { Env } from "../env.ts";
import type { Logger } from "../logger.ts";
import { projectPath } from "../paths.ts";
import { hasAnyPlan } from "../store/plan.ts";

/** The demo plan shipped with the product, for a fictional Comune, written for DEMO_YEAR. */
export const DEMO_PLAN_FILE = projectPath("plans/demo-piao.txt");
const DEMO_YEAR = 2024;

/**
 * The shipped demo moved to the current year, so a newcomer sees a live plan (some
 * activities late, some due soon) rather than one whose every deadline has passed.
 */
export function demoPlanText(currentYear: number): string {
  const text = readFileSync(DEMO_PLAN_FILE, "utf8");
  const shift = currentYear - DEMO_YEAR;
  return text.replace(/\b(20\d\d)\b/g, (y) => (Number(y) >= DEMO_YEAR ? String(Number(y) + shift) : y));
}

/** On an empty database, load the demo plan (or DEMO_PLAN, as it is), so the bot is usable at once. */
export async function ensurePlanLoaded(db: Db, deps: { env: Env; log: Logger; clock: Clock }): Promise<void> {
  if (await hasAnyPlan(db)) return;
  // The importer (parsers, CSV) loads only for an empty database, not on every start.
  const { importPlanFile, importPlanText } = await import("./import-plan.ts");
  const now = deps.clock();
  const opts = { actor: "sistema:avvio", now };
  if (deps.env.DEMO_PLAN) {
    const r = await importPlanFile(db, deps.env.DEMO_PLAN, opts);
    deps.log.info(
      { file: deps.env.DEMO_PLAN, year: r.year, entity: r.entity, activities: r.counts.activities },
      "database vuoto: caricato DEMO_PLAN",
    );
    return;
  }
  if (!existsSync(DEMO_PLAN_FILE)) {
    deps.log.warn({ file: DEMO_PLAN_FILE }, "nessun piano nel database e piano dimostrativo non trovato");
    return;
  }
  const year = Number(romeDay(now).slice(0, 4));
  const r = await importPlanText(db, demoPlanText(year), "demo-piao.txt", opts);
  deps.log.info(
    { year: r.year, entity: r.entity, activities: r.counts.activities },
    "database vuoto: caricato il piano dimostrativo",
  );
}
