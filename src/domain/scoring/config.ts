import { z } from "zod";
import { UserError } from "../../errors.ts";
import { ACT_KINDS } from "../validation/evidence.ts";

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
      ctx.addIssue({
        code: "custom",
        path: ["bands"],
        message: 'con late = "fasce" serve almeno una fascia, per esempio [{"maxDaysLate": 30, "percent": 50}]',
      });
    }
    for (let i = 1; i < r.bands.length; i++) {
      if (r.bands[i]!.maxDaysLate <= r.bands[i - 1]!.maxDaysLate) {
        ctx.addIssue({
          code: "custom",
          path: ["bands", i, "maxDaysLate"],
          message: "le fasce vanno elencate per giorni di ritardo crescenti",
        });
      }
    }
  });

const countRule = z.strictObject({
  /** "proporzionale" = achieved/threshold; "soglia" = 100% when the threshold is reached, else 0%. */
  mode: z.enum(["proporzionale", "soglia"]).default("proporzionale"),
  /** A threshold "al mese" is compared with threshold x months elapsed at the evaluation date. */
  scaleByPeriod: z.boolean().default(true),
});

const evidenceRule = z.strictObject({
  /** A completion on this indicator kind needs evidence (an act or a link). */
  required: z.boolean().default(true),
  /** The acts that count: determina, delibera, decreto, ordinanza, protocollo, link, altro. */
  acts: z
    .array(z.enum(ACT_KINDS))
    .min(1, 'indica almeno un tipo di atto, per esempio ["determina", "link"]')
    .default(["determina", "delibera", "protocollo", "link"]),
  /** false: a completion without evidence scores 0%; true: it scores and is marked "senza evidenza". */
  scoresWithout: z.boolean().default(true),
});

/** Also in config/smvp-default.json: a configuration stored before evidence rules existed gets these. */
const DEFAULT_EVIDENCE = {
  deadline: { required: true, acts: ["determina", "delibera", "protocollo", "link"], scoresWithout: true },
} as const;

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
        if (s.from > s.to)
          ctx.addIssue({
            code: "custom",
            path: [i, "to"],
            message: "la fine della stagione deve seguire l'inizio nello stesso anno",
          });
      });
    }),
  /** Individual evaluation (scheda di valutazione): behaviour criteria and who enters them. */
  behaviours: z
    .strictObject({
      /**
       * Criteria in SMVP order (the number a score file uses is the position, from 1). Absent:
       * the criteria the plan document lists, else the shipped default's.
       */
      criteria: z
        .array(z.strictObject({ title: z.string().trim().min(1), maxPoints: z.number().positive() }))
        .min(1)
        .optional(),
      /** Roles allowed to enter behaviour scores from Slack. */
      editors: z.array(z.enum(["segretario", "nucleo", "admin", "responsabile"])).default(["segretario", "nucleo"]),
    })
    .prefault({}),
  /**
   * DL 13/2023 art. 4-bis: a share of result pay tied to the payment-times objective, shown apart
   * on each scorecard. The objective is found by code, else by a word in its title.
   */
  paymentTimes: z
    .strictObject({
      enabled: z.boolean().default(true),
      objectiveCode: z.string().min(1).nullable().default(null),
      titleMatch: z.string().min(1).default("tempi di pagamento"),
      resultPayShare: percent.default(30),
    })
    .prefault({}),
  /**
   * Comune-wide objectives scored per area ("per_area": each area's reports count for its
   * own Responsabile) or for the whole Comune ("ente", the default), by objective code.
   */
  comuneWideScoring: z.record(z.string().min(1), z.enum(["per_area", "ente"])).default({}),
  /** Evaluations decided by hand (targets with no measurable value), by activity code. */
  manualEvaluations: z
    .record(
      z.string().min(1),
      z.strictObject({ percent, reason: z.string().trim().min(1, "serve il motivo della valutazione") }),
    )
    .default({}),
  /** Evidence rules by indicator kind (deadline, percentage, count, boolean, amount, upper_bound, text). */
  evidence: z
    .strictObject({
      deadline: evidenceRule.optional(),
      percentage: evidenceRule.optional(),
      count: evidenceRule.optional(),
      boolean: evidenceRule.optional(),
      amount: evidenceRule.optional(),
      upper_bound: evidenceRule.optional(),
      text: evidenceRule.optional(),
    })
    .default(() => structuredClone(DEFAULT_EVIDENCE) as never),
  /** A report entered more than this many days after the date it claims is flagged as a late entry. */
  lateEntryDays: z.number().int().min(0).max(366).default(30),
});

export type ScoringConfig = z.infer<typeof scoringConfigSchema>;

export interface ScoringConfigInForce {
  config: ScoringConfig;
  /** null: the shipped default (the year has no configuration of its own). */
  version: number | null;
  createdAt: Date | null;
  createdBy: string | null;
  /** The day it applies from (null: from the start of the year). */
  validFrom: string | null;
  /** The act that adopted it, when given. */
  act: string | null;
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
    throw new UserError({
      code: "bad_scoring_config",
      detail: `${origin}: il file non è JSON valido (${e instanceof Error ? e.message : String(e)}).`,
    });
  }
  return parseScoringConfig(raw, origin);
}

/**
 * The version in force on a day: among those whose validFrom is not after the day (no
 * validFrom: from the start), the highest. Pure, so every caller dates the rules alike.
 */
export function versionInForce<V extends { version: number; validFrom: string | null }>(
  versions: readonly V[],
  day: string | undefined,
): V | null {
  let best: V | null = null;
  for (const v of versions) {
    if (day !== undefined && v.validFrom !== null && v.validFrom > day) continue;
    if (!best || v.version > best.version) best = v;
  }
  return best;
}

export function configLabel(
  c: Pick<ScoringConfigInForce, "version"> & Partial<Pick<ScoringConfigInForce, "validFrom" | "act">>,
  planYear: number,
): string {
  if (c.version === null) return `configurazione SMVP predefinita (nessuna configurazione per il ${planYear})`;
  const from = c.validFrom
    ? ` in vigore dal ${c.validFrom.slice(8, 10)}/${c.validFrom.slice(5, 7)}/${c.validFrom.slice(0, 4)}`
    : "";
  const act = c.act ? ` (${c.act})` : "";
  return `configurazione SMVP ${planYear} versione ${c.version}${from}${act}`;
}
