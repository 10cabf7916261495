/** One figure of `npm run bench`: printed in the table and written to bench/results.json. */
export interface BenchRow {
  /**
   * Stable, machine-readable name of the figure: "<section>.<what>", lower case, digits and
   * underscores, e.g. "memory.rss_after_commands_100k". Never reworded: tools compare runs by it.
   */
  id: string;
  section: string; // "import", "obiettivo", "stato", "digest", "memoria", "avvio"
  metric: string; // e.g. "p99 105 attività"
  value: number;
  unit: string; // "ms", "MB", "x"
  /** The goal, as text, e.g. "<= 50 ms"; and whether this run met it. */
  goal?: string;
  ok?: boolean;
}

export interface BenchSection {
  name: string;
  run(): Promise<BenchRow[]>;
}

/** A plan size in a row id: 105 -> "105", 10000 -> "10k", 100000 -> "100k". */
export function sizeId(n: number): string {
  return n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}
