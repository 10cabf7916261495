import { writeFileSync } from "node:fs";
import path from "node:path";
import { setManualDeadline } from "../app/deadlines.ts";
import { loadPlanJson, type PlanJson } from "../store/plan.ts";
import { formatItalianDate } from "../domain/plan/targets.ts";
import {
  applyVariation,
  describeVariation,
  isoDay,
  prepareTargetedVariation,
  requireVariationMeta,
} from "../app/variations.ts";
import { romeDay } from "../domain/calendar/days.ts";
import { UserError } from "../errors.ts";
import { readUserBytes } from "../files.ts";
import { previewPlan } from "../app/plan-preview.ts";
import { importProgress } from "../app/progress-import.ts";
import { readProgressFile } from "../plan-import/progress-sheet.ts";
import { importParsedPlan, readPlanFile, type ImportResult } from "../plan-import/import-plan.ts";
import { previewText } from "./plan-preview.ts";
import { loadPlanInForceAsDocument } from "../store/stored-plan.ts";
import { AS_ADOPTED } from "../domain/plan/in-force.ts";
import { exportPlanCsv } from "../plan-import/plan-csv.ts";
import { parseYear, writeOutput, type RegisterCommands } from "./context.ts";

const KIND_LABEL: Record<string, string> = {
  deadline: "scadenza",
  percentage: "percentuale",
  count: "conteggio",
  boolean: "sì/no",
  amount: "importo",
  upper_bound: "limite massimo",
  text: "testo",
};

export const register: RegisterCommands = (program, ctx) => {
  program
    .command("importa")
    .description("importa un Piano della Performance (PDF, Word, modello Excel, testo PIAO o CSV di esporta-piano)")
    .argument("<file>", "il documento del piano")
    .option("--anteprima", "mostra cosa verrebbe importato e le differenze con il piano caricato, senza scrivere nulla")
    .option("--atto <testo>", 'l\'atto che adotta il piano, per esempio "Delibera G.C. n. 5 del 30/01/2024"')
    .option("--dal <data>", "da quando il piano adottato è in vigore, AAAA-MM-GG (predefinito: 1° gennaio)")
    .action(async (file: string, opts: { anteprima?: boolean; atto?: string; dal?: string }) => {
      const adoptedFrom = opts.dal === undefined ? null : isoDay(opts.dal.trim(), "--dal");
      const parsed = await readPlanFile(file);
      const { db } = await ctx.openDb();
      if (opts.anteprima) {
        ctx.out(previewText(await previewPlan(db, parsed)));
        return;
      }
      const result = await importParsedPlan(db, parsed, {
        actor: ctx.actor,
        now: ctx.clock()(),
        adoptedAct: opts.atto?.trim() || null,
        adoptedFrom,
      });
      ctx.out(importReport(result));
      if (result.hadVariations) {
        ctx.err(
          "Attenzione: il piano aveva variazioni registrate e questa importazione ne cambia il testo adottato, dall'inizio dell'anno. Per cambiare il piano da una data, con l'atto che lo approva, usa «obiettivi variazione <file> --atto … --dal … --motivo …».",
        );
      }
    });

  program
    .command("esporta-modello")
    .description(
      "scrive il modello Excel vuoto del piano (aree, obiettivi, attività, istruzioni) da compilare e importare",
    )
    .requiredOption("--output <file>", "il file .xlsx da scrivere, per esempio modello.xlsx")
    .action(async (opts: { output: string }) => {
      const { writePlanTemplate } = await import("../plan-import/xlsx/write-template.ts");
      writeFileSync(opts.output, await writePlanTemplate(null));
      ctx.err(
        `Modello del piano scritto in ${opts.output}: compilalo e importalo con «obiettivi importa ${opts.output}».`,
      );
    });

  program
    .command("importa-avanzamento")
    .description(
      "importa l'avanzamento tenuto altrove (xlsx o csv: codice, data, stato/valore, nota, evidenza, autore); tutte le righe o nessuna",
    )
    .argument("<file>", "il file .xlsx o .csv")
    .option("--anno <anno>", "anno del piano (predefinito: il più recente)", parseYear)
    .action(async (file: string, opts: { anno?: number }) => {
      const content = readUserBytes(file);
      const rows = await readProgressFile(content, file);
      const { db } = await ctx.openDb();
      const r = await importProgress(db, rows, {
        actor: ctx.actor,
        now: ctx.clock()(),
        content,
        sourceName: path.basename(file),
        year: opts.anno,
      });
      ctx.out(
        r.recorded === 0
          ? `Nessuna riga nuova: le ${r.alreadyImported} righe di ${path.basename(file)} erano già state importate.`
          : `Avanzamento ${r.year} importato da ${path.basename(file)}: ${r.recorded} ${r.recorded === 1 ? "segnalazione registrata" : "segnalazioni registrate"} su ${r.activities} ${r.activities === 1 ? "attività" : "attività"}` +
              (r.alreadyImported ? ` (${r.alreadyImported} righe erano già state importate)` : "") +
              ".",
      );
    });

  program
    .command("piano")
    .description("mostra il piano caricato, come albero o in JSON")
    .option("--json", "stampa il piano in JSON")
    .option("--anno <anno>", "anno del piano (predefinito: il più recente)", parseYear)
    .option("--al <data>", "il piano in vigore in quella data, AAAA-MM-GG (predefinito: oggi)")
    .action(async (opts: { json?: boolean; anno?: number; al?: string }) => {
      const day = opts.al === undefined ? romeDay(ctx.clock()()) : isoDay(opts.al.trim(), "--al");
      const { db } = await ctx.openDb();
      const plan = await loadPlanJson(db, opts.anno, day, { dated: opts.al !== undefined });
      ctx.out(opts.json ? JSON.stringify(plan, null, 2) : planTree(plan));
    });

  program
    .command("esporta-piano")
    .description(
      "esporta il piano in vigore oggi (con le variazioni approvate), reimportabile con «importa»: CSV per Excel (UTF-8 con BOM, separatore «;») o il modello Excel compilato (xlsx)",
    )
    .option("--csv", "formato CSV (come --formato csv)")
    .option("--formato <formato>", "csv | xlsx (il modello Excel, reimportabile con «importa»)")
    .option("--output <file>", "file da scrivere (predefinito: standard output)")
    .option("--anno <anno>", "anno del piano (predefinito: il più recente)", parseYear)
    .option("--al <data>", "il piano in vigore in quella data, AAAA-MM-GG (predefinito: oggi)")
    .option("--adottato", "il piano come adottato, prima di ogni variazione (non con --al)")
    .action(
      async (opts: {
        csv?: boolean;
        formato?: string;
        output?: string;
        anno?: number;
        al?: string;
        adottato?: boolean;
      }) => {
        const format = exportFormat(opts);
        if (opts.adottato && opts.al !== undefined) throw new UserError({ code: "adopted_and_day" });
        const day = opts.adottato
          ? AS_ADOPTED
          : opts.al === undefined
            ? romeDay(ctx.clock()())
            : isoDay(opts.al.trim(), "--al");
        if (format === "xlsx" && !opts.output && process.stdout.isTTY) {
          throw new UserError({ code: "xlsx_to_tty" });
        }
        const { db } = await ctx.openDb();
        const stored = await loadPlanInForceAsDocument(db, opts.anno, day);
        let content: string | Buffer;
        if (format === "xlsx") {
          const { writePlanTemplate } = await import("../plan-import/xlsx/write-template.ts");
          content = await writePlanTemplate(stored.plan, { manualDeadlines: stored.manualDeadlines });
        } else {
          content = exportPlanCsv(stored);
        }
        writeOutput(ctx, opts.output, content, (file) => `Piano esportato in ${file}`);
      },
    );

  program
    .command("scadenza")
    .description(
      "imposta a mano la scadenza di un'attività senza una data nel piano; con --atto, varia quella del piano",
    )
    .argument("<codice>", "codice dell'attività, per esempio 2.2.5")
    .argument("<data>", "nuova scadenza, per esempio 31/12/2024 o 2024-12-31")
    .option("--anno <anno>", "anno del piano (predefinito: il più recente)", parseYear)
    .option("--nota <testo>", "perché questa data (per esempio il termine di legge a cui si riferisce)")
    .option("--atto <testo>", "per una scadenza scritta nel piano: l'atto che approva la variazione")
    .option("--dal <data>", "con --atto: da quando vale la variazione, AAAA-MM-GG")
    .option("--motivo <testo>", "con --atto: la motivazione (predefinita: la nota)")
    .action(
      async (
        code: string,
        date: string,
        opts: { anno?: number; nota?: string; atto?: string; dal?: string; motivo?: string },
      ) => {
        if (opts.atto !== undefined || opts.dal !== undefined) {
          const meta = requireVariationMeta({ act: opts.atto, validFrom: opts.dal, reason: opts.motivo ?? opts.nota });
          const { db } = await ctx.openDb();
          const prepared = await prepareTargetedVariation(db, { year: opts.anno, code, deadline: date }, meta);
          const { id } = await applyVariation(db, prepared, { actor: ctx.actor, now: ctx.clock()() });
          ctx.out(`${describeVariation(prepared)}\nVariazione n. ${id} registrata.`);
          return;
        }
        const { db } = await ctx.openDb();
        const r = await setManualDeadline(db, {
          year: opts.anno,
          code,
          date,
          actor: ctx.actor,
          now: ctx.clock()(),
          note: opts.nota,
        });
        ctx.out(
          `Scadenza dell'attività ${r.code} impostata al ${formatItalianDate(r.deadline)}` +
            (r.previous ? ` (prima: ${formatItalianDate(r.previous)})` : ` (valore atteso nel piano: «${r.target}»)`),
        );
      },
    );
};

function exportFormat(opts: { csv?: boolean; formato?: string }): "csv" | "xlsx" {
  const f = (opts.formato ?? "csv").trim().toLowerCase();
  if (f !== "csv" && f !== "xlsx")
    throw new UserError({ code: "bad_format", raw: opts.formato ?? "", formats: "csv, xlsx" });
  if (opts.csv && f !== "csv") throw new UserError({ code: "two_formats" });
  return f;
}

export function importReport(r: ImportResult): string {
  const lines: string[] = [];
  lines.push(`Piano ${r.year} — ${r.entity}`);
  lines.push(
    `  ${r.counts.areas} aree, ${r.counts.areaObjectives} obiettivi di area, ${r.counts.enteObjectives} obiettivi di ente, ${r.counts.activities} attività`,
  );
  if (r.unchanged) {
    lines.push("  Nessuna modifica: il piano è identico a quello già caricato.");
  } else {
    lines.push(
      `  Nuove: ${r.created.length}; modificate: ${r.updated.length}; archiviate: ${r.archived.length}; ripristinate: ${r.restored.length}`,
    );
    if (r.updated.length) lines.push(`  Modificate: ${r.updated.join(", ")}`);
    if (r.archived.length)
      lines.push(`  Archiviate (non più nel documento; l'avanzamento registrato resta): ${r.archived.join(", ")}`);
  }
  const structural = r.anomalies.filter((a) => a.kind !== "manual_deadline");
  if (structural.length) {
    lines.push("", `Anomalie del documento (${structural.length}):`);
    for (const a of structural) lines.push(`  - [${a.code}] ${a.message}`);
  }
  if (r.manualDates.length) {
    lines.push(
      "",
      `Valori attesi senza una data certa (${r.manualDates.length}): imposta la scadenza con «obiettivi scadenza <codice> <data>»`,
    );
    for (const m of r.manualDates) lines.push(`  - ${m.code}: «${m.target}»`);
  }
  return lines.join("\n");
}

export function planTree(p: PlanJson): string {
  const lines = [`${p.entity} — Piano della Performance ${p.year}`];
  const renderObjective = (o: PlanJson["objectives"][number], indent: string) => {
    lines.push(`${indent}${o.code} ${o.title}${o.weight !== null ? ` (peso ${o.weight}%)` : ""}`);
    for (const a of o.activities) {
      const printed = a.printedCode && a.printedCode !== a.code ? ` [stampato ${a.printedCode}]` : "";
      const due = a.indicator.deadline ? `, entro il ${formatItalianDate(a.indicator.deadline)}` : "";
      lines.push(
        `${indent}  ${a.code}${printed} ${a.title} — ${a.indicator.target} (${KIND_LABEL[a.indicator.kind] ?? a.indicator.kind}${due})`,
      );
    }
  };
  const ente = p.objectives.filter((o) => o.areaCode === null);
  if (ente.length) {
    lines.push("", "Obiettivi di ente (tutte le aree)");
    for (const o of ente) renderObjective(o, "  ");
  }
  for (const a of p.areas) {
    lines.push("", `${a.code}. ${a.name}${a.head ? ` — responsabile ${a.head}` : ""}`);
    for (const o of p.objectives.filter((x) => x.areaCode === a.code)) renderObjective(o, "  ");
  }
  if (p.anomalies.length) {
    lines.push("", `Anomalie del documento: ${p.anomalies.length} (vedi «obiettivi piano --json»)`);
  }
  return lines.join("\n");
}
