import { z } from "zod";
import { DEFAULT_DATABASE_URL } from "./db/url.ts";
import { parseMonthDay } from "./domain/calendar/day-formats.ts";

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const cronExpression = z
  .string()
  .trim()
  .regex(/^(\S+\s+){4,5}\S+$/, 'deve essere un\'espressione cron, per esempio "30 8 * * 1" (lunedì alle 8:30)');

export const envSchema = z.object({
  DATABASE_URL: z.string().trim().default(DEFAULT_DATABASE_URL),
  SLACK_BOT_TOKEN: optionalText.pipe(z.string().startsWith("xoxb-", 'deve iniziare con "xoxb-"').optional()),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.pipe(z.string().startsWith("xapp-", 'deve iniziare con "xapp-"').optional()),
  SLACK_API_URL: optionalText.pipe(z.url("deve essere un URL, per esempio http://127.0.0.1:9000/api/").optional()),
  PORT: z.coerce.number().int("deve essere un numero intero").min(1).max(65535).default(3000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DIGEST_CRON: cronExpression.default("30 8 * * 1"),
  /** What a week with nothing to flag gets: one short positive line, or no post. */
  DIGEST_EMPTY_WEEK: z.enum(["riga", "niente"]).default("riga"),
  REMINDER_DAYS: z
    .string()
    .trim()
    .default("7,1")
    .transform((s, ctx) => {
      const days = s.split(",").map((p) => Number(p.trim()));
      if (days.some((d) => !Number.isInteger(d) || d < 0 || d > 365)) {
        ctx.addIssue({
          code: "custom",
          message: "deve essere un elenco di giorni separati da virgole, per esempio 7,1",
        });
        return z.NEVER;
      }
      return [...new Set(days)].sort((a, b) => b - a);
    }),
  /** Patron saint's day, MM-GG (a day off); `obiettivi calendario patrono` overrides it. */
  PATRONO: optionalText.pipe(
    z
      .string()
      .refine(
        (v) => parseMonthDay(v) !== null,
        "deve essere il giorno del santo patrono nel formato MM-GG, per esempio 06-24 (24 giugno)",
      )
      .optional(),
  ),
  /** Reminders of an absent person: to the area's Responsabile, or held until the person is back. */
  ABSENCE_REMINDERS: z
    .enum(["responsabile", "rientro"], "deve essere «responsabile» oppure «rientro»")
    .default("responsabile"),
  /** The Responsabile's digest lists people with no report in this many weeks. */
  NOT_REPORTED_WEEKS: z.coerce
    .number("deve essere un numero di settimane, per esempio 3")
    .int("deve essere un numero intero di settimane")
    .min(1, "deve essere almeno 1")
    .max(52, "deve essere al massimo 52")
    .default(3),
  /** Drawings before the chart process is replaced by a fresh one (report/chart-process.ts). */
  CHART_DRAWINGS_PER_PROCESS: z.coerce
    .number("deve essere un numero di grafici, per esempio 40")
    .int("deve essere un numero intero di grafici")
    .min(1, "deve essere almeno 1")
    .default(40),
  /** Plan loaded on an empty database, so that a newcomer can try the bot at once. */
  DEMO_PLAN: optionalText,
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {}

/** Validates process.env once at start; the message names each bad variable, in Italian. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (parsed.success) {
    const env = parsed.data;
    if (env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
      throw new EnvError(
        "Configurazione non valida:\n- SLACK_SIGNING_SECRET: manca; serve in modalità HTTP (oppure imposta SLACK_APP_TOKEN per la Socket Mode)",
      );
    }
    if (env.SLACK_APP_TOKEN && !env.SLACK_BOT_TOKEN) {
      throw new EnvError(
        "Configurazione non valida:\n- SLACK_BOT_TOKEN: manca; serve insieme a SLACK_APP_TOKEN (Socket Mode)",
      );
    }
    return env;
  }
  const lines = parsed.error.issues.map((i) => `- ${i.path.join(".") || "(ambiente)"}: ${i.message}`);
  throw new EnvError(`Configurazione non valida:\n${lines.join("\n")}`);
}

export type SlackMode = "socket" | "http" | "console";

export function slackMode(env: Env): SlackMode {
  if (env.SLACK_APP_TOKEN) return "socket";
  if (env.SLACK_BOT_TOKEN && env.SLACK_SIGNING_SECRET) return "http";
  return "console";
}

/** Loads `.env` from the working directory when there is one; real environment variables win. */
export function loadDotEnvFile(file = ".env"): void {
  try {
    process.loadEnvFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT")
      throw new EnvError(`Impossibile leggere ${file}: ${(e as Error).message}`);
  }
}
