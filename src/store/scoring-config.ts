import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Db, Tx } from "../db/client.ts";
import { parseScoringConfig, parseScoringConfigText, type ScoringConfig, type ScoringConfigInForce } from "../domain/scoring/config.ts";
import { appendAudit } from "./audit.ts";

/** The SMVP rules in force per plan year: versions in the database, else the default shipped in config/. */

const DEFAULT_FILE = fileURLToPath(new URL("../../config/smvp-default.json", import.meta.url));

let shippedDefault: ScoringConfig | undefined;

export function defaultScoringConfig(): ScoringConfig {
  shippedDefault ??= parseScoringConfigText(readFileSync(DEFAULT_FILE, "utf8"), "config/smvp-default.json");
  return structuredClone(shippedDefault);
}

/** The configuration in force for a plan year: its highest version, or the shipped default. */
export async function loadScoringConfig(db: Db | Tx, planYear: number): Promise<ScoringConfigInForce> {
  const row = await db.scoringConfig.findFirst({ where: { planYear }, orderBy: { version: "desc" } });
  if (!row) return { config: defaultScoringConfig(), version: null, createdAt: null, createdBy: null };
  return {
    config: parseScoringConfigText(row.config, `configurazione SMVP ${planYear} versione ${row.version}`),
    version: row.version,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
  };
}

/** Stores a new version for the year (never overwrites an old one) and audits before -> after. */
export async function setScoringConfig(
  db: Db,
  planYear: number,
  raw: unknown,
  opts: { actor: string; now: Date },
): Promise<{ version: number; config: ScoringConfig }> {
  const config = parseScoringConfig(raw);
  return db.$transaction(async (tx) => {
    const previous = await tx.scoringConfig.findFirst({ where: { planYear }, orderBy: { version: "desc" } });
    const version = (previous?.version ?? 0) + 1;
    await tx.scoringConfig.create({
      data: { planYear, version, config: JSON.stringify(config), createdAt: opts.now, createdBy: opts.actor },
    });
    await appendAudit(tx, {
      actor: opts.actor,
      action: "scoring_config",
      entityType: "scoring_config",
      entityKey: String(planYear),
      before: previous ? { version: previous.version, config: JSON.parse(previous.config) as unknown } : null,
      after: { version, config },
      at: opts.now,
    });
    return { version, config };
  });
}

