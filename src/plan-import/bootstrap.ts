import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/client.ts";
import type { Env } from "../env.ts";
import type { Logger } from "../logger.ts";
import { importPlanFile } from "./import-plan.ts";

/** The demo plan shipped with the product, for a fictional Comune. */
export const DEMO_PLAN_FILE = fileURLToPath(new URL("../../plans/demo-piao.txt", import.meta.url));

/** On an empty database, load the demo plan (or DEMO_PLAN), so the bot is usable at once. */
export async function ensurePlanLoaded(db: Db, deps: { env: Env; log: Logger; clock: Clock }): Promise<void> {
  if ((await db.plan.count()) > 0) return;
  const file = deps.env.DEMO_PLAN ?? DEMO_PLAN_FILE;
  if (!existsSync(file)) {
    deps.log.warn({ file }, "nessun piano nel database e piano dimostrativo non trovato");
    return;
  }
  const r = await importPlanFile(db, file, { actor: "sistema:avvio", now: deps.clock() });
  deps.log.info({ file, year: r.year, entity: r.entity, activities: r.counts.activities }, "database vuoto: caricato il piano dimostrativo");
}
