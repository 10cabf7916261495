import { runCli } from "../../src/cli/index.ts";
import { testDatabase } from "./db.ts";

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs one CLI invocation in-process, capturing what it prints. */
export async function cli(args: string[]): Promise<CliRun> {
  let out = "";
  let err = "";
  const code = await runCli(args, {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
  });
  return { code, out, err };
}

/** A fresh test database that the CLI uses (DATABASE_URL) until `dispose`. */
export async function cliDatabase() {
  const t = await testDatabase();
  const saved = process.env.DATABASE_URL;
  process.env.DATABASE_URL = t.url;
  return {
    ...t,
    async dispose() {
      process.env.DATABASE_URL = saved;
      await t.dispose();
    },
  };
}
