import { distance } from "fastest-levenshtein";

/**
 * Finding an area from what a person types ("tecnica", "3", "03", "affari generali"):
 * shared by /stato and the users CLI, so both understand the same words.
 */
export interface AreaRef {
  code: string;
  name: string;
}

export type AreaMatch<A extends AreaRef> = { kind: "one"; area: A } | { kind: "none" } | { kind: "many"; areas: A[] };

/** Lower case, no accents, letters and digits only (so «Tecnico-Manutentiva» and «tecnico manutentiva» agree). */
export function normalizeWords(text: string): string[] {
  return text
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== "");
}

// Words that name no area in particular: «area tecnica» means the same as «tecnica».
const FILLER = new Set(["area", "di", "del", "della", "dei", "delle", "e", "ed", "la", "il", "lo", "l", "d"]);

// Italian gender and number change the last vowel ("tecnica" / "tecnico", "sociale" / "sociali"):
// comparing without it lets the feminine query find the masculine name.
function stem(word: string): string {
  return word.length > 3 ? word.replace(/[aeiou]$/, "") : word;
}

function wordMatches(query: string, nameWord: string): boolean {
  const q = stem(query);
  const n = stem(nameWord);
  if (n.startsWith(q) && q.length >= 3) return true;
  if (q === n) return true;
  // One slip of the finger in a long word ("tecnca") still finds the area.
  return q.length >= 5 && distance(q, n.slice(0, q.length)) <= 1;
}

function sameCode(query: string, code: string): boolean {
  if (query === code.toLowerCase()) return true;
  return /^\d+$/.test(query) && /^\d+$/.test(code) && Number(query) === Number(code);
}

/**
 * Every query word must fit the area: a number is its code ("3" = "03"), a word must start
 * (or nearly) one of its name's words. Filler words are ignored unless they are all there is.
 */
export function matchArea<A extends AreaRef>(areas: readonly A[], query: string): AreaMatch<A> {
  const words = normalizeWords(query);
  const meaningful = words.filter((w) => !FILLER.has(w));
  const wanted = meaningful.length > 0 ? meaningful : words;
  if (wanted.length === 0) return { kind: "none" };

  const exact = areas.filter((a) => wanted.length === 1 && sameCode(wanted[0]!, a.code));
  if (exact.length === 1) return { kind: "one", area: exact[0]! };

  const found = areas.filter((a) => {
    const nameWords = normalizeWords(a.name);
    return wanted.every((w) => sameCode(w, a.code) || nameWords.some((n) => wordMatches(w, n)));
  });
  if (found.length === 1) return { kind: "one", area: found[0]! };
  if (found.length === 0) return { kind: "none" };
  return { kind: "many", areas: found };
}

/** "3" and "03" and "003" name the same area; gives the code as the plan writes it. */
export function findAreaByCode<A extends AreaRef>(areas: readonly A[], code: string): A | undefined {
  const q = code.trim().toLowerCase();
  return areas.find((a) => sameCode(q, a.code));
}
