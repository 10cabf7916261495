import type { Paragraph as DocxParagraph, Table as DocxTable, TableOfContents as DocxToc } from "docx";
import type { BehaviourCriterion, Scorecard } from "../domain/scoring/scorecard.ts";
import { itDate, itDateTime, itLongDate, itNumber, itPercent } from "../domain/text/italian.ts";
import {
  areaChartTitle,
  barChartSpec,
  renderChart,
  trendChartSpec,
  type ChartImage,
  type TrendPoint,
} from "./charts.ts";
import type { Relazione, RelazioneActivity, RelazioneObjective, RelazioneSection } from "./relazione.ts";
import { parseSimpleMarkdown, type TextRun } from "./simple-markdown.ts";

/**
 * The Relazione (or the monitoring report) as a Word document the Giunta can adopt: title
 * page, table of contents, the chapters of art. 10 D.Lgs. 150/2009 and the Funzione
 * Pubblica guidelines, tables whose header row repeats on every page, page numbers,
 * charts. A pure async function of its inputs (no database, no clock, no files), so it
 * can run in a worker thread; docx and the chart libraries are loaded on first use.
 */

export const DOCX_CHAPTERS = [
  "Sintesi dei risultati",
  "Contesto e risorse",
  "Performance organizzativa",
  "Performance individuale",
  "Variazioni intervenute",
  "Scostamenti e cause",
  "Bilancio di genere",
  "Allegati",
] as const;

export const DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** The texts the tool cannot know, written by the Segretario (Markdown); null = file missing. */
export interface RelazioneTexts {
  sintesi: string | null;
  contesto: string | null;
  bilancioGenere: string | null;
}

export const TEXT_FILES: Record<keyof RelazioneTexts, string> = {
  sintesi: "sintesi.md",
  contesto: "contesto.md",
  bilancioGenere: "bilancio-genere.md",
};

/** A plan variation as the Relazione model will carry it (issue 10); rendered when present. */
export interface PerAreaObjectiveRow {
  code: string;
  title: string;
  byArea: { areaCode: string; areaName: string; percent: number | null; explanation: string }[];
}

export interface ScorecardsInput {
  year: number;
  entity: string;
  asOf: string;
  criteria: BehaviourCriterion[];
  scorecards: Scorecard[];
  perAreaObjectives?: PerAreaObjectiveRow[];
}

export interface RelazioneDocxOptions {
  texts?: RelazioneTexts;
  scorecards?: ScorecardsInput;
  /** Monitored completion at each month end (see relazione-trend.ts). */
  trend?: TrendPoint[];
  /** Draw the charts (default true). */
  charts?: boolean;
}

type Docx = typeof import("docx");
type Block = DocxParagraph | DocxTable | DocxToc;

// A4 with 2 cm margins: 11906 - 2 x 1134 twips of text width.
const TEXT_WIDTH = 9638;
const IMAGE_MAX_WIDTH = 600;
const MAX_BARS = 40;
const FONT = "Calibri";
const CELL_STYLE = "CellaTabella";
const CELL_HEADER_STYLE = "IntestazioneTabella";

/** "1 dicembre 2026", in Rome. */

const pctOrDash = (n: number | null) => (n == null ? "non valutabile" : itPercent(n, 2));
const pointsOrDash = (n: number | null) => (n == null ? "non valutabile" : itNumber(n, 2));

class Writer {
  constructor(readonly d: Docx) {}

  p(
    text: string | TextRun[],
    opts: {
      bold?: boolean;
      italics?: boolean;
      size?: number;
      align?: "center" | "left" | "right";
      spacingAfter?: number;
      color?: string;
    } = {},
  ): DocxParagraph {
    const d = this.d;
    const runs = typeof text === "string" ? [{ text, bold: false }] : text;
    return new d.Paragraph({
      alignment:
        opts.align === "center" ? d.AlignmentType.CENTER : opts.align === "right" ? d.AlignmentType.RIGHT : undefined,
      spacing: { after: opts.spacingAfter ?? 120 },
      children: runs.map(
        (r) =>
          new d.TextRun({
            text: r.text,
            ...(opts.bold || r.bold ? { bold: true } : {}),
            ...(opts.italics ? { italics: true } : {}),
            ...(opts.size ? { size: opts.size } : {}),
            ...(opts.color ? { color: opts.color } : {}),
          }),
      ),
    });
  }

  heading(text: string, level: 1 | 2 | 3, pageBreakBefore = false): DocxParagraph {
    const d = this.d;
    const lv =
      level === 1 ? d.HeadingLevel.HEADING_1 : level === 2 ? d.HeadingLevel.HEADING_2 : d.HeadingLevel.HEADING_3;
    return new d.Paragraph({ heading: lv, pageBreakBefore, keepNext: true, children: [new d.TextRun({ text })] });
  }

  bullet(text: string | TextRun[]): DocxParagraph {
    const d = this.d;
    const runs = typeof text === "string" ? [{ text, bold: false }] : text;
    return new d.Paragraph({
      bullet: { level: 0 },
      spacing: { after: 60 },
      children: runs.map((r) => new d.TextRun({ text: r.text, ...(r.bold ? { bold: true } : {}) })),
    });
  }

  /** A table with a header row Word and LibreOffice repeat on every page; widths in shares of the text width. */
  table(headers: string[], rows: string[][], shares: number[]): DocxTable {
    const d = this.d;
    const total = shares.reduce((s, v) => s + v, 0);
    const widths = shares.map((s) => Math.floor((s / total) * TEXT_WIDTH));
    // Cell text takes its size and spacing from one paragraph style: a plan of thousands of rows stays light.
    const cell = (text: string, i: number, header: boolean) =>
      new d.TableCell({
        // Body cells take their width from the table grid (fixed layout): fewer elements per row.
        ...(header
          ? {
              width: { size: widths[i]!, type: d.WidthType.DXA },
              shading: { type: d.ShadingType.CLEAR, color: "auto", fill: "D9E2F3" },
            }
          : {}),
        children: text
          .split("\n")
          .map((line) => new d.Paragraph({ style: header ? CELL_HEADER_STYLE : CELL_STYLE, text: line })),
      });
    return new d.Table({
      width: { size: TEXT_WIDTH, type: d.WidthType.DXA },
      columnWidths: widths,
      layout: d.TableLayoutType.FIXED,
      margins: { top: 30, bottom: 30, left: 80, right: 80 },
      rows: [
        new d.TableRow({ tableHeader: true, cantSplit: true, children: headers.map((h, i) => cell(h, i, true)) }),
        ...rows.map((r) => new d.TableRow({ children: r.map((c, i) => cell(c, i, false)) })),
      ],
    });
  }

  image(img: ChartImage): DocxParagraph[] {
    const d = this.d;
    const scale = Math.min(1, IMAGE_MAX_WIDTH / img.width);
    return [
      new d.Paragraph({
        alignment: d.AlignmentType.CENTER,
        keepNext: true,
        children: [
          new d.ImageRun({
            type: "png",
            data: img.png,
            transformation: { width: Math.round(img.width * scale), height: Math.round(img.height * scale) },
            altText: { name: img.title, title: img.title, description: img.title },
          }),
        ],
      }),
      this.p(img.title, { italics: true, size: 18, align: "center" }),
    ];
  }

  /** The Segretario's own text, or a marked placeholder saying which file to write. */
  authored(text: string | null | undefined, file: string): Block[] {
    if (text == null || !text.trim()) {
      return [
        this.p(
          [
            { text: `[DA COMPLETARE] `, bold: true },
            {
              text: `Testo non fornito: scrivere il file ${file} nella cartella indicata con --testi e rigenerare il documento.`,
              bold: false,
            },
          ],
          { color: "C00000" },
        ),
      ];
    }
    return parseSimpleMarkdown(text).map((b) =>
      b.kind === "heading" ? this.heading(b.text, 3) : b.kind === "bullet" ? this.bullet(b.runs) : this.p(b.runs),
    );
  }

  spacer(): DocxParagraph {
    return this.p("", { spacingAfter: 60 });
  }
}

function docTitle(m: Relazione): string {
  return m.kind === "monitoraggio"
    ? `Monitoraggio intermedio della performance ${m.year}`
    : `Relazione sulla performance ${m.year}`;
}

function entityName(entity: string): string {
  return !entity ? "Comune" : /^comune\b/i.test(entity) ? entity : `Comune di ${entity}`;
}

function barData(objectives: RelazioneObjective[]): {
  data: { label: string; percent: number | null }[];
  note: string;
} {
  const data = objectives.map((o) => ({ label: `${o.code} ${o.title}`, percent: o.percent }));
  if (data.length <= MAX_BARS) return { data, note: "" };
  return { data: data.slice(0, MAX_BARS), note: ` (primi ${MAX_BARS} di ${data.length})` };
}

async function chartsFor(
  m: Relazione,
  o: RelazioneDocxOptions,
): Promise<{
  areas: ChartImage | null;
  comuneWide: ChartImage | null;
  byArea: Map<string, ChartImage>;
  trend: ChartImage | null;
}> {
  const none = { areas: null, comuneWide: null, byArea: new Map<string, ChartImage>(), trend: null };
  if (o.charts === false) return none;
  const areasTitle = "% raggiunto per area";
  const areas = m.sections.length
    ? await renderChart(
        barChartSpec(
          areasTitle,
          m.sections.map((s) => ({ label: s.name, percent: s.percent })),
        ),
        areasTitle,
      )
    : null;
  let comuneWide: ChartImage | null = null;
  if (m.comuneWide.objectives.length) {
    const { data, note } = barData(m.comuneWide.objectives);
    const title = `Obiettivi dell'ente: % raggiunto per obiettivo${note}`;
    comuneWide = await renderChart(barChartSpec(title, data), title);
  }
  const byArea = new Map<string, ChartImage>();
  for (const s of m.sections) {
    if (!s.objectives.length) continue;
    const { data, note } = barData(s.objectives);
    const title = `${areaChartTitle(s.name)}${note}`;
    byArea.set(s.code, await renderChart(barChartSpec(title, data), title));
  }
  let trend: ChartImage | null = null;
  if (o.trend?.some((p) => p.percent != null)) {
    trend = await renderChart(
      trendChartSpec(`Andamento ${m.year}: % raggiunto a fine mese`, o.trend),
      `Andamento nel ${m.year}: % raggiunto a fine mese, calcolato con le stesse regole SMVP alla data di ogni fine mese`,
    );
  }
  return { areas, comuneWide, byArea, trend };
}

function activityRows(acts: RelazioneActivity[]): string[][] {
  return acts.map((a) => [
    a.printedCode || a.code,
    a.title,
    `${a.indicator}${a.indicatorIndex ? ` (${a.indicatorIndex})` : ""}`,
    a.targetText,
    a.achieved,
    a.percent == null ? a.scoreStateLabel : `${itPercent(a.percent, 2)}${a.provisional ? " (provvisoria)" : ""}`,
  ]);
}

const ACTIVITY_HEADERS = ["Codice", "Attività", "Indicatore", "Valore atteso", "Raggiunto", "%"];
const ACTIVITY_SHARES = [8, 30, 20, 16, 14, 12];

function objectiveBlocks(w: Writer, o: RelazioneObjective, opts: { publicValue: boolean }): Block[] {
  const out: Block[] = [w.heading(`${o.code} ${o.title}`, 3)];
  if (opts.publicValue)
    out.push(
      w.p([
        { text: "Valore pubblico: ", bold: true },
        { text: o.publicValue || "non indicato nel piano", bold: false },
      ]),
    );
  out.push(
    w.p([
      { text: "Raggiungimento: ", bold: true },
      {
        text: `${pctOrDash(o.percent)}${o.weight != null ? ` (peso ${itNumber(o.weight)}%)` : ""}. ${o.explanation}.`,
        bold: false,
      },
    ]),
  );
  if (o.activities.length) out.push(w.table(ACTIVITY_HEADERS, activityRows(o.activities), ACTIVITY_SHARES), w.spacer());
  return out;
}

function scorecardBlocks(w: Writer, s: Scorecard, opts: { signatures: boolean; year: number }): Block[] {
  const out: Block[] = [];
  out.push(
    w.table(
      ["Componente", "Punti", "Massimo"],
      [
        ...s.areas.map((a) => [
          `Obiettivi dell'area ${a.code} ${a.name} (${pctOrDash(a.objectivesPercent)})`,
          pointsOrDash(a.objectivesPoints),
          itNumber(s.objectivesMaxPoints),
        ]),
        ["Obiettivi di performance individuale", itNumber(s.objectivesPoints, 2), itNumber(s.objectivesMaxPoints)],
        [
          "Performance organizzativa (obiettivi dell'ente)",
          itNumber(s.organisationalPoints, 2),
          itNumber(s.organisationalMaxPoints),
        ],
        [
          `Comportamenti organizzativi${s.behavioursEntered ? "" : " (non ancora inseriti)"}`,
          itNumber(s.behaviourPoints, 2),
          itNumber(s.behaviourMaxPoints),
        ],
        ["TOTALE", itNumber(s.total, 2), itNumber(s.maxTotal)],
      ],
      [60, 20, 20],
    ),
    w.spacer(),
    w.table(
      ["N.", "Criterio di valutazione dei comportamenti", "Punti", "Massimo"],
      s.behaviours.map((b) => [
        String(b.number),
        b.title,
        b.points == null ? "non inserito" : itNumber(b.points, 2),
        itNumber(b.maxPoints),
      ]),
      [6, 64, 15, 15],
    ),
    w.spacer(),
  );
  for (const line of s.explanation) out.push(w.bullet(line));
  if (s.behavioursEntered && s.behavioursEnteredBy) {
    out.push(
      w.p(
        `Punteggi dei comportamenti inseriti da ${s.behavioursEnteredBy}${s.behavioursEnteredAt ? ` il ${itDateTime(s.behavioursEnteredAt)}` : ""}.`,
        { italics: true, size: 18 },
      ),
    );
  }
  if (s.paymentTimes) {
    const p = s.paymentTimes;
    out.push(
      w.p([
        { text: "Quota legata ai tempi di pagamento (DL 13/2023 art. 4-bis): ", bold: true },
        {
          text:
            p.earnedShare == null
              ? `obiettivo ${p.objectiveCode} non ancora valutabile; quota del ${itPercent(p.resultPayShare, 0)} della retribuzione di risultato calcolata a parte.`
              : `obiettivo ${p.objectiveCode} raggiunto al ${itPercent(p.percent!, 2)}: riconosciuto il ${itPercent(p.earnedShare, 2)} su ${itPercent(p.resultPayShare, 0)} della retribuzione di risultato, calcolato a parte dal punteggio.`,
          bold: false,
        },
      ]),
    );
  }
  if (opts.signatures) {
    out.push(
      w.spacer(),
      w.p("Luogo e data ______________________________"),
      w.spacer(),
      w.p("Il Nucleo di Valutazione ______________________________"),
      w.spacer(),
      w.p("Il Segretario Comunale ______________________________"),
      w.spacer(),
      w.p(`Per presa visione, il Responsabile (${s.responsabile}) ______________________________   Data ____________`),
    );
  }
  return out;
}

/** "Variazioni intervenute": one row per field varied, as the model lists them (removals as «stralcio»). */
function variationBlocks(w: Writer, variations: Relazione["variations"]): Block[] {
  if (!variations.length) {
    return [
      w.p(
        "Nel corso dell'anno non sono state registrate variazioni del piano: gli obiettivi e gli indicatori sono quelli adottati.",
      ),
    ];
  }
  const acts = new Set(variations.map((v) => v.act));
  const out: Block[] = [
    w.p(
      `Modifiche approvate nel corso dell'anno: ${variations.length}, con ${acts.size === 1 ? "un atto" : `${acts.size} atti`}.`,
    ),
  ];
  out.push(
    w.table(
      ["Codice", "Elemento", "Valore originario", "Valore variato", "Atto", "Data", "Motivazione"],
      variations.map((v) => [v.code, v.fieldLabel, v.fromText, v.toText, v.act, itDate(v.validFrom), v.reason]),
      [8, 12, 18, 18, 18, 10, 16],
    ),
  );
  return out;
}

function deviationBlocks(w: Writer, m: Relazione): Block[] {
  const rows: string[][] = [];
  for (const s of [...m.sections, m.comuneWide]) {
    for (const o of s.objectives) {
      for (const a of o.activities) {
        if (!a.deviation) continue;
        const dv = a.deviation;
        rows.push([
          a.printedCode || a.code,
          a.title,
          dv.gap == null ? a.statusLabel : `-${itNumber(dv.gap, 2)} punti %`,
          dv.causeLabel,
          [
            dv.explanation,
            dv.correctiveAction ? `Azione correttiva: ${dv.correctiveAction}` : null,
            dv.newExpectedDate ? `Nuova data prevista: ${itDate(dv.newExpectedDate)}` : null,
          ]
            .filter(Boolean)
            .join("\n") || "—",
        ]);
      }
    }
  }
  const out: Block[] = [];
  if (!rows.length) out.push(w.p("Nessuno scostamento: tutte le attività valutate hanno raggiunto il valore atteso."));
  else
    out.push(
      w.p(`Attività con uno scostamento dal valore atteso, in ritardo o bloccate: ${rows.length}.`),
      w.table(["Codice", "Attività", "Scostamento", "Causa", "Spiegazione e azioni"], rows, [9, 30, 14, 17, 30]),
    );
  if (m.monitoring) {
    out.push(
      w.heading(
        `Attività a rischio (in scadenza entro ${m.monitoring.dueWithinDays} giorni, scadute, sotto il ritmo, bloccate)`,
        2,
      ),
    );
    if (!m.monitoring.atRisk.length) out.push(w.p("Nessuna attività a rischio alla data del monitoraggio."));
    else
      out.push(
        w.table(
          ["Codice", "Attività", "Motivi", "Proposte di rimodulazione"],
          m.monitoring.atRisk.map((r) => [
            r.code,
            `${r.title} (${r.sectionName})`,
            r.reasons.join("\n"),
            r.proposals.join("\n"),
          ]),
          [9, 31, 30, 30],
        ),
      );
  }
  return out;
}

function evidenceBlocks(w: Writer, m: Relazione): Block[] {
  const rows: string[][] = [];
  for (const s of [...m.sections, m.comuneWide]) {
    for (const o of s.objectives)
      for (const a of o.activities)
        for (const e of a.evidence)
          rows.push([a.printedCode || a.code, a.title, e.text, e.by.label, itDate(e.occurredOn)]);
  }
  if (!rows.length) return [w.p("Nessuna evidenza registrata con le segnalazioni (atti, protocolli, link).")];
  return [
    w.p(`Indice delle evidenze registrate con le segnalazioni: ${rows.length}.`),
    w.table(["Codice", "Attività", "Evidenza", "Registrata da", "Data"], rows, [9, 31, 28, 20, 12]),
  ];
}

function countsRow(label: string, s: { counts: RelazioneSection["counts"] }): string[] {
  const c = s.counts;
  return [
    label,
    itNumber(c.activities),
    itNumber(c.completed),
    itNumber(c.inProgress),
    itNumber(c.notStarted),
    itNumber(c.blocked),
    itNumber(c.overdue),
  ];
}

function titlePage(
  w: Writer,
  title: string,
  subtitle: string,
  m: { entity: string; asOf: string; generatedAt?: Date },
  extra: string[],
): Block[] {
  const d = w.d;
  return [
    w.p("", { spacingAfter: 2400 }),
    w.p(entityName(m.entity).toUpperCase(), { bold: true, size: 32, align: "center", spacingAfter: 600 }),
    w.p(title, { bold: true, size: 44, align: "center", spacingAfter: 300 }),
    w.p(subtitle, { size: 26, align: "center", spacingAfter: 1200 }),
    ...extra.map((e) => w.p(e, { size: 22, align: "center" })),
    new d.Paragraph({ children: [new d.PageBreak()] }),
  ];
}

function documentOf(d: Docx, title: string, first: Block[], body: Block[]): InstanceType<Docx["Document"]> {
  const footer = new d.Footer({
    children: [
      new d.Paragraph({
        alignment: d.AlignmentType.CENTER,
        children: [
          new d.TextRun({ children: ["Pagina ", d.PageNumber.CURRENT, " di ", d.PageNumber.TOTAL_PAGES], size: 18 }),
        ],
      }),
    ],
  });
  const header = new d.Header({
    children: [
      new d.Paragraph({
        alignment: d.AlignmentType.RIGHT,
        children: [new d.TextRun({ text: title, size: 16, color: "666666" })],
      }),
    ],
  });
  const page = { size: { width: 11906, height: 16838 }, margin: { top: 1134, bottom: 1134, left: 1134, right: 1134 } };
  return new d.Document({
    creator: "Obiettivi",
    title,
    features: { updateFields: true },
    styles: {
      default: { document: { run: { font: FONT, size: 22, language: { value: "it-IT" } } } },
      paragraphStyles: [
        {
          id: CELL_STYLE,
          name: "Cella tabella",
          basedOn: "Normal",
          run: { size: 18 },
          paragraph: { spacing: { before: 0, after: 0 } },
        },
        {
          id: CELL_HEADER_STYLE,
          name: "Intestazione tabella",
          basedOn: CELL_STYLE,
          run: { size: 18, bold: true },
          paragraph: { keepNext: true },
        },
      ],
    },
    sections: [
      { properties: { page }, children: first },
      { properties: { page }, headers: { default: header }, footers: { default: footer }, children: body },
    ],
  });
}

export async function renderRelazioneDocx(m: Relazione, options: RelazioneDocxOptions = {}): Promise<Uint8Array> {
  const [d, charts] = await Promise.all([import("docx"), chartsFor(m, options)]);
  const w = new Writer(d);
  const title = docTitle(m);
  const texts = options.texts;
  const sc = options.scorecards;
  const body: Block[] = [];

  body.push(
    w.p("Indice", { bold: true, size: 32, spacingAfter: 240 }),
    new d.TableOfContents("Indice", { hyperlink: true, headingStyleRange: "1-2" }),
    new d.Paragraph({ children: [new d.PageBreak()] }),
  );

  // 1. Sintesi
  body.push(w.heading(DOCX_CHAPTERS[0], 1));
  body.push(...w.authored(texts?.sintesi, TEXT_FILES.sintesi));
  body.push(w.heading("I risultati in cifre", 2));
  body.push(
    w.p([
      { text: `Raggiungimento complessivo al ${itDate(m.asOf)}: `, bold: true },
      { text: `${pctOrDash(m.overall.percent)}. ${m.overall.explanation}.`, bold: false },
    ]),
    w.table(
      ["Area", "Responsabile", "% raggiunto", `Punti (su ${itNumber(m.maxPoints)})`],
      [
        ...m.sections.map((s) => [s.name, s.head ?? "non indicato", pctOrDash(s.percent), pointsOrDash(s.points)]),
        [
          m.comuneWide.name,
          "tutte le aree",
          pctOrDash(m.comuneWide.percent),
          `${pointsOrDash(m.comuneWide.points)} su ${itNumber(m.comuneWide.maxPoints)}`,
        ],
      ],
      [36, 26, 18, 20],
    ),
    w.spacer(),
    w.table(
      ["Sezione", "Attività", "Completate", "In corso", "Non iniziate", "Bloccate", "Scadute"],
      [
        ...m.sections.map((s) => countsRow(s.name, s)),
        countsRow("Obiettivi dell'ente", m.comuneWide),
        countsRow("Totale", m.overall),
      ],
      [30, 10, 12, 12, 12, 12, 12],
    ),
    w.spacer(),
  );
  if (charts.areas) body.push(...w.image(charts.areas));
  if (charts.trend) body.push(...w.image(charts.trend));

  // 2. Contesto
  body.push(w.heading(DOCX_CHAPTERS[1], 1, true));
  body.push(...w.authored(texts?.contesto, TEXT_FILES.contesto));
  body.push(w.heading("Il piano in numeri", 2));
  const objectives = m.sections.reduce((s, x) => s + x.objectives.length, 0);
  body.push(
    w.bullet(
      `Aree (centri di responsabilità): ${itNumber(m.sections.length)}; responsabili: ${itNumber(new Set(m.sections.map((s) => s.head).filter(Boolean)).size)}.`,
    ),
    w.bullet(
      `Obiettivi delle aree: ${itNumber(objectives)}; obiettivi di performance organizzativa dell'ente: ${itNumber(m.comuneWide.objectives.length)}.`,
    ),
    w.bullet(`Attività e fasi monitorate: ${itNumber(m.overall.counts.activities)}.`),
    w.bullet(`Regole di valutazione: ${m.configLabel}.`),
  );

  // 3. Performance organizzativa
  body.push(w.heading(DOCX_CHAPTERS[2], 1, true));
  body.push(
    w.p(
      `Gli obiettivi di performance organizzativa sono comuni a tutte le aree. Raggiungimento: ${pctOrDash(m.comuneWide.percent)}; ${m.comuneWide.explanation}.`,
    ),
  );
  if (charts.comuneWide) body.push(...w.image(charts.comuneWide));
  const perArea = new Map((sc?.perAreaObjectives ?? []).map((p) => [p.code, p]));
  for (const o of m.comuneWide.objectives) {
    body.push(...objectiveBlocks(w, o, { publicValue: true }));
    const pa = perArea.get(o.code);
    if (pa) {
      body.push(
        w.p("Obiettivo misurato per area (configurazione SMVP): ogni area è valutata sulle proprie segnalazioni.", {
          italics: true,
        }),
        w.table(
          ["Area", "% raggiunto", "Calcolo"],
          pa.byArea.map((b) => [b.areaName, pctOrDash(b.percent), b.explanation]),
          [30, 15, 55],
        ),
        w.spacer(),
      );
    }
  }

  // 4. Performance individuale
  body.push(w.heading(DOCX_CHAPTERS[3], 1, true));
  body.push(
    w.p(
      `Per ogni Responsabile: gli obiettivi delle sue aree (fino a ${itNumber(m.maxPoints)} punti), la quota di performance organizzativa, i comportamenti organizzativi e il totale della scheda di valutazione.`,
    ),
  );
  const byHead = new Map<string, RelazioneSection[]>();
  for (const s of m.sections) {
    const h = s.head?.trim() || "Responsabile non indicato";
    byHead.set(h, [...(byHead.get(h) ?? []), s]);
  }
  const cards = new Map((sc?.scorecards ?? []).map((c) => [c.responsabile, c]));
  for (const [head, sections] of byHead) {
    body.push(w.heading(`Responsabile: ${head}`, 2));
    const card = cards.get(head);
    if (card) {
      body.push(
        w.p("Scheda di valutazione", { bold: true }),
        ...scorecardBlocks(w, card, { signatures: false, year: m.year }),
      );
    }
    for (const s of sections) {
      body.push(w.heading(`${s.name}`, 3));
      body.push(
        w.p([
          { text: "Raggiungimento: ", bold: true },
          { text: `${pctOrDash(s.percent)}; ${s.explanation}.`, bold: false },
        ]),
      );
      const chart = charts.byArea.get(s.code);
      if (chart) body.push(...w.image(chart));
      for (const o of s.objectives) body.push(...objectiveBlocks(w, o, { publicValue: true }));
    }
  }

  // 5-8
  body.push(w.heading(DOCX_CHAPTERS[4], 1, true), ...variationBlocks(w, m.variations));
  body.push(w.heading(DOCX_CHAPTERS[5], 1, true), ...deviationBlocks(w, m));
  body.push(w.heading(DOCX_CHAPTERS[6], 1, true), ...w.authored(texts?.bilancioGenere, TEXT_FILES.bilancioGenere));
  body.push(w.heading(DOCX_CHAPTERS[7], 1, true), ...evidenceBlocks(w, m));

  const first = titlePage(
    w,
    title,
    m.kind === "monitoraggio" ? `Stato al ${itLongDate(m.asOf)}` : `Anno ${m.year} — dati al ${itLongDate(m.asOf)}`,
    m,
    [
      `Documento elaborato il ${itLongDate(m.generatedAt)}`,
      `Valutazione secondo la ${m.configLabel}`,
      "Da sottoporre alla Giunta per l'approvazione e al Nucleo di Valutazione per la validazione",
    ],
  );
  return d.Packer.toBuffer(documentOf(d, title, first, body)).then((b) => new Uint8Array(b));
}

/** One scheda di valutazione per Responsabile, a page each, with lines for signature and "presa visione". */
export async function renderScorecardsDocx(set: ScorecardsInput, options: { generatedAt: Date }): Promise<Uint8Array> {
  const d = await import("docx");
  const w = new Writer(d);
  const title = `Schede di valutazione ${set.year}`;
  const body: Block[] = [];
  set.scorecards.forEach((s, i) => {
    body.push(w.heading(`Scheda di valutazione — ${s.responsabile}`, 1, i > 0));
    body.push(
      w.p(
        `${entityName(set.entity)}, anno ${set.year}, dati al ${itLongDate(set.asOf)}. Aree: ${s.areas.map((a) => `${a.code} ${a.name}`).join("; ") || "nessuna"}.`,
      ),
      ...scorecardBlocks(w, s, { signatures: true, year: set.year }),
    );
  });
  if (!set.scorecards.length) body.push(w.p("Il piano non indica responsabili delle aree: nessuna scheda."));
  const first = titlePage(w, title, entityName(set.entity), { entity: set.entity, asOf: set.asOf }, [
    `Dati al ${itLongDate(set.asOf)}`,
    `Documento elaborato il ${itLongDate(options.generatedAt)}`,
  ]);
  return d.Packer.toBuffer(documentOf(d, title, first, body)).then((b) => new Uint8Array(b));
}
