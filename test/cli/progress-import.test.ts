import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cli, cliDatabase } from "../helpers/cli.ts";
import { LEGGIUNO_PLAN } from "../helpers/db.ts";
import { USERS } from "../report/leggiuno-fixture.ts";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/import");
const GOOD = path.join(FIXTURES, "avanzamento-leggiuno.csv");
const BAD = path.join(FIXTURES, "avanzamento-errori.csv");

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "obiettivi-avanzamento-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("obiettivi importa-avanzamento", () => {
  let t: Awaited<ReturnType<typeof cliDatabase>>;
  beforeEach(async () => {
    t = await cliDatabase();
    expect((await cli(["importa", LEGGIUNO_PLAN])).code).toBe(0);
    for (const u of Object.values(USERS)) {
      const args = ["utenti", "aggiungi", u.id, "--ruolo", u.role, ...u.areas.flatMap((a) => ["--area", a])];
      if (u.name) args.push("--nome", u.name);
      expect((await cli(args)).code).toBe(0);
    }
  });
  afterEach(async () => {
    await t.dispose();
  });

  const progress = (code: string) =>
    t.db.progress.findUnique({ where: { planYear_activityCode: { planYear: 2024, activityCode: code } } });

  it("records each row as a report through the /obiettivo grammar, in date order, audited; a second run records nothing", async () => {
    const r = await cli(["importa-avanzamento", GOOD]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("7 segnalazioni registrate su 6 attività");

    expect(await progress("3.1.2")).toMatchObject({
      status: "completata",
      completedOn: "2024-12-20",
      lastReporterId: "U0NODARI",
    });
    // The rows of 3.3.2 are out of order in the file: the later total wins.
    expect(await progress("3.3.2")).toMatchObject({ status: "in_corso", count: 18 });
    expect(await progress("2.1.4")).toMatchObject({ status: "in_corso", percent: 60 });
    expect(await progress("3.2.4")).toMatchObject({
      status: "bloccata",
      blockedReason: "In attesa del parere regionale sulla VAS",
    });
    expect(await progress("3.1.4")).toMatchObject({ status: "in_corso", lastReporterId: "U0BIANCHI" });
    expect(await progress("E5.2")).toMatchObject({ count: 120 });

    const reports = await t.db.report.findMany({ orderBy: { id: "asc" } });
    expect(reports).toHaveLength(7);
    const first = reports.find((x) => x.activityCode === "3.1.2")!;
    expect(first).toMatchObject({
      userId: "U0NODARI",
      evidence: "Det. n. 245/2024",
      occurredOn: "2024-12-20",
      source: "cli",
    });
    expect(first.enteredBy).toMatch(/^cli:/);
    expect(reports.find((x) => x.activityCode === "3.3.2" && x.value === 5)!.note).toBe("sopralluoghi di giugno");

    const audit = await t.db.auditEntry.findMany({ where: { action: { in: ["report", "progress_import"] } } });
    expect(audit.filter((a) => a.action === "report")).toHaveLength(7);
    expect(audit.filter((a) => a.action === "report").every((a) => a.actor.startsWith("cli:"))).toBe(true);
    const summary = audit.find((a) => a.action === "progress_import")!;
    expect(JSON.parse(summary.after!)).toMatchObject({ sourceName: "avanzamento-leggiuno.csv", recorded: 7 });

    const again = await cli(["importa-avanzamento", GOOD]);
    expect(again.code).toBe(0);
    expect(again.out).toContain("Nessuna riga nuova");
    expect(await t.db.report.count()).toBe(7);
  });

  it("every bad row is named, with the reason a report would be refused; no row is recorded", async () => {
    const r = await cli(["importa-avanzamento", BAD]);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain("non è stata importata nessuna riga");
    expect(r.err).toContain("riga 3: l'attività 9.9.9 non è nel piano 2024");
    expect(r.err).toMatch(/riga 4: La data 31\/12\/2099 è nel futuro/);
    expect(r.err).toContain("riga 5: L'attività 2.1.4 non ha un indicatore numerico");
    expect(r.err).toMatch(/riga 6: Non puoi aggiornare l'attività 1\.1\.1: appartiene all'area 01/);
    expect(r.err).toMatch(/riga 7: stato\/valore non riconosciuto: Non capisco «forse»/);
    expect(r.err).toContain("riga 8: manca la data");
    expect(r.err).toMatch(/riga 9: .*motivo/);
    expect(r.err).toContain("riga 10: l'autore «Sconosciuto» non è un utente registrato");
    expect(r.err).not.toContain("riga 2:");
    expect(await t.db.report.count()).toBe(0);
    expect(await t.db.progress.count()).toBe(0);
    expect(await t.db.auditEntry.count({ where: { action: { in: ["report", "progress_import"] } } })).toBe(0);
  });

  it("reads an Excel sheet with real dates and the columns in another order", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("Avanzamento");
    ws.addRow(["Autore", "Codice", "Stato", "Data", "Evidenza", "Nota"]);
    ws.addRow(["Claudia Nodari", "3.4.1", "completato", new Date(Date.UTC(2024, 5, 28)), "Det. n. 120/2024", null]);
    ws.addRow(["U0BIANCHI", "3.1.7", "= 7", new Date(Date.UTC(2024, 11, 1)), null, "manutenzioni"]);
    // 50% typed in a percentage cell: Excel keeps 0.5.
    ws.addRow(["U0BIANCHI", "3.2.1", 0.5, new Date(Date.UTC(2024, 11, 15)), null, null]).getCell(3).numFmt = "0%";
    const file = path.join(dir, "avanzamento.xlsx");
    await wb.xlsx.writeFile(file);
    const r = await cli(["importa-avanzamento", file]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(await progress("3.4.1")).toMatchObject({ status: "completata", completedOn: "2024-06-28" });
    expect(await progress("3.1.7")).toMatchObject({ count: 7 });
    expect(await progress("3.2.1")).toMatchObject({ status: "in_corso", percent: 50 });

    const bad = new ExcelJS.Workbook();
    const b = bad.addWorksheet("Foglio1");
    b.addRow(["Codice", "Data", "Valore", "Autore"]);
    b.addRow(["3.4.2", "ieri l'altro", "completato", "U0NODARI"]);
    await bad.xlsx.writeFile(path.join(dir, "errata.xlsx"));
    const e = await cli(["importa-avanzamento", path.join(dir, "errata.xlsx")]);
    expect(e.code).not.toBe(0);
    expect(e.err).toContain("foglio «Foglio1», riga 2: data non valida «ieri l'altro»");
  });

  it("a file without the expected columns: the columns it lacks", async () => {
    const r = await cli(["importa-avanzamento", LEGGIUNO_PLAN]);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain("mancano le colonne");
    expect(r.err).toContain("«autore»");
  });
});
