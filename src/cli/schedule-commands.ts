import { addDays, daysBetween, romeDay } from "../domain/calendar/days.ts";
import { parseDayInput } from "../domain/calendar/day-input.ts";
import { parseIsoDay } from "../domain/calendar/day-formats.ts";
import { weekdayName, WorkingCalendar } from "../domain/calendar/working-calendar.ts";
import { itDate } from "../domain/text/italian.ts";
import type { PlannedSend } from "../domain/schedule/send-plan.ts";
import { normalizeSlackUserId } from "../domain/users.ts";
import { UserError } from "../errors.ts";
import { sendsPlanned } from "../jobs/due.ts";
import { addAbsence, cancelAbsence, listAbsences } from "../store/absences.ts";
import { addClosure, listClosures, loadCalendarData, removeClosure, setPatron } from "../store/calendar.ts";
import type { RegisterCommands } from "./context.ts";

/** `calendario`, `assenze` and `programma`: the working calendar, absences, and what the bot will send. */

export const MAX_PROGRAM_DAYS = 366;

const KIND_LABEL: Record<PlannedSend["kind"], string> = {
  digest: "riepilogo",
  reminder: "promemoria",
  question: "domanda",
};

function isoOption(raw: string | undefined, flag: string): string {
  if (raw === undefined) throw new UserError({ code: "missing_day", flag, example: "2025-04-14" });
  const day = parseIsoDay(raw);
  if (!day) throw new UserError({ code: "bad_iso_day", raw, flag });
  return day;
}

function dayOption(raw: string | undefined, flag: string): string {
  if (raw === undefined) throw new UserError({ code: "missing_day", flag, example: "10/08/2025" });
  const day = parseDayInput(raw);
  if (!day) throw new UserError({ code: "bad_window_day", raw, flag });
  return day;
}

export const register: RegisterCommands = (program, ctx) => {
  const who = () => ({ actor: ctx.actor, now: ctx.clock()() });

  const cal = program
    .command("calendario")
    .description(
      "calendario lavorativo: santo patrono e chiusure degli uffici (oltre a weekend e festività nazionali)",
    );
  cal
    .command("patrono <MM-GG>")
    .description("imposta il giorno del santo patrono (prevale su PATRONO), per esempio 06-24")
    .action(async (day: string) => {
      const { db } = await ctx.openDb();
      const r = await setPatron(db, day, who());
      ctx.out(
        `Santo patrono: ${r.patron}${r.previous && r.previous !== r.patron ? ` (prima: ${r.previous})` : ""}. Quel giorno il bot non invia nulla.`,
      );
    });
  cal
    .command("chiusura <AAAA-MM-GG>")
    .description("aggiunge un giorno di chiusura degli uffici, per esempio 2025-08-14")
    .option("--nota <testo>", "il motivo, per esempio «ponte di Ferragosto»")
    .action(async (day: string, opts: { nota?: string }) => {
      const { db } = await ctx.openDb();
      const r = await addClosure(db, day, opts.nota?.trim() || null, who());
      ctx.out(
        `${r.existed ? "Chiusura aggiornata" : "Chiusura aggiunta"}: ${weekdayName(r.date)} ${itDate(r.date)}. Quel giorno il bot non invia nulla.`,
      );
    });
  cal
    .command("rimuovi-chiusura <AAAA-MM-GG>")
    .description("toglie un giorno di chiusura")
    .action(async (day: string) => {
      const { db } = await ctx.openDb();
      const date = await removeClosure(db, day, who());
      ctx.out(`Chiusura del ${itDate(date)} rimossa.`);
    });
  cal
    .command("elenco")
    .alias("chiusure")
    .description("mostra il patrono e le chiusure, e i giorni non lavorativi di un anno con --anno")
    .option("--anno <anno>", "elenca tutti i giorni non lavorativi (non weekend) di quell'anno")
    .action(async (opts: { anno?: string }) => {
      const { db } = await ctx.openDb();
      const data = await loadCalendarData(db, ctx.env.PATRONO);
      const closures = await listClosures(db);
      const lines = [
        `Santo patrono: ${data.patron ?? "non impostato (PATRONO=MM-GG oppure «obiettivi calendario patrono 06-24»)"}`,
        closures.length ? "Chiusure:" : "Chiusure: nessuna",
        ...closures.map((c) => `  ${c.date}  ${weekdayName(c.date)}${c.note ? `  ${c.note}` : ""}`),
      ];
      if (opts.anno !== undefined) {
        if (!/^\d{4}$/.test(opts.anno.trim()))
          throw new UserError({ code: "bad_year", raw: opts.anno, option: "--anno" });
        const c = new WorkingCalendar(data);
        lines.push(`Giorni non lavorativi del ${opts.anno} (esclusi sabati e domeniche):`);
        for (let d = `${opts.anno}-01-01`; d <= `${opts.anno}-12-31`; d = addDays(d, 1)) {
          const why = c.closedBecause(d);
          if (why && why.kind !== "weekend") lines.push(`  ${d}  ${weekdayName(d)}  ${why.name}`);
        }
      }
      ctx.out(lines.join("\n"));
    });

  const abs = program
    .command("assenze")
    .description("assenze del personale: chi è assente non riceve messaggi diretti");
  abs
    .command("aggiungi <utente>")
    .description("registra un'assenza (utente: ID Slack, per esempio U0123ABCD)")
    .option("--dal <data>", "primo giorno di assenza (AAAA-MM-GG o GG/MM/AAAA)")
    .option("--al <data>", "ultimo giorno di assenza")
    .option("--nota <testo>", "per esempio «ferie»")
    .action(async (user: string, opts: { dal?: string; al?: string; nota?: string }) => {
      const userId = normalizeSlackUserId(user);
      const from = dayOption(opts.dal, "--dal");
      const to = dayOption(opts.al, "--al");
      const { db } = await ctx.openDb();
      const a = await addAbsence(db, { userId, from, to, note: opts.nota?.trim() || null, ...who() });
      ctx.out(`Assenza n. ${a.id} registrata: ${a.name ?? a.slackUserId} dal ${itDate(a.from)} al ${itDate(a.to)}.`);
    });
  abs
    .command("elenco")
    .description("le assenze in corso e future (tutte con --tutte)")
    .option("--utente <id>", "solo quelle di una persona")
    .option("--tutte", "anche quelle passate")
    .action(async (opts: { utente?: string; tutte?: boolean }) => {
      const { db } = await ctx.openDb();
      const rows = await listAbsences(db, {
        userId: opts.utente ? normalizeSlackUserId(opts.utente) : undefined,
        today: romeDay(ctx.clock()()),
        all: opts.tutte,
      });
      if (rows.length === 0) {
        ctx.out("Nessuna assenza registrata.");
        return;
      }
      ctx.out(
        rows
          .map(
            (a) =>
              `${String(a.id).padStart(4)}  ${a.slackUserId}  ${a.name ?? ""}  dal ${itDate(a.from)} al ${itDate(a.to)}${a.note ? `  (${a.note})` : ""}`,
          )
          .join("\n"),
      );
    });
  abs
    .command("rimuovi <numero>")
    .description("annulla un'assenza (il numero è nell'elenco)")
    .action(async (raw: string) => {
      if (!/^\d+$/.test(raw.trim())) throw new UserError({ code: "bad_absence_id", raw });
      const { db } = await ctx.openDb();
      const a = await cancelAbsence(db, Number(raw), who());
      ctx.out(`Assenza n. ${a.id} annullata (${a.name ?? a.slackUserId}, dal ${itDate(a.from)} al ${itDate(a.to)}).`);
    });

  program
    .command("programma")
    .description("elenca tutto ciò che il bot invierà nel periodo: riepiloghi, promemoria e domande sui ritardi")
    .option("--dal <AAAA-MM-GG>", "primo giorno")
    .option("--al <AAAA-MM-GG>", "ultimo giorno")
    .option("--json", "stampa gli invii in JSON")
    .addHelpText("after", "\nEsempio:\n  npx obiettivi programma --dal 2025-04-14 --al 2025-04-27 --json")
    .action(async (opts: { dal?: string; al?: string; json?: boolean }) => {
      const from = isoOption(opts.dal, "--dal");
      const to = isoOption(opts.al, "--al");
      if (to < from) throw new UserError({ code: "bad_window", from, to });
      if (daysBetween(from, to) + 1 > MAX_PROGRAM_DAYS)
        throw new UserError({ code: "window_too_long", max: MAX_PROGRAM_DAYS });
      const { db } = await ctx.openDb();
      const planned = await sendsPlanned(db, ctx.env, from, to, ctx.clock()());
      if (!planned) throw new UserError({ code: "no_plan" });
      const { sends, view } = planned;
      const names = view.facts.users;
      if (opts.json) {
        ctx.out(
          JSON.stringify(
            sends.map((s) => ({
              date: s.date,
              time: s.time,
              kind: s.kind,
              recipient: s.recipient,
              ...(s.kind === "digest"
                ? { area: s.area }
                : { recipientName: names.get(s.recipient) ?? null, activity: s.activity }),
              ...(s.items
                ? {
                    items: s.items.map((i) => ({
                      kind: i.kind,
                      activity: i.code,
                      area: i.areaCode,
                      deadline: i.deadline,
                      workingDays: i.workingDays,
                      onBehalfOf: i.onBehalfOf,
                    })),
                  }
                : {}),
            })),
            null,
            2,
          ),
        );
        return;
      }
      const lines = [`Invii previsti dal ${itDate(from)} al ${itDate(to)}: ${sends.length}`];
      for (let d = from; d <= to; d = addDays(d, 1)) {
        const closed = view.calendar.closedBecause(d);
        const today = sends.filter((s) => s.date === d);
        if (today.length === 0 && (closed?.kind === "weekend" || !closed)) continue;
        lines.push(
          "",
          `${weekdayName(d)} ${itDate(d)}${closed && closed.kind !== "weekend" ? ` — non lavorativo: ${closed.name}, nessun invio` : ""}`,
        );
        for (const s of today) {
          const to =
            s.kind === "digest"
              ? `canale ${s.recipient} (area ${s.area})`
              : `${names.get(s.recipient) ?? s.recipient} (${s.recipient})`;
          const what = s.items
            ?.map(
              (i) =>
                `${i.code}${i.kind === "question" ? " (ritardo)" : ""}${i.onBehalfOf.length ? ` per conto di ${i.onBehalfOf.map((u) => names.get(u) ?? u).join(", ")}` : ""}`,
            )
            .join(", ");
          lines.push(`  ${s.time}  ${KIND_LABEL[s.kind].padEnd(10)}  ${to}${what ? `: ${what}` : ""}`);
        }
      }
      ctx.out(lines.join("\n"));
    });
};
