import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/index.ts";
import { instantOfDay } from "../../src/domain/calendar/days.ts";
import { recordReport } from "../../src/store/reports.ts";
import { setScoringConfig } from "../../src/store/scoring-config.ts";
import { buildRelazione } from "../../src/report/relazione.ts";
import { DOCX_CHAPTERS, renderRelazioneDocx } from "../../src/report/relazione-docx.ts";
import { testDatabase } from "../helpers/db.ts";
import { FIXTURE_SMVP, loadLeggiunoFixture, USERS } from "./leggiuno-fixture.ts";

type TestDb = Awaited<ReturnType<typeof testDatabase>>;

const HEADS = ["Clarissa Sartori", "Claudia Nodari", "Ettore Bezzolato", "Chiara Sereno"];
const MAXIMA = [5, 5, 7, 3, 5, 3, 7, 7, 5, 3];

async function cli(args: string[]) {
  let out = "";
  let err = "";
  const code = await runCli(args, { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

async function docxParts(file: string): Promise<{ xml: string; media: string[]; zip: JSZip }> {
  const zip = await JSZip.loadAsync(readFileSync(file));
  const xml = await zip.file("word/document.xml")!.async("string");
  const media = Object.keys(zip.files).filter((f) => f.startsWith("word/media/"));
  return { xml, media, zip };
}

/** The visible text of document.xml, paragraph by paragraph. */
function paragraphs(xml: string): string[] {
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) =>
    [...m[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(""),
  );
}

function headingTexts(xml: string, style: string): string[] {
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)]
    .filter((m) => m[0].includes(`<w:pStyle w:val="${style}"/>`))
    .map((m) => [...m[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(""));
}

describe("Relazione in Word and scorecards, Leggiuno 2024", () => {
  let t: TestDb;
  let dir: string;
  let savedUrl: string | undefined;
  let formazione: { objective: string; activity: string };

  beforeAll(async () => {
    t = await testDatabase();
    await loadLeggiunoFixture(t.db);
    dir = mkdtempSync(path.join(tmpdir(), "relazione-docx-"));
    savedUrl = process.env.DATABASE_URL;
    process.env.DATABASE_URL = t.url;
    // The Comune-wide training objective is measured per area ("persone formate per Settore/Servizio").
    const act = await t.db.activity.findFirstOrThrow({
      where: { indicatorIndex: { contains: "per Settore" } },
      include: { objective: true },
    });
    formazione = { objective: act.objective.code, activity: act.code };
    await setScoringConfig(
      t.db,
      2024,
      { ...FIXTURE_SMVP, comuneWideScoring: { [formazione.objective]: "per_area" } },
      { actor: "test", now: instantOfDay("2024-01-12") },
    );
    await t.db.user.create({
      data: {
        slackUserId: "U0BEZZO",
        role: "responsabile",
        name: "Ettore Bezzolato",
        createdAt: instantOfDay("2024-01-10"),
        areas: { create: [{ areaCode: "04" }] },
      },
    });
    await recordReport(
      t.db,
      {
        planYear: 2024,
        activityCode: formazione.activity,
        userId: USERS.nodari.id,
        kind: "count_set",
        value: 2,
        source: "cli",
        occurredOn: "2024-10-01",
      },
      instantOfDay("2024-10-01"),
    );
    await recordReport(
      t.db,
      {
        planYear: 2024,
        activityCode: formazione.activity,
        userId: "U0BEZZO",
        kind: "count_set",
        value: 1,
        source: "cli",
        occurredOn: "2024-10-02",
      },
      instantOfDay("2024-10-02"),
    );
  });
  afterAll(async () => {
    process.env.DATABASE_URL = savedUrl;
    rmSync(dir, { recursive: true, force: true });
    await t.dispose();
  });

  it("records the reporter's area on a Comune-wide report, and none on an area's", async () => {
    const reports = await t.db.report.findMany({
      where: { activityCode: formazione.activity },
      orderBy: { id: "asc" },
    });
    expect(reports.map((r) => r.areaCode)).toEqual(["03", "04"]);
  });

  it("smvp mostra lists the plan's ten behaviour criteria, numbered, with their maxima", async () => {
    const r = await cli(["smvp", "mostra", "--anno", "2024"]);
    expect(r.code).toBe(0);
    expect(r.err).toContain("dal documento del piano");
    for (let i = 0; i < MAXIMA.length; i++)
      expect(r.err).toMatch(new RegExp(`\\n  ${i + 1}\\. .+\\(da 0 a ${MAXIMA[i]} punti\\)`));
    expect(r.err).toContain("Totale: 50 punti.");
    expect(JSON.parse(r.out).behaviours.editors).toEqual(["segretario", "nucleo"]);
  });

  it("refuses a behaviour score above its maximum, naming the criterion, and changes nothing", async () => {
    const good = path.join(dir, "buoni.json");
    writeFileSync(good, JSON.stringify({ 1: 4, 2: 5, 3: 6, 4: 3, 5: 5, 6: 2, 7: 7, 8: 6, 9: 4, 10: 3 }));
    const ok = await cli([
      "comportamenti",
      "imposta",
      "--anno",
      "2024",
      "--responsabile",
      "Claudia Nodari",
      "--file",
      good,
    ]);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain("45 punti su 50");
    const stored = await t.db.behaviourScore.findMany();
    const audits = await t.db.auditEntry.count({ where: { action: "behaviour_scores" } });
    expect(audits).toBe(1);

    const bad = path.join(dir, "troppi.json");
    writeFileSync(bad, JSON.stringify({ 1: 5, 3: 8 }));
    const refused = await cli([
      "comportamenti",
      "imposta",
      "--anno",
      "2024",
      "--responsabile",
      "Claudia Nodari",
      "--file",
      bad,
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain("criterio 3");
    expect(refused.err).toContain("Senso di appartenenza");
    expect(refused.err).toContain("da 0 a 7 punti");
    expect(await t.db.behaviourScore.findMany()).toEqual(stored);
    expect(await t.db.auditEntry.count({ where: { action: "behaviour_scores" } })).toBe(audits);

    const unknown = await cli([
      "comportamenti",
      "imposta",
      "--anno",
      "2024",
      "--responsabile",
      "Mario Rossi",
      "--file",
      good,
    ]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toContain("Claudia Nodari");
  });

  it("scorecard JSON: one per Responsabile, objectives + organisational + behaviours = total <= 100", async () => {
    const r = await cli(["relazione", "--schede", "--formato", "json", "--oggi", "2025-01-31"]);
    expect(r.code, r.err).toBe(0);
    const json = JSON.parse(r.out) as { scorecards: Record<string, unknown>[] };
    expect(json.scorecards.map((s) => s.responsabile)).toEqual(HEADS);
    for (const s of json.scorecards as {
      objectivesPoints: number;
      organisationalPoints: number;
      behaviourPoints: number;
      total: number;
      maxTotal: number;
      areas: unknown[];
    }[]) {
      expect(s.areas.length).toBeGreaterThan(0);
      expect(s.objectivesPoints + s.organisationalPoints + s.behaviourPoints).toBeCloseTo(s.total, 9);
      expect(s.total).toBeLessThanOrEqual(s.maxTotal);
      expect(s.maxTotal).toBe(100);
    }
    const nodari = json.scorecards.find((s) => s.responsabile === "Claudia Nodari") as {
      behaviourPoints: number;
      objectivesPoints: number;
      organisationalPoints: number;
      paymentTimes: { objectiveCode: string; resultPayShare: number };
    };
    expect(nodari.behaviourPoints).toBe(45);
    expect(nodari.objectivesPoints).toBeGreaterThan(0);
    expect(nodari.paymentTimes.resultPayShare).toBe(30);
    // Per-area objective: area 03 trained 2 of 2, area 04 only 1, so 03's organisational share is higher.
    const bezzolato = json.scorecards.find((s) => s.responsabile === "Ettore Bezzolato") as {
      organisationalPoints: number;
    };
    expect(nodari.organisationalPoints).toBeGreaterThan(bezzolato.organisationalPoints);
  });

  it("relazione --formato docx: the chapters, a scheda per Responsabile, charts, the Segretario's text and placeholders", async () => {
    const texts = path.join(dir, "testi");
    mkdirSync(texts);
    writeFileSync(
      path.join(texts, "sintesi.md"),
      "Il 2024 è stato un anno **impegnativo**.\n\n- primo punto\n- secondo punto\n",
    );
    const out = path.join(dir, "relazione.docx");
    const r = await cli(["relazione", "--formato", "docx", "--oggi", "2025-01-31", "--testi", texts, "--output", out]);
    expect(r.code, r.err).toBe(0);
    const { xml, media, zip } = await docxParts(out);
    expect(headingTexts(xml, "Heading1")).toEqual([...DOCX_CHAPTERS]);
    const text = paragraphs(xml);
    expect(text).toContain("Il 2024 è stato un anno impegnativo.");
    expect(xml).toContain("<w:b/>");
    expect(text.filter((p) => p.startsWith("[DA COMPLETARE]")).length).toBe(2); // contesto.md, bilancio-genere.md
    expect(text.some((p) => p.includes("contesto.md"))).toBe(true);
    expect(text.some((p) => p.includes("non sono state registrate variazioni"))).toBe(true);
    for (const head of HEADS) expect(headingTexts(xml, "Heading2")).toContain(`Responsabile: ${head}`);
    expect(text.filter((p) => p === "Scheda di valutazione").length).toBe(HEADS.length);
    expect(media.length).toBeGreaterThanOrEqual(2);
    const png = await zip.file(media[0]!)!.async("uint8array");
    expect([...png.slice(1, 4)].map((c) => String.fromCharCode(c)).join("")).toBe("PNG");
    expect(xml).toContain("w:tblHeader");
    expect(xml).toMatch(/instrText[^>]*>TOC [^<]*\\o/);
    const footer = Object.keys(zip.files).filter((f) => /word\/footer\d*\.xml/.test(f));
    expect((await Promise.all(footer.map((f) => zip.file(f)!.async("string")))).join("")).toContain("PAGE");
    // --oggi moves the data date only; the document is dated when it is made (issue 10).
    expect(text).toContain("Anno 2024 — dati al 31 gennaio 2025");
    expect(text.some((p) => /^Documento elaborato il \d{1,2} \S+ \d{4}$/.test(p))).toBe(true);
    // The per-area objective shows each area's own figure: 03 trained 2 of 2 (100%), 04 only 1 (50%);
    // its other activity, due 31/12/2024, has no report from either area (0%).
    const from = text.findIndex((p) => p.startsWith("Obiettivo misurato per area"));
    expect(from).toBeGreaterThan(0);
    expect(text[text.indexOf("Area Tecnico Manutentiva", from) + 1]).toBe("50%");
    expect(text[text.indexOf("Area Polizia Locale", from) + 1]).toBe("25%");
  });

  it("relazione --monitoraggio --formato docx carries the at-risk table", async () => {
    const out = path.join(dir, "monitoraggio.docx");
    const r = await cli(["relazione", "--monitoraggio", "--formato", "docx", "--oggi", "2024-06-30", "--output", out]);
    expect(r.code, r.err).toBe(0);
    const { xml } = await docxParts(out);
    expect(headingTexts(xml, "Heading1")).toEqual([...DOCX_CHAPTERS]);
    expect(paragraphs(xml).some((p) => p.startsWith("Attività a rischio"))).toBe(true);
  });

  it("relazione --schede --formato docx: one scheda per Responsabile with signature and presa visione", async () => {
    const out = path.join(dir, "schede.docx");
    const r = await cli(["relazione", "--schede", "--formato", "docx", "--oggi", "2025-01-31", "--output", out]);
    expect(r.code, r.err).toBe(0);
    const { xml } = await docxParts(out);
    expect(headingTexts(xml, "Heading1")).toEqual(HEADS.map((h) => `Scheda di valutazione — ${h}`));
    const text = paragraphs(xml);
    expect(text.filter((p) => p.startsWith("Per presa visione")).length).toBe(HEADS.length);
    const totals = text
      .filter((p) => /^Totale: /.test(p))
      .map((p) => Number(/= ([\d,]+) punti su 100/.exec(p)![1]!.replace(",", ".")));
    expect(totals.length).toBe(HEADS.length);
    for (const n of totals) expect(n).toBeLessThanOrEqual(100);
  });

  it("renders the model's variations when it carries them (the pure renderer, no charts)", async () => {
    const model = await buildRelazione(t.db, { year: 2024, asOf: "2025-01-31", now: instantOfDay("2025-01-31") });
    const bytes = await renderRelazioneDocx(
      {
        ...model,
        variations: [
          {
            code: "3.1.4",
            entityType: "activity",
            field: "deadline",
            fieldLabel: "scadenza",
            from: "2024-06-30",
            to: "2024-10-31",
            fromText: "30/06/2024",
            toText: "31/10/2024",
            act: "Delibera G.C. n. 50/2024",
            validFrom: "2024-06-01",
            reason: "Nuova normativa regionale",
          },
        ],
      },
      { charts: false },
    );
    const zip = await JSZip.loadAsync(bytes);
    const xml = await zip.file("word/document.xml")!.async("string");
    const text = paragraphs(xml);
    expect(text).toContain("Delibera G.C. n. 50/2024");
    for (const cell of ["3.1.4", "scadenza", "30/06/2024", "31/10/2024", "01/06/2024", "Nuova normativa regionale"])
      expect(text).toContain(cell);
    expect(text.some((p) => p.includes("non sono state registrate variazioni"))).toBe(false);
    expect(Object.keys(zip.files).filter((f) => f.startsWith("word/media/"))).toEqual([]);
  });

  it("relazione --schede --formato xlsx writes a workbook; --schede with md is refused in Italian", async () => {
    const out = path.join(dir, "schede.xlsx");
    expect(
      (await cli(["relazione", "--schede", "--formato", "xlsx", "--oggi", "2025-01-31", "--output", out])).code,
    ).toBe(0);
    expect(readFileSync(out).subarray(0, 2).toString()).toBe("PK");
    const md = await cli(["relazione", "--schede", "--formato", "md"]);
    expect(md.code).not.toBe(0);
    expect(md.err).toContain("docx, xlsx, json");
  });
});
