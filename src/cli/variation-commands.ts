import { createInterface } from "node:readline/promises";
import {
  applyVariation,
  describeVariation,
  prepareDocumentVariation,
  prepareTargetedVariation,
  requireVariationMeta,
  type PreparedVariation,
} from "../app/variations.ts";
import { changeLine } from "../domain/plan/variation-diff.ts";
import { currentPlan } from "../store/plan.ts";
import { UserError } from "../errors.ts";
import { readPlanFile } from "../plan-import/import-plan.ts";
import { listVariations, type VariationRecord } from "../store/variations.ts";
import type { RegisterCommands } from "./context.ts";

interface VariationOpts {
  atto?: string;
  dal?: string;
  motivo?: string;
  anno?: number;
  codice?: string;
  scadenza?: string;
  valoreAtteso?: string;
  peso?: string;
  stralcia?: string;
  si?: boolean;
  anteprima?: boolean;
}

/** The `variations` JSON rows: one per field changed; a removal has field "stralcio". */
export function variationRows(list: readonly VariationRecord[]) {
  return list.flatMap((v) =>
    v.changes.map((c) => ({
      id: v.id,
      entityType: c.entityType,
      code: c.code,
      field: c.field === "exists" ? (c.to ? "aggiunta" : "stralcio") : c.field,
      from: c.field === "exists" ? null : c.from,
      to: c.field === "exists" ? null : c.to,
      act: v.act,
      validFrom: v.validFrom,
      reason: v.reason,
      createdAt: v.createdAt.toISOString(),
      createdBy: v.createdBy,
    })),
  );
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  try {
    const answer = await Promise.race([
      rl.question(`${question} [s/N] `),
      new Promise<string>((resolve) => rl.once("close", () => resolve(""))),
    ]);
    return /^\s*s[iì]?\s*$/i.test(answer);
  } finally {
    rl.close();
  }
}

export const register: RegisterCommands = (program, ctx) => {
  program
    .command("variazione")
    .description(
      "registra una variazione del piano approvata con un atto: da un documento rivisto, o mirata (--codice, --stralcia)",
    )
    .argument("[file]", "il documento del piano rivisto (testo PIAO o CSV di esporta-piano)")
    .option("--atto <testo>", 'l\'atto che approva la variazione, per esempio "Delibera G.C. n. 80 del 12/09/2024"')
    .option("--dal <data>", "da quando vale, AAAA-MM-GG")
    .option("--motivo <testo>", "la motivazione")
    .option("--anno <anno>", "anno del piano (predefinito: il più recente)", parseYear)
    .option("--codice <codice>", "l'attività (o l'obiettivo, per --peso) da variare")
    .option("--scadenza <data>", "nuova scadenza, GG/MM/AAAA")
    .option("--valore-atteso <testo>", 'nuovo valore atteso, per esempio "60%"')
    .option("--peso <n>", "nuovo peso dell'obiettivo (percentuale)")
    .option("--stralcia <codice>", "toglie l'attività (o l'obiettivo) dal piano da quella data (la storia resta)")
    .option("--si", "applica senza chiedere conferma")
    .option("--anteprima", "mostra le differenze e non scrive nulla")
    .action(async (file: string | undefined, opts: VariationOpts) => {
      // Everything is checked before the database is touched: a refused variation writes nothing.
      const meta = requireVariationMeta({ act: opts.atto, validFrom: opts.dal, reason: opts.motivo });
      const targeted =
        opts.codice !== undefined ||
        opts.stralcia !== undefined ||
        opts.scadenza !== undefined ||
        opts.valoreAtteso !== undefined ||
        opts.peso !== undefined;
      if (file && targeted) {
        throw new UserError({ code: "variation_mixed" });
      }
      const { db } = await ctx.openDb();
      let prepared: PreparedVariation;
      if (file) {
        const parsed = await readPlanFile(file);
        if (opts.anno !== undefined && parsed.year !== opts.anno) {
          throw new UserError({ code: "variation_year", documentYear: parsed.year, asked: opts.anno });
        }
        prepared = await prepareDocumentVariation(db, parsed, meta);
      } else {
        prepared = await prepareTargetedVariation(
          db,
          {
            year: opts.anno,
            code: opts.codice,
            deadline: opts.scadenza,
            target: opts.valoreAtteso,
            weight: opts.peso,
            remove: opts.stralcia,
          },
          meta,
        );
      }
      ctx.out(describeVariation(prepared));
      if (!prepared.changes.length) return;
      if (opts.anteprima) {
        ctx.out("Anteprima: nulla è stato registrato.");
        return;
      }
      if (!opts.si && !(await confirm("Registrare la variazione?"))) {
        ctx.out("Variazione non registrata.");
        return;
      }
      const { id } = await applyVariation(db, prepared, { actor: ctx.actor, now: ctx.clock()() });
      ctx.out(
        `Variazione n. ${id} registrata: ${prepared.changes.length} modifiche, in vigore dal ${itDay(meta.validFrom)}.`,
      );
    });

  program
    .command("variazioni")
    .description("elenca le variazioni del piano, con atto, data e motivazione")
    .option("--anno <anno>", "anno del piano (predefinito: il più recente)", parseYear)
    .option("--json", "stampa in JSON, una riga per campo variato")
    .action(async (opts: { anno?: number; json?: boolean }) => {
      const { db } = await ctx.openDb();
      const plan = await currentPlan(db, opts.anno);
      const list = await listVariations(db, plan.year);
      if (opts.json) {
        ctx.out(JSON.stringify(variationRows(list), null, 2));
        return;
      }
      if (!list.length) {
        ctx.out(`Nessuna variazione del piano ${plan.year}.`);
        return;
      }
      const lines: string[] = [];
      for (const v of list) {
        lines.push(
          `n. ${v.id} — ${v.act}, in vigore dal ${itDay(v.validFrom)}${v.source ? ` (documento ${v.source})` : ""}: ${v.reason}`,
        );
        for (const c of v.changes) lines.push(`    ${changeLine(c)}`);
      }
      ctx.out(lines.join("\n"));
    });
};

const itDay = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

function parseYear(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 2000 || n > 2100) throw new UserError({ code: "bad_year", raw: v });
  return n;
}
