import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/index.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";

async function cli(args: string[]) {
  let out = "";
  let err = "";
  const code = await runCli(args, { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

describe("obiettivi riepilogo", () => {
  let t: Awaited<ReturnType<typeof testDatabase>>;
  const saved: Record<string, string | undefined> = {};
  beforeEach(async () => {
    t = await testDatabase();
    await importPlanFile(t.db, LEGGIUNO_PLAN, { actor: "test", now: new Date("2024-01-10T09:00:00Z") });
    for (const k of ["DATABASE_URL", "DIGEST_EMPTY_WEEK"]) saved[k] = process.env[k];
    process.env.DATABASE_URL = t.url;
    delete process.env.DIGEST_EMPTY_WEEK;
  });
  afterEach(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await t.dispose();
  });

  it("prints, without posting, the digest area 03 would get on 7 October 2024", async () => {
    const r = await cli(["riepilogo", "--area", "03", "--oggi", "2024-10-07"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      "Riepilogo settimanale – 03. Area Tecnico Manutentiva\nSettimana 41 · 07/10/2024 · Piano 2024",
    );
    expect(r.out).toContain("In ritardo (3):");
    expect(r.out).toContain("• 3.4.1 Gestione servizi cimiteriali — scadenza 30/06/2024, 99 giorni di ritardo");
    expect(r.out).toContain("Indicatori sotto il ritmo atteso (6):");
    expect(r.out).not.toContain("02. Area Economico Finanziaria");
    // "3" names the same area as "03".
    expect((await cli(["riepilogo", "--area", "3", "--oggi", "2024-10-07"])).out).toBe(r.out);
    expect(await t.db.delivery.count()).toBe(0);
  });

  it("--tutte prints every area, and --oggi moves the day", async () => {
    const r = await cli(["riepilogo", "--tutte", "--oggi", "2024-03-25"]);
    expect(r.code).toBe(0);
    for (const a of [
      "01. Area Affari Generali",
      "03. Area Tecnico Manutentiva",
      "04. Area Polizia Locale",
      "05. Area Servizi Sociali",
    ]) {
      expect(r.out).toContain(`Riepilogo settimanale – ${a}`);
    }
    expect(r.out).toContain("• 1.1.1 Piano operativo — scade tra 14 giorni (08/04/2024)");
    expect(r.out).toContain("02. Area Economico Finanziaria: niente da segnalare questa settimana");
  });

  it("says when a quiet week would post nothing with DIGEST_EMPTY_WEEK=niente", async () => {
    process.env.DIGEST_EMPTY_WEEK = "niente";
    const r = await cli(["riepilogo", "--area", "02", "--oggi", "2024-03-25"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("non riceverebbe alcun messaggio");
  });

  it("refuses an unknown area, a bad date and a missing choice in Italian, with a non-zero exit", async () => {
    const area = await cli(["riepilogo", "--area", "09", "--oggi", "2024-10-07"]);
    expect(area.code).not.toBe(0);
    expect(area.err).toContain("Nessuna area con codice «09» nel piano 2024. Aree:");
    expect(area.err).toContain("03  Area Tecnico Manutentiva");
    const date = await cli(["riepilogo", "--area", "03", "--oggi", "7/10/2024"]);
    expect(date.code).not.toBe(0);
    expect(date.err).toContain("Data non valida per --oggi: «7/10/2024». Atteso il formato AAAA-MM-GG");
    const none = await cli(["riepilogo", "--oggi", "2024-10-07"]);
    expect(none.code).not.toBe(0);
    expect(none.err).toContain("Indica l'area con --area <codice>");
    const both = await cli(["riepilogo", "--area", "03", "--tutte"]);
    expect(both.code).not.toBe(0);
    expect(both.err).toContain("non entrambi");
  });
});
