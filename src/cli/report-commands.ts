import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { readUserFile } from "../files.ts";
import path from "node:path";
import { romeDay } from "../domain/calendar/days.ts";
import { formatAuditRow } from "../domain/audit/format.ts";
import { listAudit } from "../store/audit.ts";
import { itDateTime, itNumber } from "../domain/text/italian.ts";
import { currentPlan } from "../store/plan.ts";
import { configLabel, parseScoringConfigText } from "../domain/scoring/config.ts";
import { loadScoringConfig, setScoringConfig } from "../store/scoring-config.ts";
import { isoDay } from "../app/variations.ts";
import { UserError } from "../errors.ts";
import { CRITERIA_SOURCE_LABELS, criteriaInForce } from "../app/behaviours.ts";
import { relazioneDocxInputs, scorecardsInput } from "../app/relazione-docx.ts";
import { buildScorecards, scorecardsJson } from "../app/scorecards.ts";
import { buildRelazione } from "../report/relazione.ts";
import {
  renderRelazioneDocx,
  renderScorecardsDocx,
  TEXT_FILES,
  type RelazioneTexts,
} from "../report/relazione-docx.ts";
import { renderScorecardsXlsx } from "../report/scorecards-xlsx.ts";
import { renderRelazioneCsv } from "../report/relazione-csv.ts";
import { renderRelazioneJson } from "../report/relazione-json.ts";
import { renderRelazioneMarkdown } from "../report/relazione-md.ts";
import { renderRelazioneXlsx } from "../report/relazione-xlsx.ts";
import { parseYear, type RegisterCommands } from "./context.ts";
import { userNames } from "../store/users.ts";

const FORMATS = ["md", "csv", "xlsx", "docx", "json"] as const;
const BINARY = new Set(["xlsx", "docx"]);
type Format = (typeof FORMATS)[number];

export const register: RegisterCommands = (program, ctx) => {
  program
    .command("relazione")
    .description(
      "la Relazione sulla performance (o, con --monitoraggio, il monitoraggio intermedio) in Markdown, CSV, Excel o Word; con --schede le schede di valutazione",
    )
    .option("--anno <anno>", "anno del piano (predefinito: il più recente)", parseYear)
    .option("--formato <formato>", "md | csv | xlsx | docx | json (con --schede: docx | xlsx | json)", "md")
    .option("--output <file>", "file da scrivere (predefinito: standard output)")
    .option("--oggi <data>", "data della valutazione, AAAA-MM-GG (predefinito: oggi)")
    .option("--monitoraggio", "monitoraggio intermedio: stato alla data, attività a rischio, proposte di rimodulazione")
    .option("--giorni <n>", "monitoraggio: «in scadenza» entro questi giorni", parseDays, 30)
    .option(
      "--testi <cartella>",
      "docx: cartella con sintesi.md, contesto.md e bilancio-genere.md scritti dal Segretario",
    )
    .option(
      "--schede",
      "una scheda di valutazione per Responsabile (obiettivi, performance organizzativa, comportamenti, totale)",
    )
    .action(
      async (opts: {
        anno?: number;
        formato: string;
        output?: string;
        oggi?: string;
        monitoraggio?: boolean;
        giorni: number;
        testi?: string;
        schede?: boolean;
      }) => {
        const format = parseFormat(opts.formato);
        if (opts.schede && !["docx", "xlsx", "json"].includes(format)) {
          throw new UserError({ code: "bad_format", raw: opts.formato, formats: "con --schede docx, xlsx, json" });
        }
        // Refuse before the work: binary on a terminal only garbles the screen.
        if (BINARY.has(format) && !opts.output && process.stdout.isTTY) {
          throw new UserError(format === "xlsx" ? { code: "xlsx_to_tty" } : { code: "binary_to_tty", format });
        }
        const texts = opts.testi !== undefined ? readTexts(opts.testi) : undefined;
        // --oggi moves the data date only; "generato il" is always the real clock.
        const asOf = romeDay(ctx.clock(opts.oggi)());
        const now = ctx.clock()();
        const { db } = await ctx.openDb();
        let content: string | Uint8Array;
        let what: string;
        let year: number;
        if (opts.schede) {
          const set = await buildScorecards(db, { year: opts.anno, asOf, patron: ctx.env.PATRONO });
          year = set.year;
          what = "Schede di valutazione";
          content =
            format === "json"
              ? `${JSON.stringify(scorecardsJson(set), null, 2)}\n`
              : format === "xlsx"
                ? await renderScorecardsXlsx(scorecardsInput(set))
                : await renderScorecardsDocx(scorecardsInput(set), { generatedAt: now });
        } else if (format === "docx") {
          const { model, options } = await relazioneDocxInputs(db, {
            year: opts.anno,
            asOf,
            now,
            monitoring: opts.monitoraggio ?? false,
            dueWithinDays: opts.giorni,
            texts,
            patron: ctx.env.PATRONO,
          });
          year = model.year;
          what = model.kind === "monitoraggio" ? "Monitoraggio intermedio" : "Relazione sulla performance";
          content = await renderRelazioneDocx(model, options);
        } else {
          const relazione = await buildRelazione(db, {
            year: opts.anno,
            asOf,
            now,
            monitoring: opts.monitoraggio ?? false,
            dueWithinDays: opts.giorni,
            patron: ctx.env.PATRONO,
          });
          year = relazione.year;
          what = relazione.kind === "monitoraggio" ? "Monitoraggio intermedio" : "Relazione sulla performance";
          content =
            format === "md"
              ? renderRelazioneMarkdown(relazione)
              : format === "csv"
                ? renderRelazioneCsv(relazione)
                : format === "json"
                  ? renderRelazioneJson(relazione)
                  : await renderRelazioneXlsx(relazione);
        }
        if (opts.output) {
          writeFileSync(opts.output, content);
          ctx.err(`${what} ${year} scritta in ${opts.output}`);
        } else if (typeof content === "string") {
          ctx.out(content);
        } else {
          process.stdout.write(content);
        }
      },
    );

  program
    .command("audit")
    .description("il registro delle modifiche: quando, chi, cosa, prima -> dopo")
    .option(
      "--codice <codice>",
      "solo le modifiche di un'attività (o di un'altra chiave, per esempio l'anno del piano)",
    )
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
      const criteria = await criteriaInForce(db, year);
      ctx.err(
        [
          `Criteri dei comportamenti organizzativi (${CRITERIA_SOURCE_LABELS[criteria.source]}), per numero come nel file di «comportamenti imposta»:`,
          ...criteria.criteria.map((c) => `  ${c.number}. ${c.title} (da 0 a ${itNumber(c.maxPoints)} punti)`),
          `  Totale: ${itNumber(criteria.criteria.reduce((s, c) => s + c.maxPoints, 0))} punti.`,
        ].join("\n"),
      );
      // The JSON is the configuration as stored (it round-trips through «smvp imposta»); the criteria
      // in force, which may come from the plan document, are listed above.
      ctx.out(JSON.stringify(inForce.config, null, 2));
    });

  smvp
    .command("imposta")
    .description("imposta una nuova versione della configurazione da un file JSON (le versioni precedenti restano)")
    .argument("<file>", "file JSON, per esempio ottenuto da «smvp mostra»")
    .option("--anno <anno>", "anno del piano (predefinito: il più recente)", parseYear)
    .option("--dal <data>", "da quando vale, AAAA-MM-GG (predefinito: per tutto l'anno)")
    .option(
      "--atto <testo>",
      'l\'atto che adotta il sistema di valutazione, per esempio "Delibera G.C. n. 12 del 15/02/2024"',
    )
    .action(async (file: string, opts: { anno?: number; dal?: string; atto?: string }) => {
      const validFrom = opts.dal === undefined ? null : isoDay(opts.dal.trim(), "--dal");
      const raw = JSON.parse(JSON.stringify(parseScoringConfigText(readUserFile(file), file)));
      const { db } = await ctx.openDb();
      const year = opts.anno ?? (await currentPlan(db)).year;
      const { version } = await setScoringConfig(db, year, raw, {
        actor: ctx.actor,
        now: ctx.clock()(),
        validFrom,
        act: opts.atto?.trim() || null,
      });
      ctx.out(
        validFrom
          ? `Configurazione SMVP ${year} salvata come versione ${version}: i punteggi alle date dal ${validFrom.slice(8, 10)}/${validFrom.slice(5, 7)}/${validFrom.slice(0, 4)} in poi la usano.`
          : `Configurazione SMVP ${year} salvata come versione ${version}: da ora i punteggi la usano.`,
      );
    });
};

function parseFormat(v: string): Format {
  const f = v.trim().toLowerCase();
  if ((FORMATS as readonly string[]).includes(f)) return f as Format;
  throw new UserError({ code: "bad_format", raw: v, formats: "md, csv, xlsx, docx, json" });
}

/** The Segretario's texts: a missing file is a marked placeholder in the document, a missing folder an error. */
function readTexts(dir: string): RelazioneTexts {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UserError({ code: "texts_dir_missing", dir, files: Object.values(TEXT_FILES) });
  }
  const read = (name: string) => {
    const file = path.join(dir, name);
    return existsSync(file) ? readFileSync(file, "utf8") : null;
  };
  return {
    sintesi: read(TEXT_FILES.sintesi),
    contesto: read(TEXT_FILES.contesto),
    bilancioGenere: read(TEXT_FILES.bilancioGenere),
  };
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
