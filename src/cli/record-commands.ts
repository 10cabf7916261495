import { recordOnBehalf } from "../app/obiettivo.ts";
import { isoDay } from "../app/variations.ts";
import { messageToText } from "../console/render.ts";
import { normalizeSlackUserId } from "../domain/users.ts";
import { obiettivoOutcome } from "../slack/ui/obiettivo.ts";
import type { RegisterCommands } from "./context.ts";

export const register: RegisterCommands = (program, ctx) => {
  program
    .command("registra")
    .description(
      "registra per conto di una persona un fatto comunicato per email o telefono (stessa sintassi di /obiettivo)",
    )
    .argument("<codice>", "codice dell'attività, per esempio 3.1.2")
    .argument(
      "<testo...>",
      "come dopo /obiettivo <codice>: completato, 60%, +1, = 12, bloccato <motivo>, nota <testo>…",
    )
    .requiredOption("--utente <id>", "l'ID Slack della persona di cui è il fatto, per esempio U0123ABCD")
    .option("--il <data>", "la data del fatto, AAAA-MM-GG (predefinito: oggi)")
    .option("--evidenza <testo>", "l'evidenza (numero di atto, protocollo, link)")
    .option("--nota <testo>", "una nota")
    .action(
      async (
        code: string,
        words: string[],
        opts: { utente: string; il?: string; evidenza?: string; nota?: string },
      ) => {
        const userId = normalizeSlackUserId(opts.utente);
        const occurredOn = opts.il === undefined ? undefined : isoDay(opts.il.trim(), "--il");
        const { db } = await ctx.openDb();
        const result = await recordOnBehalf(
          { db, clock: ctx.clock() },
          {
            userId,
            enteredBy: ctx.actor,
            text: `${code} ${words.join(" ")}`,
            occurredOn,
            evidence: opts.evidenza,
            note: opts.nota,
          },
        );
        const outcome = obiettivoOutcome(result);
        const text = outcome.kind === "message" ? messageToText(outcome.message) : outcome.text;
        ctx.out(`${text}\n(registrato da ${ctx.actor} per conto di ${userId})`);
      },
    );
};
