import { writeFileSync } from "node:fs";
import { setManualDeadline } from "../app/deadlines.ts";
import { loadPlanJson, type PlanJson } from "../store/plan.ts";
import { formatItalianDate } from "../domain/plan/targets.ts";
import { UserError } from "../errors.ts";
import { importPlanFile, type ImportResult } from "../plan-import/import-plan.ts";
import { exportPlanCsv } from "../plan-import/plan-csv.ts";
import type { RegisterCommands } from "./context.ts";

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
    .description("importa un Piano della Performance (documento PIAO in testo, o CSV di esporta-piano)")
    .argument("<file>", "il documento del piano")
    .action(async (file: string) => {
      const { db } = await ctx.openDb();
      const result = await importPlanFile(db, file, { actor: ctx.actor, now: ctx.clock()() });
      ctx.out(importReport(result));
    });

  program
    .command("piano")
    .description("mostra il piano caricato, come albero o in JSON")
    .option("--json", "stampa il piano in JSON")
    .option("--anno <anno>", "anno del piano (predefinito: il più recente)", parseYear)
    .action(async (opts: { json?: boolean; anno?: number }) => {
      const { db } = await ctx.openDb();
      const plan = await loadPlanJson(db, opts.anno);
      ctx.out(opts.json ? JSON.stringify(plan, null, 2) : planTree(plan));
    });

  program
    .command("esporta-piano")
    .description("esporta il piano per Excel (CSV UTF-8 con BOM, separatore «;»)")
    .requiredOption("--csv", "formato CSV (l'unico disponibile)")
    .option("--output <file>", "file da scrivere (predefinito: standard output)")
    .option("--anno <anno>", "anno del piano (predefinito: il più recente)", parseYear)
    .action(async (opts: { output?: string; anno?: number }) => {
      const { db } = await ctx.openDb();
      const csv = await exportPlanCsv(db, opts.anno);
      if (opts.output) {
        writeFileSync(opts.output, csv);
        ctx.err(`Piano esportato in ${opts.output}`);
      } else {
        process.stdout.write(csv);
      }
    });

  program
    .command("scadenza")
    .description("imposta a mano la scadenza di un'attività (resta valida anche dopo una nuova importazione)")
    .argument("<codice>", "codice dell'attività, per esempio 2.2.5")
    .argument("<data>", "nuova scadenza, per esempio 31/12/2024 o 2024-12-31")
    .option("--anno <anno>", "anno del piano (predefinito: il più recente)", parseYear)
    .action(async (code: string, date: string, opts: { anno?: number }) => {
      const { db } = await ctx.openDb();
      const r = await setManualDeadline(db, { year: opts.anno, code, date, actor: ctx.actor, now: ctx.clock()() });
      ctx.out(
        `Scadenza dell'attività ${r.code} impostata al ${formatItalianDate(r.deadline)}` +
          (r.previous ? ` (prima: ${formatItalianDate(r.previous)})` : ` (valore atteso nel piano: «${r.target}»)`),
      );
    });
};

function parseYear(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 2000 || n > 2100) throw new UserError({ code: "bad_year", raw: v });
  return n;
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
    if (r.archived.length) lines.push(`  Archiviate (non più nel documento; l'avanzamento registrato resta): ${r.archived.join(", ")}`);
  }
  const structural = r.anomalies.filter((a) => a.kind !== "manual_deadline");
  if (structural.length) {
    lines.push("", `Anomalie del documento (${structural.length}):`);
    for (const a of structural) lines.push(`  - [${a.code}] ${a.message}`);
  }
  if (r.manualDates.length) {
    lines.push("", `Valori attesi senza una data certa (${r.manualDates.length}): imposta la scadenza con «obiettivi scadenza <codice> <data>»`);
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
      lines.push(`${indent}  ${a.code}${printed} ${a.title} — ${a.indicator.target} (${KIND_LABEL[a.indicator.kind] ?? a.indicator.kind}${due})`);
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

