import { Command, CommanderError } from "commander";
import { loadDotEnvFile, loadEnv, EnvError } from "../env.ts";
import { userMessageOf, UserError } from "../errors.ts";
import { createCliContext } from "./context.ts";
import { italianHelp } from "./italian-help.ts";
import { register as registerPlan } from "./plan-commands.ts";
import { register as registerUsers } from "./user-commands.ts";
import { register as registerDigest } from "./digest-commands.ts";
import { register as registerReports } from "./report-commands.ts";
import { register as registerOps } from "./ops-commands.ts";
import { register as registerBehaviours } from "./behaviour-commands.ts";
import { register as registerVariations } from "./variation-commands.ts";
import { register as registerRecord } from "./record-commands.ts";
import { register as registerValidation } from "./validation-commands.ts";
import { register as registerSchedule } from "./schedule-commands.ts";

/** Runs one CLI invocation; returns the exit code (tests call this directly). */
export async function runCli(argv: string[], io?: { out(s: string): void; err(s: string): void }): Promise<number> {
  const write = io ?? {
    out: (s: string) => void process.stdout.write(s),
    err: (s: string) => void process.stderr.write(s),
  };
  let env;
  try {
    loadDotEnvFile();
    env = loadEnv();
  } catch (e) {
    write.err(`${e instanceof EnvError ? e.message : String(e)}\n`);
    return 2;
  }
  const ctx = createCliContext(env, write);
  const program = italianHelp(
    new Command("obiettivi")
      .description("Obiettivi: il Piano della Performance del Comune, da riga di comando")
      .exitOverride()
      .configureOutput({ writeOut: (s) => write.out(s), writeErr: (s) => write.err(s) }),
  ).showHelpAfterError("(usa --help per l'elenco dei comandi)");
  for (const register of [
    registerPlan,
    registerUsers,
    registerDigest,
    registerReports,
    registerOps,
    registerBehaviours,
    registerVariations,
    registerRecord,
    registerValidation,
    registerSchedule,
  ])
    register(program, ctx);
  try {
    await program.parseAsync(argv, { from: "user" });
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    write.err(`${userMessageOf(e, "cli")}\n`);
    if (!(e instanceof UserError) && process.env.LOG_LEVEL === "debug")
      write.err(`${e instanceof Error ? e.stack : String(e)}\n`);
    return 1;
  } finally {
    await ctx.close();
  }
}

const isEntry = process.argv[1] && /(?:cli[\\/]index\.ts|dist[\\/]cli\.js|obiettivi(?:\.mjs)?)$/.test(process.argv[1]);
if (isEntry) {
  const code = await runCli(process.argv.slice(2));
  process.exitCode = code;
}
