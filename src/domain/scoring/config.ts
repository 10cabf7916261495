import { z } from "zod";
import { UserError } from "../../errors.ts";

/**
 * The SMVP (each Comune's own scoring rules) as data: one versioned JSON per plan year in
 * the ScoringConfig table, the highest version in force; the shipped default applies to
 * a year that has none. Changing the rules never needs a code change.
 */

const percent = z.number().min(0).max(100);
const monthDay = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, "deve essere MM-GG, per esempio 06-01");
const objectiveMethod = z.enum(["media_ponderata", "tutte_raggiunte"]);

const deadlineRule = z
  .strictObject({
    /** Late completion: "zero" = 0%; "fasce" = the first band whose maxDaysLate covers the delay, 0% beyond. */
    late: z.enum(["zero", "fasce"]).default("zero"),
    /** How days of lateness are counted: working days of the Comune's calendar (default), or calendar days. */
    days: z.enum(["lavorativi", "calendario"]).default("lavorativi"),
    bands: z.array(z.strictObject({ maxDaysLate: z.number().int().positive(), percent })).default([]),
  })
  .superRefine((r, ctx) => {
    if (r.late === "fasce" && r.bands.length === 0) {
      ctx.addIssue({ code: "custom", path: ["bands"], message: "con late = \"fasce\" serve almeno una fascia, per esempio [{\"maxDaysLate\": 30, \"percent\": 50}]" });
    }
    for (let i = 1; i < r.bands.length; i++) {
      if (r.bands[i]!.maxDaysLate <= r.bands[i - 1]!.maxDaysLate) {
        ctx.addIssue({ code: "custom", path: ["bands", i, "maxDaysLate"], message: "le fasce vanno elencate per giorni di ritardo crescenti" });
      }
    }
  });

const countRule = z.strictObject({
  /** "proporzionale" = achieved/threshold; "soglia" = 100% when the threshold is reached, else 0%. */
  mode: z.enum(["proporzionale", "soglia"]).default("proporzionale"),
  /** A threshold "al mese" is compared with threshold x months elapsed at the evaluation date. */
  scaleByPeriod: z.boolean().default(true),
});

/** Also in config/smvp-default.json: a partial configuration gets the same windows as the shipped one. */
const DEFAULT_SEASONS = [{ match: "estiv", label: "stagione estiva", from: "06-01", to: "09-30" }];

export const scoringConfigSchema = z.strictObject({
  /** Points an area head gets for objectives at 100% (the Leggiuno SMVP: 40). */
  maxPoints: z.number().positive().default(40),
  /** Points of the Comune-wide objectives (organisational performance; Leggiuno: 60 - 50 for behaviours = 10). */
  comuneWideMaxPoints: z.number().nonnegative().default(10),
  objective: z
    .strictObject({
      method: objectiveMethod.default("media_ponderata"),
      /** Per objective code, e.g. {"3.1": "tutte_raggiunte"}. */
      overrides: z.record(z.string().min(1), objectiveMethod).default({}),
    })
    .prefault({}),
  /** The percentage at which an activity counts as met for "tutte_raggiunte". */
  metThreshold: percent.default(100),
  /** Activity weights inside their objective (default 1 each), by activity code. */
  activityWeights: z.record(z.string().min(1), z.number().positive()).default({}),
  rules: z
    .strictObject({
      deadline: deadlineRule.prefault({}),
      count: countRule.prefault({}),
    })
    .prefault({}),
  /** Windows for qualifiers like "(stagione estiva)" of period counts; matched as a substring. */
  seasons: z
    .array(z.strictObject({ match: z.string().min(1), label: z.string().min(1), from: monthDay, to: monthDay }))
    .default(() => structuredClone(DEFAULT_SEASONS))
    .superRefine((seasons, ctx) => {
      seasons.forEach((s, i) => {
        if (s.from > s.to) ctx.addIssue({ code: "custom", path: [i, "to"], message: "la fine della stagione deve seguire l'inizio nello stesso anno" });
      });
    }),
  /** Evaluations decided by hand (targets with no measurable value), by activity code. */
  manualEvaluations: z.record(z.string().min(1), z.strictObject({ percent, reason: z.string().trim().min(1, "serve il motivo della valutazione") })).default({}),
});

export type ScoringConfig = z.infer<typeof scoringConfigSchema>;

export interface ScoringConfigInForce {
  config: ScoringConfig;
  /** null: the shipped default (the year has no configuration of its own). */
  version: number | null;
  createdAt: Date | null;
  createdBy: string | null;
}


/** Validates a configuration; the error lists every wrong field, in Italian. */
export function parseScoringConfig(raw: unknown, origin = "configurazione SMVP"): ScoringConfig {
  const parsed = scoringConfigSchema.safeParse(raw, { error: z.locales.it().localeError });
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `- ${i.path.length ? i.path.join(".") : "(radice)"}: ${i.message}`);
  throw new UserError({ code: "bad_scoring_config", detail: `${origin} non valida:\n${lines.join("\n")}` });
}

export function parseScoringConfigText(text: string, origin = "configurazione SMVP"): ScoringConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new UserError({ code: "bad_scoring_config", detail: `${origin}: il file non è JSON valido (${e instanceof Error ? e.message : String(e)}).` });
  }
  return parseScoringConfig(raw, origin);
}

export function configLabel(c: Pick<ScoringConfigInForce, "version">, planYear: number): string {
  return c.version === null ? `configurazione SMVP predefinita (nessuna configurazione per il ${planYear})` : `configurazione SMVP ${planYear} versione ${c.version}`;
}
