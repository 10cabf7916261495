import pino from "pino";
import type { LogLevel, Logger as BoltLogger } from "@slack/bolt";

/** Values that must never reach a log line, whatever the level. */
const SECRET_PATTERNS = [/xox[abposr]-[A-Za-z0-9-]+/g, /xapp-[A-Za-z0-9-]+/g];

export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 6) out = out.split(s).join("[redatto]");
  for (const p of SECRET_PATTERNS) out = out.replace(p, "[redatto]");
  return out;
}

export type Logger = pino.Logger;

/** JSON lines on stdout (or `destination`), level from LOG_LEVEL, secrets scrubbed from every line. */
export function createLogger(
  level: string,
  secrets: readonly string[] = [],
  destination: { write(line: string): void } = process.stdout,
): Logger {
  const sink = { write: (line: string) => destination.write(redactSecrets(line, secrets)) };
  return pino(
    {
      level,
      base: { app: "obiettivi" },
      redact: { paths: ["token", "*.token", "headers.authorization", "*.headers.authorization"], censor: "[redatto]" },
    },
    sink,
  );
}

/** Bolt's levels (its LogLevel enum's values) to pino's; only the type is imported, so Bolt's index never loads. */
const BOLT_LEVELS: Record<`${LogLevel}`, pino.Level> = {
  debug: "debug",
  info: "info",
  warn: "warn",
  error: "error",
};

/** Bolt's logger interface on top of pino, so Bolt's own lines are JSON and scrubbed too. */
export function boltLogger(log: Logger): BoltLogger {
  let name = "bolt";
  const child = () => log.child({ component: name });
  const fmt = (msg: unknown[]) =>
    msg
      .map((m) => (typeof m === "string" ? m : m instanceof Error ? (m.stack ?? m.message) : JSON.stringify(m)))
      .join(" ");
  return {
    debug: (...m: unknown[]) => child().debug(fmt(m)),
    info: (...m: unknown[]) => child().info(fmt(m)),
    warn: (...m: unknown[]) => child().warn(fmt(m)),
    error: (...m: unknown[]) => child().error(fmt(m)),
    setLevel: () => {},
    getLevel: () => (Object.entries(BOLT_LEVELS).find(([, v]) => v === log.level)?.[0] ?? "info") as LogLevel,
    setName: (n: string) => {
      name = n;
    },
  };
}
