import { romeDay } from "../domain/calendar/days.ts";
import { buildDigests } from "../app/digest.ts";
import { renderDigestText } from "../domain/digest/text.ts";
import { currentPlan, liveAreasOf } from "../store/plan.ts";
import { UserError } from "../errors.ts";
import { digestPeople } from "../store/digest-people.ts";
import type { RegisterCommands } from "./context.ts";

interface RiepilogoOptions {
  area?: string;
  tutte?: boolean;
  oggi?: string;
  anno?: string;
}

/** "3", "03" and "003" name the same area. */
function sameAreaCode(query: string, code: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === code.toLowerCase()) return true;
  return /^\d+$/.test(q) && /^\d+$/.test(code) && Number(q) === Number(code);
}

export const register: RegisterCommands = (program, ctx) => {
  program
    .command("riepilogo")
    .description("stampa il riepilogo settimanale che un'area riceverebbe, senza pubblicarlo su Slack")
    .option("--area <codice>", "codice dell'area, per esempio 03")
    .option("--tutte", "tutte le aree")
    .option("--oggi <data>", "il giorno da simulare (AAAA-MM-GG); se manca, oggi")
    .option("--anno <anno>", "anno del piano; se manca, il più recente")
    .addHelpText(
      "after",
      "\nEsempi:\n  npx obiettivi riepilogo --area 03 --oggi 2024-10-07\n  npx obiettivi riepilogo --tutte",
    )
    .action(async (opts: RiepilogoOptions) => {
      if (!opts.area && !opts.tutte) {
        throw new UserError({ code: "missing_area" });
      }
      if (opts.area && opts.tutte) {
        throw new UserError({ code: "area_and_all" });
      }
      let year: number | undefined;
      if (opts.anno !== undefined) {
        if (!/^\d{4}$/.test(opts.anno.trim()))
          throw new UserError({ code: "bad_year", raw: opts.anno, option: "--anno" });
        year = Number(opts.anno);
      }
      const now = ctx.clock(opts.oggi)();
      const today = romeDay(now);
      const { db } = await ctx.openDb();
      const plan = await currentPlan(db, year);
      let areaCodes: string[] | undefined;
      if (opts.area) {
        const areas = await liveAreasOf(db, plan.id);
        const found = areas.find((a) => sameAreaCode(opts.area!, a.code));
        if (!found) {
          throw new UserError({
            code: "area_unknown",
            context: "digest",
            query: opts.area,
            year: plan.year,
            list: areas.map((a) => `  ${a.code}  ${a.name}`).join("\n"),
          });
        }
        areaCodes = [found.code];
      }
      // Who is away and who has not reported: as the posted digest says it.
      const people = await digestPeople(db, plan, { today, now, notReportedWeeks: ctx.env.NOT_REPORTED_WEEKS });
      const set = await buildDigests(db, { today, year: plan.year, areaCodes, people });
      if (set.digests.length === 0) {
        ctx.out(`Il piano ${plan.year} non ha aree: nessun riepilogo.`);
        return;
      }
      const texts = set.digests.map((d) => {
        const note =
          d.quiet && ctx.env.DIGEST_EMPTY_WEEK === "niente"
            ? "(Con DIGEST_EMPTY_WEEK=niente questa settimana il canale dell'area non riceverebbe alcun messaggio.)\n"
            : "";
        return renderDigestText(d) + note;
      });
      ctx.out(texts.join(`\n${"─".repeat(60)}\n\n`));
    });
};
