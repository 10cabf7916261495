import { readFileSync } from "node:fs";
import { setBehaviourScores } from "../app/behaviours.ts";
import { itNumber } from "../domain/text/italian.ts";
import { UserError } from "../errors.ts";
import type { RegisterCommands } from "./context.ts";

export const register: RegisterCommands = (program, ctx) => {
  const group = program
    .command("comportamenti")
    .description("i punteggi dei comportamenti organizzativi di ogni Responsabile (scheda di valutazione)");

  group
    .command("imposta")
    .description(
      'imposta i punteggi di un Responsabile da un file JSON {"1": 4, "2": 5, ...} (numero del criterio come in «smvp mostra»)',
    )
    .requiredOption("--responsabile <nome>", "il Responsabile, come indicato nel piano")
    .requiredOption("--file <file>", "file JSON con i punti per criterio")
    .option("--anno <anno>", "anno del piano (predefinito: il più recente)", parseYear)
    .action(async (opts: { responsabile: string; file: string; anno?: number }) => {
      const scores = readJson(opts.file);
      const { db } = await ctx.openDb();
      const r = await setBehaviourScores(db, {
        year: opts.anno,
        responsabile: opts.responsabile,
        scores,
        actor: ctx.actor,
        now: ctx.clock()(),
      });
      const lines = r.criteria.map(
        (c) =>
          `  ${c.number}. ${c.title}: ${r.scores[c.number] == null ? "non inserito" : itNumber(r.scores[c.number]!)} su ${itNumber(c.maxPoints)}`,
      );
      ctx.out(
        [
          `Comportamenti organizzativi ${r.year} di ${r.responsabile} ${r.replaced ? "aggiornati" : "registrati"}: ${itNumber(r.total, 2)} punti su ${itNumber(r.maxTotal)}.`,
          ...lines,
        ].join("\n"),
      );
    });
};

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError({
      code: "file_unreadable",
      file,
      reason: code === "ENOENT" ? null : (code ?? "errore di lettura"),
    });
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new UserError({
      code: "bad_json",
      file,
      detail: e instanceof Error ? e.message : String(e),
      example: '{"1": 4, "2": 5}',
    });
  }
}

function parseYear(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 2000 || n > 2100) throw new UserError({ code: "bad_year", raw: v });
  return n;
}
