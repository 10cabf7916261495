import type { ValidationPack } from "../domain/validation/pack.ts";
import { dayText, OUTCOME_LABELS } from "../domain/validation/pack.ts";

/**
 * The draft validation document as Word (docx, loaded on first use): title, the three
 * headings pre-filled with the findings, the conclusions left to the Nucleo, and the
 * checklist and the sample as tables in an annex.
 */
export async function renderValidationDocx(p: ValidationPack): Promise<Buffer> {
  const { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } = await import(
    "docx"
  );
  const d = p.document;
  const para = (text: string, opts: { bold?: boolean; italics?: boolean } = {}) =>
    new Paragraph({ children: [new TextRun({ text, ...opts })], spacing: { after: 120 } });
  const cellOf = (text: string, bold = false) =>
    new TableCell({ children: [new Paragraph({ children: [new TextRun({ text, bold })] })] });
  const table = (head: string[], rows: string[][]) =>
    new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      rows: [
        new TableRow({ tableHeader: true, children: head.map((h) => cellOf(h, true)) }),
        ...rows.map((r) => new TableRow({ children: r.map((c) => cellOf(c || "—")) })),
      ],
    });

  const children: (InstanceType<typeof Paragraph> | InstanceType<typeof Table>)[] = [
    new Paragraph({ text: d.title, heading: HeadingLevel.TITLE }),
    para(d.subtitle, { italics: true }),
    ...d.intro.map((t) => para(t)),
  ];
  for (const s of d.sections) {
    children.push(new Paragraph({ text: s.heading, heading: HeadingLevel.HEADING_1 }));
    for (const t of s.paragraphs) children.push(para(t));
    for (const b of s.bullets) {
      const sub = b.startsWith("   · ");
      children.push(new Paragraph({ text: sub ? b.slice(5) : b, bullet: { level: sub ? 1 : 0 } }));
    }
  }
  children.push(new Paragraph({ text: "Allegato 1 — Checklist", heading: HeadingLevel.HEADING_1 }));
  children.push(
    table(
      ["Verifica", "Esito", "Attività", "Dettaglio"],
      p.checks.map((c) => [c.label, c.ok ? "conforme" : "da verificare", c.codes.join(", "), c.summary]),
    ),
  );
  children.push(new Paragraph({ text: `Allegato 2 — Campione (seme «${p.seed}»)`, heading: HeadingLevel.HEADING_1 }));
  children.push(
    table(
      ["Attività", "Completata il", "Evidenze", "Esito", "Nota"],
      p.sample.map((s) => [
        `${s.code} ${s.title}`,
        dayText(s.completedOn),
        s.evidence.join("; ") || (s.withoutEvidence ? "senza evidenza" : ""),
        s.outcome ? OUTCOME_LABELS[s.outcome] : "da verificare",
        s.note ?? "",
      ]),
    ),
  );
  const doc = new Document({
    creator: "Obiettivi",
    title: d.title,
    description: d.subtitle,
    sections: [{ children }],
  });
  return Packer.toBuffer(doc);
}
