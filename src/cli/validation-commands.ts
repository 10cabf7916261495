import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { romeDay } from "../domain/calendar/days.ts";
import { loadActor } from "../store/users.ts";
import { DEFAULT_SAMPLE_SIZE, recordFindings, validationPack } from "../app/validation.ts";
import { UserError } from "../errors.ts";
import { renderValidationDocx } from "../report/validation-docx.ts";
import { renderValidationMarkdown } from "../report/validation-md.ts";
import { renderValidationXlsx } from "../report/validation-xlsx.ts";
import { readFindingsXlsx } from "../report/validation-xlsx-read.ts";
import type { Command } from "commander";
import type { RegisterCommands } from "./context.ts";

const FORMATS = ["md", "xlsx", "json", "docx"] as const;
type Format = (typeof FORMATS)[number];

export const register: RegisterCommands = (program, ctx) => {
  const validazione = program
    .command("validazione")
    .description(
      "il fascicolo per il Nucleo di Valutazione: checklist, registro dati, campione da verificare e bozza del documento di validazione",
    )
    .option("--anno <anno>", "anno del piano (predefinito: il più recente)", parseYear)
    .option("--al <data>", "dati al giorno indicato, AAAA-MM-GG (predefinito: oggi)")
    .option("--formato <formato>", "md | xlsx | json | docx", "md")
    .option(
      "--campione <n>",
      "quante attività completate estrarre per la verifica",
      parseSampleSize,
      DEFAULT_SAMPLE_SIZE,
    )
    .option(
      "--seme <seme>",
      "seme dell'estrazione: lo stesso seme dà lo stesso campione (predefinito: uno nuovo, stampato)",
    )
    .option("--output <file>", "file da scrivere (predefinito: standard output)")
    .option("--oggi <data>", "data di oggi, AAAA-MM-GG (per le prove)")
    .action(
      async (opts: {
        anno?: number;
        al?: string;
        formato: string;
        campione: number;
        seme?: string;
        output?: string;
        oggi?: string;
      }) => {
        const format = parseFormat(opts.formato);
        if ((format === "xlsx" || format === "docx") && !opts.output && process.stdout.isTTY) {
          throw new UserError({
            code: "validation",
            reason: "binary_to_tty",
            text: `Il formato ${format} è un file binario: indica dove salvarlo con --output, per esempio --output validazione.${format} (oppure reindirizza l'uscita).`,
          });
        }
        const now = ctx.clock(opts.oggi)();
        const asOf = opts.al === undefined ? romeDay(now) : parseDay(opts.al, "--al");
        const seed = opts.seme?.trim() || randomBytes(4).toString("hex");
        const { db } = await ctx.openDb();
        const pack = await validationPack(db, {
          year: opts.anno,
          asOf,
          now,
          sampleSize: opts.campione,
          seed,
          actor: ctx.actor,
        });
        const content =
          format === "json"
            ? `${JSON.stringify(pack, null, 2)}\n`
            : format === "md"
              ? renderValidationMarkdown(pack)
              : format === "xlsx"
                ? await renderValidationXlsx(pack)
                : await renderValidationDocx(pack);
        if (!opts.seme)
          ctx.err(`Campione estratto con il seme «${seed}»: per riottenere lo stesso campione usa --seme ${seed}`);
        const failed = pack.checks.filter((c) => !c.ok).length;
        if (opts.output) {
          writeFileSync(opts.output, content);
          ctx.err(
            `Fascicolo di validazione ${pack.year} (dati al ${asOf}) scritto in ${opts.output}: ${failed} verifiche su ${pack.checks.length} da approfondire, campione di ${pack.sample.length} attività.`,
          );
        } else if (typeof content === "string") {
          ctx.out(content);
        } else {
          process.stdout.write(content);
        }
      },
    );

  validazione
    .command("esiti")
    .description(
      "registra gli esiti del Nucleo letti dal foglio «Campione» compilato (colonne Esito: conforme / non conforme / nota, e Nota)",
    )
    .argument("<file>", "il file .xlsx scritto da «validazione --formato xlsx», compilato")
    .option("--anno <anno>", "anno del piano (predefinito: il più recente)", parseYear)
    .option("--utente <id>", "ID Slack del componente del Nucleo a cui attribuire gli esiti")
    .option("--oggi <data>", "data di oggi, AAAA-MM-GG (per le prove)")
    .action(async (file: string, _opts: unknown, command: Command) => {
      // --anno and --oggi also exist on «validazione»: commander hands them to whichever it meets first.
      const opts = command.optsWithGlobals<{ anno?: number; utente?: string; oggi?: string }>();
      const read = await readFindingsXlsx(file);
      const { db } = await ctx.openDb();
      let actor = ctx.actor;
      if (opts.utente) {
        const who = await loadActor(db, opts.utente);
        if (who?.role !== "nucleo") {
          throw new UserError({
            code: "validation",
            reason: "not_nucleo",
            text: `L'utente ${opts.utente} non è registrato come Nucleo di Valutazione: gli esiti si attribuiscono solo al Nucleo (npx obiettivi utenti elenco).`,
          });
        }
        actor = who.slackUserId;
      }
      if (!read.findings.length) {
        ctx.out(
          `Nessun esito da registrare in ${file}: compila la colonna «Esito» del foglio «Campione» (conforme, non conforme o nota).`,
        );
        return;
      }
      const { year, recorded } = await recordFindings(db, {
        year: opts.anno,
        findings: read.findings,
        actor,
        origin: "cli_xlsx",
        now: ctx.clock(opts.oggi)(),
      });
      const counts = { conforme: 0, "non conforme": 0, nota: 0 };
      for (const f of read.findings) counts[f.outcome] += 1;
      ctx.out(
        `Registrati ${recorded} esiti per il ${year}: ${counts.conforme} conformi, ${counts["non conforme"]} non conformi, ${counts.nota} note.` +
          (read.pending.length ? ` Ancora da verificare: ${read.pending.join(", ")}.` : ""),
      );
    });
};

function parseFormat(v: string): Format {
  const f = v.trim().toLowerCase();
  if ((FORMATS as readonly string[]).includes(f)) return f as Format;
  throw new UserError({
    code: "validation",
    reason: "bad_format",
    text: `Formato non valido: «${v}». Formati disponibili: md, xlsx, json, docx.`,
  });
}

function parseYear(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 2000 || n > 2100)
    throw new UserError({
      code: "validation",
      reason: "bad_year",
      text: `Anno non valido: «${v}». Atteso un anno come 2024.`,
    });
  return n;
}

function parseSampleSize(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isInteger(n) || n > 10_000) {
    throw new UserError({
      code: "validation",
      reason: "bad_number",
      text: `Dimensione del campione non valida: «${v}». Atteso un numero intero da 0 a 10000, per esempio --campione 10.`,
    });
  }
  return n;
}

function parseDay(v: string, flag: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const ok = m && !Number.isNaN(Date.parse(v)) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v;
  if (!ok)
    throw new UserError({
      code: "validation",
      reason: "bad_date",
      text: `Data non valida per ${flag}: «${v}». Atteso il formato AAAA-MM-GG, per esempio 2024-12-31.`,
    });
  return v;
}
