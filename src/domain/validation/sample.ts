/**
 * The Nucleo's sample: N completed activities drawn with a seeded generator, so the same
 * seed over the same population gives the same sample, and anyone can redraw it.
 */

/** A 32-bit hash of the seed text (FNV-1a), the generator's starting state. */
export function seedState(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast and good enough to pick a sample; returns floats in [0, 1). */
export function seededRandom(seed: string): () => number {
  let a = seedState(seed);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Plan codes in reading order: 3.1.9 before 3.1.10, E1.1 after the areas. */
const collator = new Intl.Collator("it", { numeric: true, sensitivity: "base" });
export function compareCodes(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * `size` codes drawn without replacement from `population` (order of the input does not
 * matter: it is sorted first), in draw order. All of them when size >= the population.
 */
export function drawSample(population: readonly string[], size: number, seed: string): string[] {
  const pool = [...new Set(population)].sort(compareCodes);
  const n = Math.max(0, Math.min(Math.floor(size), pool.length));
  const random = seededRandom(seed);
  // Partial Fisher-Yates: the first n places are the sample.
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, n);
}
