/** One figure of `npm run bench`: printed in the table and written to bench/results.json. */
export interface BenchRow {
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
