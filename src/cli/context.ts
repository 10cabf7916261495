import { writeFileSync } from "node:fs";
import os from "node:os";
import type { Command } from "commander";
import { fixedClock, systemClock, type Clock } from "../clock.ts";
import { openDatabase, type OpenedDatabase } from "../db/client.ts";
import type { Env } from "../env.ts";
import { UserError } from "../errors.ts";

export interface CliContext {
  env: Env;
  /** Opens (creating and migrating if needed) the database; closed by the CLI at exit. */
  openDb(): Promise<OpenedDatabase>;
  out(text: string): void;
  err(text: string): void;
  /** The real clock, or the day given with --oggi (yyyy-mm-dd). */
  clock(oggi?: string): Clock;
  /** Who acts, for the audit trail. */
  actor: string;
}

export type RegisterCommands = (program: Command, ctx: CliContext) => void;

export function createCliContext(env: Env, io: { out(s: string): void; err(s: string): void }) {
  let opened: OpenedDatabase | undefined;
  const ctx: CliContext & { close(): Promise<void> } = {
    env,
    async openDb() {
      opened ??= await openDatabase(env.DATABASE_URL);
      return opened;
    },
    out: (t) => io.out(t.endsWith("\n") ? t : `${t}\n`),
    err: (t) => io.err(t.endsWith("\n") ? t : `${t}\n`),
    clock(oggi) {
      if (oggi === undefined) return systemClock;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(oggi) || Number.isNaN(Date.parse(oggi))) {
        throw new UserError({ code: "bad_date", raw: oggi, expected: "cli" });
      }
      return fixedClock(oggi);
    },
    actor: `cli:${safeUser()}`,
    async close() {
      await opened?.close();
      opened = undefined;
    },
  };
  return ctx;
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return "sconosciuto";
  }
}

/** `--anno <anno>`: a plan year, 2000 to 2100. */
export function parseYear(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 2000 || n > 2100) throw new UserError({ code: "bad_year", raw: v });
  return n;
}

/** `--output <file>`: the file, and a line on standard error saying so; without it, standard output. */
export function writeOutput(
  ctx: CliContext,
  file: string | undefined,
  content: string | Uint8Array,
  said: (file: string) => string,
): void {
  if (file) {
    writeFileSync(file, content);
    ctx.err(said(file));
  } else {
    process.stdout.write(content);
  }
}
