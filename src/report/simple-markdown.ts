/**
 * The little Markdown the Segretario writes for the Relazione's own texts: paragraphs,
 * bullet lists ("- " or "* "), bold (**…**) and "#" headings. Pure; anything else stays text.
 */

export interface TextRun {
  text: string;
  bold: boolean;
}

export type MdBlock =
  | { kind: "paragraph"; runs: TextRun[] }
  | { kind: "bullet"; runs: TextRun[] }
  | { kind: "heading"; text: string };

export function inlineRuns(text: string): TextRun[] {
  const runs: TextRun[] = [];
  const re = /\*\*(.+?)\*\*|__(.+?)__/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) runs.push({ text: text.slice(last, m.index), bold: false });
    runs.push({ text: m[1] ?? m[2] ?? "", bold: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) runs.push({ text: text.slice(last), bold: false });
  return runs.filter((r) => r.text.length > 0);
}

export function parseSimpleMarkdown(source: string): MdBlock[] {
  const blocks: MdBlock[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push({ kind: "paragraph", runs: inlineRuns(paragraph.join(" ")) });
    paragraph = [];
  };
  for (const raw of source
    .replace(/^\uFEFF/, "")
    .replace(/\r\n?/g, "\n")
    .split("\n")) {
    const line = raw.trim();
    if (!line) {
      flush();
      continue;
    }
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      blocks.push({ kind: "heading", text: heading[1]!.replace(/\*\*/g, "").trim() });
      continue;
    }
    const bullet = /^[-*•]\s+(.*)$/.exec(line);
    if (bullet) {
      flush();
      blocks.push({ kind: "bullet", runs: inlineRuns(bullet[1]!) });
      continue;
    }
    paragraph.push(line);
  }
  flush();
  return blocks;
}
