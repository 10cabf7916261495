import { readFileSync } from "node:fs";
import type { Db, Tx } from "../db/client.ts";
import {
  parseScoringConfig,
  parseScoringConfigText,
  versionInForce,
  type ScoringConfig,
  type ScoringConfigInForce,
} from "../domain/scoring/config.ts";
import { projectPath } from "../paths.ts";
import { appendAudit } from "./audit.ts";

/** The SMVP rules in force per plan year: versions in the database, else the default shipped in config/. */

const DEFAULT_FILE = projectPath("config/smvp-default.json");

let shippedDefault: ScoringConfig | undefined;

export function defaultScoringConfig(): ScoringConfig {
  shippedDefault ??= parseScoringConfigText(readFileSync(DEFAULT_FILE, "utf8"), "config/smvp-default.json");
  return structuredClone(shippedDefault);
}

/** The configuration in force for a plan year on a day (default: its highest version), or the shipped default. */
export async function loadScoringConfig(db: Db | Tx, planYear: number, day?: string): Promise<ScoringConfigInForce> {
  const rows = await db.scoringConfig.findMany({ where: { planYear } });
  const row = versionInForce(rows, day);
  if (!row)
    return {
      config: defaultScoringConfig(),
      version: null,
      createdAt: null,
      createdBy: null,
      validFrom: null,
      act: null,
    };
  return {
    config: parseScoringConfigText(row.config, `configurazione SMVP ${planYear} versione ${row.version}`),
    version: row.version,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    validFrom: row.validFrom,
    act: row.act,
  };
}

/** Stores a new version for the year (never overwrites an old one) and audits before -> after. */
export async function setScoringConfig(
  db: Db,
  planYear: number,
  raw: unknown,
  opts: { actor: string; now: Date; validFrom?: string | null; act?: string | null },
): Promise<{ version: number; config: ScoringConfig }> {
  const config = parseScoringConfig(raw);
  return db.$transaction(async (tx) => {
    const previous = await tx.scoringConfig.findFirst({ where: { planYear }, orderBy: { version: "desc" } });
    const version = (previous?.version ?? 0) + 1;
    await tx.scoringConfig.create({
      data: {
        planYear,
        version,
        config: JSON.stringify(config),
        createdAt: opts.now,
        createdBy: opts.actor,
        validFrom: opts.validFrom ?? null,
        act: opts.act ?? null,
      },
    });
    await appendAudit(tx, {
      actor: opts.actor,
      action: "scoring_config",
      entityType: "scoring_config",
      entityKey: String(planYear),
      before: previous ? { version: previous.version, config: JSON.parse(previous.config) as unknown } : null,
      after: { version, validFrom: opts.validFrom ?? null, act: opts.act ?? null, config },
      at: opts.now,
    });
    return { version, config };
  });
}
