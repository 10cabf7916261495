import { ROLES } from "../domain/permissions.ts";
import { addUser, listAreaChannels, removeUser, setAreaChannel } from "../app/users.ts";
import { listUsers, type UserView } from "../store/users.ts";
import { UserError } from "../errors.ts";
import type { CliContext, RegisterCommands } from "./context.ts";

const ROLE_HELP = `ruolo: ${ROLES.join(", ")}`;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function areasLabel(u: UserView): string {
  return u.areaCodes.length ? u.areaCodes.join(", ") : "tutte";
}

/** A fixed-width table for the terminal. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

function now(ctx: CliContext): Date {
  return ctx.clock()();
}

export const register: RegisterCommands = (program, ctx) => {
  const users = program
    .command("utenti")
    .description("gestisce chi può usare il bot: aggiungi, rimuovi, elenco")
    .addHelpText(
      "after",
      `\nEsempi:\n  npx obiettivi utenti aggiungi U0123ABCD --ruolo responsabile --area 03\n  npx obiettivi utenti aggiungi U0456EFGH --ruolo dipendente --area 03 --area 05\n  npx obiettivi utenti aggiungi U0789IJKL --ruolo segretario\n  npx obiettivi utenti rimuovi U0123ABCD\n  npx obiettivi utenti elenco`,
    );

  users
    .command("aggiungi")
    .description("aggiunge un utente, o ne aggiorna ruolo e aree se c'è già")
    .argument("[idSlack]", "ID Slack dell'utente, per esempio U0123ABCD (profilo → ⋮ → «Copia ID membro»)")
    .option("--ruolo <ruolo>", ROLE_HELP)
    .option(
      "--area <codice>",
      "area di lavoro (codice come 03 o 3, oppure nome); obbligatoria per dipendente e responsabile, ripetibile",
      collect,
      [],
    )
    .option("--nome <nome>", "nome da mostrare negli elenchi (facoltativo)")
    .action(async (id: string | undefined, opts: { ruolo?: string; area: string[]; nome?: string }) => {
      if (!id)
        throw new UserError({
          code: "missing_user_id",
          usage: "npx obiettivi utenti aggiungi <idSlack> --ruolo <ruolo> [--area <codice>]",
        });
      const { db } = await ctx.openDb();
      const r = await addUser(
        db,
        { slackUserId: id, role: opts.ruolo, areas: opts.area, name: opts.nome },
        { actor: ctx.actor, now: now(ctx) },
      );
      const what = r.created ? "aggiunto" : r.changed ? "aggiornato" : "già registrato così, nessuna modifica";
      const areas = r.user.areaCodes.length ? `, area ${r.user.areaCodes.join(", ")}` : "";
      ctx.out(`Utente ${r.user.slackUserId} ${what}: ruolo ${r.user.role}${areas}.`);
      for (const n of r.notes) ctx.out(n);
    });

  users
    .command("rimuovi")
    .description("toglie a un utente l'accesso al bot")
    .argument("[idSlack]", "ID Slack dell'utente, per esempio U0123ABCD")
    .action(async (id: string | undefined) => {
      if (!id) throw new UserError({ code: "missing_user_id", usage: "npx obiettivi utenti rimuovi <idSlack>" });
      const { db } = await ctx.openDb();
      const u = await removeUser(db, id, { actor: ctx.actor, now: now(ctx) });
      ctx.out(
        `Utente ${u.slackUserId} rimosso (era ${u.role}${u.areaCodes.length ? `, area ${u.areaCodes.join(", ")}` : ""}).`,
      );
    });

  users
    .command("elenco")
    .description("elenca gli utenti registrati, con ruolo e aree")
    .action(async () => {
      const { db } = await ctx.openDb();
      const list = await listUsers(db);
      if (list.length === 0) {
        ctx.out(
          "Nessun utente registrato. Aggiungine uno con: npx obiettivi utenti aggiungi <idSlack> --ruolo <ruolo> [--area <codice>]",
        );
        return;
      }
      ctx.out(
        table(
          ["ID Slack", "Ruolo", "Aree", "Nome"],
          list.map((u) => [u.slackUserId, u.role, areasLabel(u), u.name ?? ""]),
        ),
      );
      ctx.out(`${list.length} ${list.length === 1 ? "utente" : "utenti"}.`);
    });

  program
    .command("canale")
    .description("imposta il canale Slack di un'area (riepiloghi e promemoria); senza argomenti mostra i canali")
    .argument("[area]", "codice dell'area (03 o 3) oppure nome")
    .argument("[idCanale]", "ID del canale Slack, per esempio C0123ABCD")
    .addHelpText("after", "\nEsempi:\n  npx obiettivi canale 03 C0123ABCD\n  npx obiettivi canale")
    .action(async (area: string | undefined, channel: string | undefined) => {
      const { db } = await ctx.openDb();
      if (area === undefined) {
        const rows = await listAreaChannels(db);
        if (rows.length === 0) {
          ctx.out("Nessuna area: importa prima il piano con: npx obiettivi importa <file>");
          return;
        }
        ctx.out(
          table(
            ["Area", "Nome", "Canale"],
            rows.map((r) => [r.areaCode, r.areaName ?? "(non più nel piano)", r.channelId ?? "—"]),
          ),
        );
        return;
      }
      if (channel === undefined) throw new UserError({ code: "missing_channel", area });
      const r = await setAreaChannel(db, { area, channelId: channel }, { actor: ctx.actor, now: now(ctx) });
      const before =
        r.previous === null ? "prima: nessuno" : r.previous === r.channelId ? "era già questo" : `prima: ${r.previous}`;
      ctx.out(`Canale dell'area ${r.areaCode} (${r.areaName}): ${r.channelId} (${before}).`);
    });
};
