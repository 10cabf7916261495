import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { instantOfDay } from "../../src/domain/calendar/days.ts";
import { runCli } from "../../src/cli/index.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";

async function cli(args: string[]) {
  let out = "";
  let err = "";
  const code = await runCli(args, { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

function noStackTrace(text: string) {
  expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/);
  expect(text).not.toMatch(/Error:/);
}

describe("obiettivi utenti / canale", () => {
  let t: Awaited<ReturnType<typeof testDatabase>>;
  let saved: string | undefined;

  beforeEach(async () => {
    t = await testDatabase();
    saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = t.url;
    await importPlanFile(t.db, LEGGIUNO_PLAN, { actor: "test", now: instantOfDay("2024-01-15") });
  });
  afterEach(async () => {
    process.env.DATABASE_URL = saved;
    await t.dispose();
  });

  it("adds, updates, lists and removes users; every change audited with before and after", async () => {
    const add = await cli([
      "utenti",
      "aggiungi",
      "U0123ABC",
      "--ruolo",
      "responsabile",
      "--area",
      "3",
      "--nome",
      "Claudia Nodari",
    ]);
    expect(add).toMatchObject({ code: 0, err: "" });
    expect(add.out).toBe("Utente U0123ABC aggiunto: ruolo responsabile, area 03.\n");

    // Same user again: role and areas are replaced; areas by code or by name, repeated or comma-separated.
    const update = await cli([
      "utenti",
      "aggiungi",
      "u0123abc",
      "--ruolo",
      "dipendente",
      "--area",
      "tecnica",
      "--area",
      "05,3",
    ]);
    expect(update.code).toBe(0);
    expect(update.out).toBe("Utente U0123ABC aggiornato: ruolo dipendente, area 03, 05.\n");
    const same = await cli(["utenti", "aggiungi", "U0123ABC", "--ruolo", "dipendente", "--area", "03", "--area", "05"]);
    expect(same.out).toBe("Utente U0123ABC già registrato così, nessuna modifica: ruolo dipendente, area 03, 05.\n");

    const segr = await cli(["utenti", "aggiungi", "W0SEGR01", "--ruolo", "Segretario", "--area", "03"]);
    expect(segr.code).toBe(0);
    expect(segr.out).toBe(
      "Utente W0SEGR01 aggiunto: ruolo segretario.\nNota: --area ignorato, il Segretario vede e aggiorna tutte le aree.\n",
    );
    await cli(["utenti", "aggiungi", "U0NUCLEO", "--ruolo", "nucleo"]);

    const list = await cli(["utenti", "elenco"]);
    expect(list.code).toBe(0);
    const lines = list.out.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID Slack\s+Ruolo\s+Aree\s+Nome$/);
    expect(lines[1]).toMatch(/^-+\s+-+/);
    expect(lines.slice(2)).toEqual([
      expect.stringMatching(/^U0123ABC\s+dipendente\s+03, 05\s+Claudia Nodari$/),
      expect.stringMatching(/^W0SEGR01\s+segretario\s+tutte$/),
      expect.stringMatching(/^U0NUCLEO\s+nucleo\s+tutte$/),
      "3 utenti.",
    ]);

    const rm = await cli(["utenti", "rimuovi", "U0123ABC"]);
    expect(rm).toMatchObject({ code: 0, out: "Utente U0123ABC rimosso (era dipendente, area 03, 05).\n" });
    expect(await t.db.user.findUnique({ where: { slackUserId: "U0123ABC" } })).toBeNull();
    expect(await t.db.userArea.count({ where: { slackUserId: "U0123ABC" } })).toBe(0);
    expect((await cli(["utenti", "elenco"])).out).not.toContain("U0123ABC");

    const audit = await t.db.auditEntry.findMany({ where: { entityKey: "U0123ABC" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["user_add", "user_add", "user_remove"]);
    expect(audit.every((a) => a.actor.startsWith("cli:") && a.entityType === "user")).toBe(true);
    expect(JSON.parse(audit[0]!.before ?? "null")).toBeNull();
    expect(JSON.parse(audit[0]!.after!)).toEqual({ role: "responsabile", areas: ["03"], name: "Claudia Nodari" });
    expect(JSON.parse(audit[1]!.before!)).toEqual({ role: "responsabile", areas: ["03"], name: "Claudia Nodari" });
    expect(JSON.parse(audit[1]!.after!)).toEqual({ role: "dipendente", areas: ["03", "05"], name: "Claudia Nodari" });
    expect(JSON.parse(audit[2]!.before!)).toEqual({ role: "dipendente", areas: ["03", "05"], name: "Claudia Nodari" });
    expect(JSON.parse(audit[2]!.after ?? "null")).toBeNull();
  });

  it("refuses bad roles, missing or unknown areas and bad ids, in Italian, with a non-zero exit", async () => {
    const cases: [string[], RegExp][] = [
      [
        ["utenti", "aggiungi", "U0123ABC", "--ruolo", "capo"],
        /^Ruolo non valido: «capo»\. I ruoli sono: dipendente, responsabile, segretario, nucleo, admin\.\n$/,
      ],
      [
        ["utenti", "aggiungi", "U0123ABC"],
        /^Manca il ruolo: aggiungi --ruolo <ruolo>, uno tra dipendente, responsabile, segretario, nucleo, admin\.\n$/,
      ],
      [
        ["utenti", "aggiungi", "U0123ABC", "--ruolo", "dipendente"],
        /^Il ruolo dipendente richiede almeno un'area: aggiungi --area <codice> \(ripetibile\)\. Aree del piano 2024: 01 \(Area Affari Generali\), 02/,
      ],
      [
        ["utenti", "aggiungi", "U0123ABC", "--ruolo", "responsabile", "--area", "9"],
        /^Area «9» non trovata nel piano 2024\. Aree: 01 \(Area Affari Generali\)/,
      ],
      [["utenti", "aggiungi", "U0123ABC", "--ruolo", "responsabile", "--area", "area"], /^L'area «area» è ambigua/],
      [
        ["utenti", "aggiungi", "x1", "--ruolo", "admin"],
        /^ID utente Slack non valido: «x1»\. Atteso un ID come U0123ABCD/,
      ],
      [["utenti", "aggiungi", "C0123ABC", "--ruolo", "admin"], /^ID utente Slack non valido: «C0123ABC»/],
      [["utenti", "aggiungi", "--ruolo", "admin"], /^Manca l'ID Slack dell'utente\./],
      [["utenti", "rimuovi", "U0NOBODY"], /^L'utente U0NOBODY non è registrato: niente da rimuovere\./],
      [["utenti", "rimuovi"], /^Manca l'ID Slack dell'utente\. Uso: npx obiettivi utenti rimuovi <idSlack>\n$/],
      [["utenti", "aggiungi", "U0123ABC", "--ruolo", "admin", "--foo"], /^errore: opzione sconosciuta «--foo»\n/],
      [["utenti", "aggiungi", "U0123ABC", "--ruolo"], /^errore: manca il valore dell'opzione «--ruolo <ruolo>»\n/],
      [["canale", "03", "X0123"], /^ID canale Slack non valido: «X0123»\. Atteso un ID come C0123ABCD/],
      [["canale", "07", "C0123ABC"], /^Area «07» non trovata nel piano 2024/],
      [["canale", "03"], /^Manca l'ID del canale\. Uso: npx obiettivi canale <area> <idCanale>/],
    ];
    for (const [args, expected] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(" ")).not.toBe(0);
      expect(r.err, args.join(" ")).toMatch(expected);
      noStackTrace(r.err);
    }
    expect(await t.db.user.count()).toBe(0);
    expect(await t.db.areaChannel.count()).toBe(0);
    expect(await t.db.auditEntry.count({ where: { action: { in: ["user_add", "user_remove", "channel_set"] } } })).toBe(
      0,
    );
  });

  it("area staff cannot be added before a plan exists; other roles can", async () => {
    const empty = await testDatabase();
    process.env.DATABASE_URL = empty.url;
    try {
      const r = await cli(["utenti", "aggiungi", "U0123ABC", "--ruolo", "dipendente", "--area", "03"]);
      expect(r.code).toBe(1);
      expect(r.err).toContain("Il ruolo dipendente richiede un'area del piano, ma nessun piano è caricato.");
      expect((await cli(["utenti", "aggiungi", "U0123ABC", "--ruolo", "admin"])).code).toBe(0);
    } finally {
      process.env.DATABASE_URL = t.url;
      await empty.dispose();
    }
  });

  it("sets an area's channel (audited), shows the channels, refuses bad ids", async () => {
    const set = await cli(["canale", "3", "c0tecnica"]);
    expect(set).toMatchObject({
      code: 0,
      out: "Canale dell'area 03 (Area Tecnico Manutentiva): C0TECNICA (prima: nessuno).\n",
    });
    const again = await cli(["canale", "polizia", "G0POLIZIA"]);
    expect(again.out).toBe("Canale dell'area 04 (Area Polizia Locale): G0POLIZIA (prima: nessuno).\n");
    const change = await cli(["canale", "03", "<#C0NUOVO|tecnica>"]);
    expect(change.out).toBe("Canale dell'area 03 (Area Tecnico Manutentiva): C0NUOVO (prima: C0TECNICA).\n");
    const same = await cli(["canale", "03", "C0NUOVO"]);
    expect(same.out).toBe("Canale dell'area 03 (Area Tecnico Manutentiva): C0NUOVO (era già questo).\n");

    expect(await t.db.areaChannel.findUnique({ where: { areaCode: "03" } })).toMatchObject({ channelId: "C0NUOVO" });
    const audit = await t.db.auditEntry.findMany({ where: { action: "channel_set" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.entityKey, JSON.parse(a.before ?? "null"), JSON.parse(a.after ?? "null")])).toEqual([
      ["03", null, { channelId: "C0TECNICA" }],
      ["04", null, { channelId: "G0POLIZIA" }],
      ["03", { channelId: "C0TECNICA" }, { channelId: "C0NUOVO" }],
    ]);

    const list = await cli(["canale"]);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^Area\s+Nome\s+Canale\n/);
    expect(list.out).toMatch(/\n03\s+Area Tecnico Manutentiva\s+C0NUOVO\n/);
    expect(list.out).toMatch(/\n05\s+Area Servizi Sociali\s+—\n/);
  });

  it("help texts are in Italian", async () => {
    const help = await cli(["utenti", "aggiungi", "--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toContain("Uso: obiettivi utenti aggiungi");
    expect(help.out).toContain("Opzioni:");
    expect(help.out).toContain("--ruolo <ruolo>");
    expect(help.out).toContain("obbligatoria per dipendente e responsabile, ripetibile");
    expect(help.out).toContain("-h, --help");
    expect(help.out).toContain("mostra questo aiuto");
    expect(help.out).not.toMatch(/Usage:|Options:|display help/);
    const group = await cli(["utenti", "--help"]);
    expect(group.out).toContain("Comandi:");
    expect(group.out).toContain("npx obiettivi utenti aggiungi U0456EFGH --ruolo dipendente --area 03 --area 05");
  });
});
