import { createInterface } from "node:readline/promises";
import { databaseFilePath } from "../db/url.ts";
import { UserError } from "../errors.ts";
import { backupDatabase, formatBytes, formatSummary, restoreDatabase, type DatabaseSummary } from "../ops/backup.ts";
import type { CliContext, RegisterCommands } from "./context.ts";

/** How the CLI asks "are you sure?": a real question on a terminal, never a silent yes. */
export type Confirmer = (question: string) => Promise<boolean>;

export const register: RegisterCommands = (program, ctx) => registerOps(program, ctx, terminalConfirmer);

export function registerOps(program: Parameters<RegisterCommands>[0], ctx: CliContext, confirmer: Confirmer): void {
  program
    .command("backup")
    .description("salva una copia coerente del database, anche mentre il bot è in funzione")
    .argument("<file>", "file in cui salvare la copia, per esempio /var/backups/obiettivi-2024-10-07.db")
    .option("--forza", "sostituisce il file se esiste già")
    .action(async (file: string, opts: { forza?: boolean }) => {
      const live = liveDatabaseFile(ctx);
      const { summary, elapsedMs } = await backupDatabase(live, file, { overwrite: opts.forza === true });
      ctx.out(
        `Copia salvata in ${summary.file} (${formatBytes(summary.bytes)}, ${Math.round(elapsedMs)} ms). Contiene:\n${formatSummary(summary)}`,
      );
    });

  program
    .command("ripristina")
    .description("sostituisce il database con una copia fatta da «obiettivi backup» (chiede conferma)")
    .argument("<file>", "la copia da ripristinare")
    .option("--si", "conferma senza chiedere (per gli script)")
    .action(async (file: string, opts: { si?: boolean }) => {
      const live = liveDatabaseFile(ctx);
      const result = await restoreDatabase(file, live, {
        actor: ctx.actor,
        now: ctx.clock()(),
        confirm: async (summary, current) => {
          ctx.out(describeRestore(summary, current, live));
          if (opts.si) return true;
          return confirmer("Confermi? [s/N] ");
        },
      });
      if (!result.restored) {
        ctx.out("Ripristino annullato: il database non è stato modificato.");
        return;
      }
      const lines = [`Ripristino completato: ${live} contiene ora la copia ${result.summary.file}.`];
      if (result.safetyCopy) lines.push(`Il contenuto precedente è salvato in ${result.safetyCopy}.`);
      if (result.migrationsApplied.length)
        lines.push(`Aggiornato alla versione attuale (${result.migrationsApplied.join(", ")}).`);
      lines.push("Se il bot è in funzione, riavvialo per sicurezza.");
      ctx.out(lines.join("\n"));
    });
}

function liveDatabaseFile(ctx: CliContext): string {
  const file = databaseFilePath(ctx.env.DATABASE_URL);
  if (file === ":memory:") throw new UserError({ code: "db_memory" });
  return file;
}

function describeRestore(summary: DatabaseSummary, current: DatabaseSummary | null, live: string): string {
  const lines = ["La copia da ripristinare contiene:", formatSummary(summary), ""];
  if (current)
    lines.push(
      `Sostituirà il database in uso (${live}), che contiene:`,
      formatSummary(current),
      "",
      "Prima ne salverò una copia di sicurezza nella stessa cartella.",
    );
  else lines.push(`Diventerà il database ${live} (oggi non esiste).`);
  return lines.join("\n");
}

/**
 * Asks on the terminal. Without a terminal (cron, a pipe) nobody can answer: refuse
 * rather than guess, and say how to confirm in a script.
 */
export const terminalConfirmer: Confirmer = async (question) => {
  if (!process.stdin.isTTY) {
    throw new UserError({ code: "confirm_needs_tty" });
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = (await rl.question(question)).trim().toLowerCase();
    return answer === "s" || answer === "si" || answer === "sì";
  } finally {
    rl.close();
  }
};
