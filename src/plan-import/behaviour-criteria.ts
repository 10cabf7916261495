/**
 * The behaviour criteria of the SMVP when the plan document lists them, each followed (or
 * ended) by "(punteggio attribuibile da 0 a N punti)". Pure. An empty list means the
 * document lists none and the SMVP configuration applies.
 */

export interface ParsedCriterion {
  title: string;
  maxPoints: number;
}

const RANGE = /\(?\s*punteggio\s+attribuibile\s+da\s+0\s+a\s+(\d+(?:[.,]\d+)?)\s+punt[io]\s*\)?/i;

function clean(line: string): string {
  return line
    .replace(/<[^>]+>/g, " ")
    .replace(/^[\s\-–•❖*\d.)]+(?=\p{L})/u, "")
    .replace(/\*\*/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[:;,.]$/, "");
}

export function parseBehaviourCriteria(text: string): ParsedCriterion[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const out: ParsedCriterion[] = [];
  let lastUsed = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = RANGE.exec(line);
    if (!m) continue;
    const maxPoints = Number(m[1]!.replace(",", "."));
    let title = clean(line.replace(RANGE, ""));
    if (!title) {
      // The title is the nearest non-empty line above, not one already taken by a criterion.
      for (let j = i - 1; j > lastUsed; j--) {
        const t = clean(lines[j]!);
        if (t) {
          title = t;
          break;
        }
      }
    }
    lastUsed = i;
    if (title && maxPoints > 0) out.push({ title, maxPoints });
  }
  return out;
}
