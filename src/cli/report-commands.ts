import { readFileSync, writeFileSync } from "node:fs";
import { romeDay } from "../domain/calendar/days.ts";
import { formatAuditRow } from "../domain/audit/format.ts";
import { listAudit } from "../store/audit.ts";
import { itDateTime } from "../domain/text/italian.ts";
import { currentPlan } from "../store/plan.ts";
import { configLabel, parseScoringConfigText } from "../domain/scoring/config.ts";
import { loadScoringConfig, setScoringConfig } from "../store/scoring-config.ts";
import { UserError } from "../errors.ts";
import { buildRelazione } from "../report/relazione.ts";
import { renderRelazioneCsv } from "../report/relazione-csv.ts";
import { renderRelazioneMarkdown } from "../report/relazione-md.ts";
import { renderRelazioneXlsx } from "../report/relazione-xlsx.ts";
import type { RegisterCommands } from "./context.ts";
import { userNames } from "../store/users.ts";

const FORMATS = ["md", "csv", "xlsx"] as const;
type Format = (typeof FORMATS)[number];

export const register: RegisterCommands = (program, ctx) => {
  program
    .command("relazione")
    .description("la Relazione sulla performance (o, con --monitoraggio, il monitoraggio intermedio) in Markdown, CSV o Excel")
    .option("--anno <anno>", "anno del piano (predefinito: il più recente)", parseYear)
    .option("--formato <formato>", "md | csv | xlsx", "md")
    .option("--output <file>", "file da scrivere (predefinito: standard output)")
    .option("--oggi <data>", "data della valutazione, AAAA-MM-GG (predefinito: oggi)")
    .option("--monitoraggio", "monitoraggio intermedio: stato alla data, attività a rischio, proposte di rimodulazione")
    .option("--giorni <n>", "monitoraggio: «in scadenza» entro questi giorni", parseDays, 30)
    .action(async (opts: { anno?: number; formato: string; output?: string; oggi?: string; monitoraggio?: boolean; giorni: number }) => {
      const format = parseFormat(opts.formato);
      // Refuse before the work: binary on a terminal only garbles the screen.
      if (format === "xlsx" && !opts.output && process.stdout.isTTY) {
        throw new UserError({ code: "xlsx_to_tty" });
      }
      const clock = ctx.clock(opts.oggi);
      const now = clock();
      const { db } = await ctx.openDb();
      const relazione = await buildRelazione(db, {
        year: opts.anno,
        asOf: romeDay(now),
        now,
        monitoring: opts.monitoraggio ?? false,
        dueWithinDays: opts.giorni,
        patron: ctx.env.PATRONO,
      });
      const what = relazione.kind === "monitoraggio" ? "Monitoraggio intermedio" : "Relazione sulla performance";
      const content = format === "md" ? renderRelazioneMarkdown(relazione) : format === "csv" ? renderRelazioneCsv(relazione) : await renderRelazioneXlsx(relazione);
      if (opts.output) {
        writeFileSync(opts.output, content);
        ctx.err(`${what} ${relazione.year} scritta in ${opts.output}`);
      } else {
        process.stdout.write(content);
      }
    });

  program
    .command("audit")
    .description("il registro delle modifiche: quando, chi, cosa, prima -> dopo")
    .option("--codice <codice>", "solo le modifiche di un'attività (o di un'altra chiave, per esempio l'anno del piano)")
    .option("--anno <anno>", "solo le modifiche dell'anno indicato", parseYear)
    .option("--limite <n>", "le ultime N modifiche", parsePositive, 50)
    .option("--json", "stampa le righe in JSON")
    .action(async (opts: { codice?: string; anno?: number; limite: number; json?: boolean }) => {
      const { db } = await ctx.openDb();
      const rows = await listAudit(db, { code: opts.codice, year: opts.anno, limit: opts.limite });
      if (opts.json) {
        ctx.out(JSON.stringify(rows, null, 2));
        return;
      }
      if (!rows.length) {
        ctx.out(opts.codice ? `Nessuna modifica registrata per «${opts.codice}».` : "Nessuna modifica registrata.");
        return;
      }
      const names = await userNames(db);
      ctx.out(rows.map((r) => formatAuditRow(r, names)).join("\n"));
    });

  const smvp = program.command("smvp").description("le regole di punteggio (SMVP) di un anno: mostra o imposta");

  smvp
    .command("mostra")
    .description("stampa in JSON la configurazione in vigore (da salvare, modificare e reimpostare)")
    .option("--anno <anno>", "anno del piano (predefinito: il più recente)", parseYear)
    .action(async (opts: { anno?: number }) => {
      const { db } = await ctx.openDb();
      const year = opts.anno ?? (await currentPlan(db)).year;
      const inForce = await loadScoringConfig(db, year);
      ctx.err(
        inForce.version === null
          ? `In vigore: ${configLabel(inForce, year)}.`
          : `In vigore: ${configLabel(inForce, year)}, impostata da ${inForce.createdBy} il ${itDateTime(inForce.createdAt!)}.`,
      );
      ctx.out(JSON.stringify(inForce.config, null, 2));
    });

  smvp
    .command("imposta")
    .description("imposta una nuova versione della configurazione da un file JSON (le versioni precedenti restano)")
    .argument("<file>", "file JSON, per esempio ottenuto da «smvp mostra»")
    .option("--anno <anno>", "anno del piano (predefinito: il più recente)", parseYear)
    .action(async (file: string, opts: { anno?: number }) => {
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new UserError({ code: "file_unreadable", file, reason: code === "ENOENT" ? null : (code ?? "errore di lettura") });
      }
      const raw = JSON.parse(JSON.stringify(parseScoringConfigText(text, file)));
      const { db } = await ctx.openDb();
      const year = opts.anno ?? (await currentPlan(db)).year;
      const { version } = await setScoringConfig(db, year, raw, { actor: ctx.actor, now: ctx.clock()() });
      ctx.out(`Configurazione SMVP ${year} salvata come versione ${version}: da ora i punteggi la usano.`);
    });
};

function parseFormat(v: string): Format {
  const f = v.trim().toLowerCase();
  if ((FORMATS as readonly string[]).includes(f)) return f as Format;
  throw new UserError({ code: "bad_format", raw: v, formats: "md, csv, xlsx" });
}

function parseYear(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 2000 || n > 2100) throw new UserError({ code: "bad_year", raw: v });
  return n;
}

function parsePositive(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UserError({ code: "bad_number", raw: v, range: "positive" });
  return n;
}

function parseDays(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 366) throw new UserError({ code: "bad_number", raw: v, range: "days" });
  return n;
}
