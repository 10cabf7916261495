import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock.ts";
import { instantOfDay, romeDay } from "../../src/domain/calendar/days.ts";
import { runCli } from "../../src/cli/index.ts";
import { recordDelayExplanation } from "../../src/app/delays.ts";
import { handleObiettivo } from "../../src/slack/handlers.ts";
import { ACTION, VIEW } from "../../src/slack/ui/ids.ts";
import { REPORT_BLOCK, REPORT_ELEMENT } from "../../src/slack/ui/report-modal.ts";
import { EVIDENCE_BLOCK, EVIDENCE_ELEMENT } from "../../src/slack/ui/validation.ts";
import { createLogger } from "../../src/logger.ts";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";
import {
  blockActionBody,
  slashCommandBody,
  startTestApp,
  viewSubmissionBody,
  type TestApp,
} from "../helpers/slack-http.ts";

/**
 * The Nucleo's validation pack end to end: a plan imported and people added through the CLI,
 * a year of reports through signed Slack requests and the console handler, then
 * `obiettivi validazione` as JSON and XLSX, the filled sample read back, and the findings in
 * the JSON. Each activity below is set up to trip exactly one check.
 */

const TODAY = "2025-01-15";
const HEAD = "U0HEAD003"; // responsabile, area 03
const STAFF = "U0STAFF03"; // dipendente, area 03
const NDV = "U0NDV0001"; // nucleo

let fake: FakeSlack;
let t: TestApp;
let database: Awaited<ReturnType<typeof testDatabase>>;
let dir: string;
let savedUrl: string | undefined;
let seq = 0;

async function cli(args: string[]) {
  let out = "";
  let err = "";
  const code = await runCli(args, { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

interface Reply {
  text: string;
  blocks: { type: string; elements?: { action_id?: string; value?: string }[] }[];
}

async function slash(text: string, userId: string): Promise<{ replies: Reply[]; triggerId: string }> {
  const id = `cmd${++seq}`;
  const triggerId = `trig.${seq}.${Date.now()}`;
  const res = await t.send(slashCommandBody({ text, userId, responseUrl: fake.responseUrl(id), triggerId }));
  expect(res.status).toBe(200);
  await t.idle();
  return { replies: fake.responsesTo(id).map((r) => r.body as unknown as Reply), triggerId };
}

function buttonOf(reply: Reply, actionId: string) {
  return reply.blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === actionId);
}

async function press(userId: string, actionId: string, value: string) {
  const id = `btn${++seq}`;
  const res = await t.send(blockActionBody({ userId, actionId, value, responseUrl: fake.responseUrl(id) }));
  expect(res.status).toBe(200);
  await t.idle();
  return fake.responsesTo(id).map((r) => r.body as unknown as Reply);
}

async function pack(args: string[] = []) {
  const r = await cli(["validazione", "--anno", "2024", "--formato", "json", "--oggi", TODAY, ...args]);
  expect(r.err).not.toMatch(/errore imprevisto/i);
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as {
    checks: { id: string; ok: boolean; codes: string[] }[];
    registro: {
      code: string;
      claimedDate: string;
      enteredAt: string;
      author: string;
      onBehalfOf: string | null;
      channel: string;
      evidence: string | null;
      undone: boolean;
      late: boolean;
      numerator: number | null;
      denominator: number | null;
      source: string | null;
      value: number | null;
    }[];
    sample: { code: string; outcome: string | null; note: string | null }[];
    seed: string;
    document: { sections: { heading: string; bullets: string[] }[] };
  };
}

const check = (p: Awaited<ReturnType<typeof pack>>, id: string) => p.checks.find((c) => c.id === id)!;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "obiettivi-validazione-"));
  database = await testDatabase();
  savedUrl = process.env.DATABASE_URL;
  process.env.DATABASE_URL = database.url;
  expect((await cli(["importa", LEGGIUNO_PLAN])).code).toBe(0);
  expect((await cli(["utenti", "aggiungi", HEAD, "--ruolo", "responsabile", "--area", "03"])).code).toBe(0);
  expect((await cli(["utenti", "aggiungi", STAFF, "--ruolo", "dipendente", "--area", "03"])).code).toBe(0);
  expect((await cli(["utenti", "aggiungi", NDV, "--ruolo", "nucleo"])).code).toBe(0);
  fake = await startFakeSlack();
  t = await startTestApp({ db: database.db, clock: fixedClock(TODAY), fake });

  // 3.1.2: completed in time, entered 26 days later through the modal, with its act: clean.
  const open = await slash("3.1.2", HEAD);
  expect(open.replies).toHaveLength(0);
  const view = (await fake.waitForCall("views.open")).body.view as { private_metadata: string };
  const submitted = await t.send(
    viewSubmissionBody({
      userId: HEAD,
      callbackId: VIEW.report,
      privateMetadata: view.private_metadata,
      values: {
        [REPORT_BLOCK.status]: {
          [REPORT_ELEMENT.status]: { type: "static_select", selected_option: { value: "completata" } },
        },
        [REPORT_BLOCK.date]: { [REPORT_ELEMENT.date]: { type: "datepicker", selected_date: "2024-12-20" } },
        [REPORT_BLOCK.evidence]: { [REPORT_ELEMENT.evidence]: { type: "plain_text_input", value: "Det. n. 245/2024" } },
      },
    }),
  );
  expect(submitted.status).toBe(200);
  expect(submitted.json).toBeUndefined();
  await t.idle();
});

afterAll(async () => {
  await t?.close();
  await fake?.close();
  process.env.DATABASE_URL = savedUrl;
  await database?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe("reports that need evidence, late entries, counts", () => {
  it("a completion without its act says so and offers «Aggiungi evidenza», which attaches one to that report", async () => {
    // 3.1.3: completed 01/10/2024, typed on 15/01/2025 (106 days later): a late entry.
    const { replies } = await slash("3.1.3 completato il 01/10/2024", STAFF);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toContain("Manca l'evidenza");
    expect(replies[0]!.text).toContain("determina, delibera, protocollo o link");
    const add = buttonOf(replies[0]!, ACTION.addEvidence);
    expect(add).toBeDefined();

    const before = fake.callsTo("views.open").length;
    await press(STAFF, ACTION.addEvidence, add!.value!);
    const modal = (await fake.waitForCall("views.open", before + 1)).body.view as {
      callback_id: string;
      private_metadata: string;
    };
    expect(modal.callback_id).toBe(VIEW.evidence);

    const notAnAct = await t.send(
      viewSubmissionBody({
        userId: STAFF,
        callbackId: VIEW.evidence,
        privateMetadata: modal.private_metadata,
        values: { [EVIDENCE_BLOCK.text]: { [EVIDENCE_ELEMENT.text]: { type: "plain_text_input", value: "fatto" } } },
      }),
    );
    expect(notAnAct.json).toMatchObject({
      response_action: "errors",
      errors: { [EVIDENCE_BLOCK.text]: expect.stringContaining("non è un atto") },
    });

    const ok = await t.send(
      viewSubmissionBody({
        userId: STAFF,
        callbackId: VIEW.evidence,
        privateMetadata: modal.private_metadata,
        values: {
          [EVIDENCE_BLOCK.text]: { [EVIDENCE_ELEMENT.text]: { type: "plain_text_input", value: "Prot. n. 4521" } },
        },
      }),
    );
    expect(ok.status).toBe(200);
    expect(ok.json).toBeUndefined();
    await t.idle();
    const report = await database.db.report.findFirstOrThrow({ where: { activityCode: "3.1.3" } });
    expect(report.evidence).toBe("Prot. n. 4521");
    const audit = await database.db.auditEntry.findMany({
      where: { action: "report_evidence", entityKey: "2024:3.1.3" },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe(STAFF);
  });

  it("the console handler records a completion without evidence: its message says what is missing", async () => {
    // 3.2.4: completed 28/12/2024 (in time, 18 days before entry), no act.
    const outcome = await handleObiettivo(
      { db: database.db, clock: fixedClock(TODAY), log: createLogger("silent"), env: t.env } as never,
      { userId: HEAD, text: "3.2.4 completato il 28/12/2024", source: "console" },
    );
    expect(outcome.kind).toBe("message");
    expect(outcome.kind === "message" && outcome.message.text).toContain("Manca l'evidenza");
  });

  it("= 30/60 fonte: protocollo stores 50% with its counts and source; bad counts are refused in Italian and store nothing", async () => {
    const { replies } = await slash("3.2.1 = 30/60 fonte: protocollo", STAFF);
    expect(replies[0]!.text).toContain("30 su 60, fonte: protocollo");
    const r = await database.db.report.findFirstOrThrow({ where: { activityCode: "3.2.1" } });
    expect(r).toMatchObject({ kind: "percent", value: 50, numerator: 30, denominator: 60, valueSource: "protocollo" });

    const count = await database.db.report.count();
    for (const [text, fragment] of [
      ["3.2.1 = 61/60", "non può superare il denominatore"],
      ["3.2.1 = 5/0", "maggiore di zero"],
      ["3.2.1 = 2,5/60", "numeri interi"],
      ["3.1.7 = 3/4", "solo per le percentuali"],
    ] as const) {
      const bad = await slash(text, STAFF);
      expect(bad.replies[0]!.text).toContain(fragment);
    }
    expect(await database.db.report.count()).toBe(count);
  });

  it("an overdue activity with its cause, and a report undone", async () => {
    // 3.1.4: due 15/09/2024, still in progress: a deviation, explained.
    await slash("3.1.4 in corso", STAFF);
    await recordDelayExplanation(database.db, {
      year: 2024,
      code: "3.1.4",
      userId: HEAD,
      now: instantOfDay(TODAY),
      today: TODAY,
      cause: "carenza_personale",
      explanation: "Tecnico in malattia",
      correctiveAction: null,
      newExpectedDate: null,
    });
    // 3.2.2: 60% then undone.
    const { replies } = await slash("3.2.2 60%", STAFF);
    const undo = buttonOf(replies[0]!, ACTION.reportUndo)!;
    await press(STAFF, ACTION.reportUndo, undo.value!);
    expect((await database.db.report.findFirstOrThrow({ where: { activityCode: "3.2.2" } })).undoneAt).not.toBeNull();
  });
});

describe("obiettivi validazione", () => {
  it("the checklist names exactly the activities set up as late, without evidence, without a cause, undone", async () => {
    const p = await pack(["--seme", "uno", "--campione", "2"]);
    expect(p.checks.map((c) => c.id)).toEqual([
      "missing_activity",
      "deviation_without_cause",
      "completed_without_evidence",
      "late_entry",
      "unmeasurable_target",
      "manual_deadline",
      "manual_evaluation",
      "scoring_rules_after_period",
      "undone_report",
      "no_report",
    ]);
    expect(check(p, "late_entry")).toMatchObject({ ok: false, codes: ["3.1.3"] });
    expect(check(p, "completed_without_evidence")).toMatchObject({ ok: false, codes: ["3.2.4"] });
    expect(check(p, "deviation_without_cause")).toMatchObject({ ok: false, codes: ["3.2.1"] });
    expect(check(p, "undone_report")).toMatchObject({ ok: false, codes: ["3.2.2"] });
    expect(check(p, "missing_activity")).toMatchObject({ ok: true, codes: [] });
    expect(check(p, "scoring_rules_after_period").ok).toBe(true);
    const noReport = check(p, "no_report").codes;
    expect(noReport).toContain("3.2.2");
    for (const c of ["3.1.2", "3.1.3", "3.1.4", "3.2.1", "3.2.4"]) expect(noReport).not.toContain(c);
    expect(check(p, "unmeasurable_target").codes).toContain("3.1.1");

    // One register row per report, with who typed it, claimed date, entry time, channel, evidence, undone.
    expect(p.registro).toHaveLength(await database.db.report.count());
    const late = p.registro.find((r) => r.code === "3.1.3")!;
    expect(late).toMatchObject({
      claimedDate: "2024-10-01",
      author: STAFF,
      onBehalfOf: null,
      channel: "slack_command",
      evidence: "Prot. n. 4521",
      undone: false,
      late: true,
    });
    expect(romeDay(new Date(late.enteredAt))).toBe(TODAY);
    expect(p.registro.find((r) => r.code === "3.1.2")).toMatchObject({
      channel: "slack_modal",
      evidence: "Det. n. 245/2024",
      late: false,
    });
    expect(p.registro.find((r) => r.code === "3.2.4")).toMatchObject({ channel: "console", evidence: null });
    expect(p.registro.find((r) => r.code === "3.2.2")).toMatchObject({ undone: true });
    expect(p.registro.find((r) => r.code === "3.2.1")).toMatchObject({
      value: 50,
      numerator: 30,
      denominator: 60,
      source: "protocollo",
    });

    expect(p.document.sections.map((s) => s.heading.toLowerCase())).toEqual(
      expect.arrayContaining(["conformità", "attendibilità", "comprensibilità"]),
    );
    expect(p.document.sections.find((s) => s.heading === "Attendibilità")!.bullets.join("\n")).toContain("3.2.4");
  });

  it("the sample: the same for the same seed, another for other seeds, drawn from the completed activities", async () => {
    const completed = ["3.1.2", "3.1.3", "3.2.4"];
    const a = await pack(["--seme", "alfa", "--campione", "2"]);
    const b = await pack(["--seme", "alfa", "--campione", "2"]);
    expect(a.sample.map((s) => s.code)).toEqual(b.sample.map((s) => s.code));
    expect(a.sample).toHaveLength(2);
    for (const s of a.sample) expect(completed).toContain(s.code);
    expect(a.sample.every((s) => s.outcome === null)).toBe(true);
    const draws = new Set<string>();
    for (const seed of ["alfa", "beta", "gamma", "delta", "epsilon", "zeta"])
      draws.add((await pack(["--seme", seed, "--campione", "2"])).sample.map((s) => s.code).join(","));
    expect(draws.size).toBeGreaterThan(1);
    const all = await pack(["--seme", "x", "--campione", "50"]);
    expect(all.sample.map((s) => s.code).sort()).toEqual(completed);
  });

  it("writes md, docx and xlsx; refuses a bad format, date or sample size with exit code ≠ 0", async () => {
    const md = await cli(["validazione", "--anno", "2024", "--oggi", TODAY, "--seme", "s", "--formato", "md"]);
    expect(md.code).toBe(0);
    for (const h of ["## Conformità", "## Attendibilità", "## Comprensibilità", "Allegato 1 — Checklist"])
      expect(md.out).toContain(h);
    const docx = path.join(dir, "v.docx");
    expect(
      (
        await cli([
          "validazione",
          "--anno",
          "2024",
          "--oggi",
          TODAY,
          "--seme",
          "s",
          "--formato",
          "docx",
          "--output",
          docx,
        ])
      ).code,
    ).toBe(0);
    const mammoth = await import("mammoth");
    const text = (await mammoth.extractRawText({ path: docx })).value;
    for (const h of ["Conformità", "Attendibilità", "Comprensibilità", "3.2.4"]) expect(text).toContain(h);
    for (const bad of [
      ["--formato", "pdf"],
      ["--al", "2024-13-01"],
      ["--campione", "-1"],
    ]) {
      const r = await cli(["validazione", "--anno", "2024", "--oggi", TODAY, ...bad]);
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(/non valid/i);
    }
  });

  it("findings written in the XLSX sample are read back and appear in the JSON, audited; a bad esito names sheet, row and column and writes nothing", async () => {
    const file = path.join(dir, "campione.xlsx");
    const w = await cli([
      "validazione",
      "--anno",
      "2024",
      "--oggi",
      TODAY,
      "--seme",
      "firma",
      "--campione",
      "3",
      "--formato",
      "xlsx",
      "--output",
      file,
    ]);
    expect(w.code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.getWorksheet("Campione")!;
    const header = ws.getRow(3).values as (string | undefined)[];
    const col = (name: string) => header.indexOf(name);
    const rows: { row: number; code: string }[] = [];
    ws.eachRow((row, n) => {
      if (n > 3 && row.getCell(col("Codice")).text) rows.push({ row: n, code: row.getCell(col("Codice")).text });
    });
    expect(rows).toHaveLength(3);
    const [first, second, third] = rows;

    // A typo first: nothing is recorded.
    ws.getRow(first!.row).getCell(col("Esito")).value = "conforme";
    ws.getRow(second!.row).getCell(col("Esito")).value = "forse";
    await wb.xlsx.writeFile(file);
    const bad = await cli(["validazione", "esiti", file, "--anno", "2024", "--oggi", TODAY]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain(`Foglio «Campione», riga ${second!.row}, colonna F (Esito)`);
    expect(await database.db.validationFinding.count()).toBe(0);

    ws.getRow(second!.row).getCell(col("Esito")).value = "Non conforme";
    ws.getRow(second!.row).getCell(col("Nota")).value = "Manca la determina di approvazione";
    await wb.xlsx.writeFile(file);
    const good = await cli(["validazione", "esiti", file, "--anno", "2024", "--utente", NDV, "--oggi", TODAY]);
    expect(good.err).toBe("");
    expect(good.code).toBe(0);
    expect(good.out).toContain("Registrati 2 esiti");
    expect(good.out).toContain(third!.code);

    const p = await pack(["--seme", "firma", "--campione", "3"]);
    const byCode = new Map(p.sample.map((s) => [s.code, s]));
    expect(byCode.get(first!.code)).toMatchObject({ outcome: "conforme", note: null });
    expect(byCode.get(second!.code)).toMatchObject({
      outcome: "non conforme",
      note: "Manca la determina di approvazione",
    });
    expect(byCode.get(third!.code)!.outcome).toBeNull();
    const audit = await database.db.auditEntry.findMany({ where: { action: "validation_finding" } });
    expect(audit.map((a) => a.actor)).toEqual([NDV, NDV]);

    const relFile = path.join(dir, "relazione.md");
    expect(
      (await cli(["relazione", "--anno", "2024", "--oggi", TODAY, "--formato", "md", "--output", relFile])).code,
    ).toBe(0);
    const rel = { out: readFileSync(relFile, "utf8") };
    expect(rel.out).toContain("Esiti del Nucleo di Valutazione");
    expect(rel.out).toContain("Manca la determina di approvazione");
    expect(rel.out).toMatch(/3\.2\.4: senza evidenza/);
    expect(rel.out).toMatch(/3\.1\.3: inserimento tardivo: dato del 01\/10\/2024/);
    expect(rel.out).toContain("50% (30 su 60, fonte: protocollo)");
  });

  it("a fact typed with obiettivi registra on someone's behalf, long after its date: a late entry, with who typed it and whose it is", async () => {
    const r = await cli([
      "registra",
      "3.1.5",
      "completato",
      "--utente",
      STAFF,
      "--il",
      "2024-11-20",
      "--evidenza",
      "Det. n. 77/2024",
    ]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    // registra runs on the real clock: the pack is taken as of today too.
    const out = await cli(["validazione", "--anno", "2024", "--formato", "json", "--seme", "uno"]);
    expect(out.code).toBe(0);
    const p = JSON.parse(out.out) as Awaited<ReturnType<typeof pack>>;
    expect(check(p, "late_entry").codes).toEqual(["3.1.3", "3.1.5"]);
    expect(check(p, "completed_without_evidence").codes).toEqual(["3.2.4"]);
    const row = p.registro.find((x) => x.code === "3.1.5")!;
    expect(row).toMatchObject({
      claimedDate: "2024-11-20",
      onBehalfOf: STAFF,
      channel: "cli",
      evidence: "Det. n. 77/2024",
      late: true,
    });
    expect(row.author).toMatch(/^cli:/);
  });
});
