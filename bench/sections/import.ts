import { mkdtempSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase } from "../../src/db/client.ts";
import { importPlanText } from "../../src/plan-import/import-plan.ts";
import { generatePiaoText } from "../generate-plan.ts";
import { sizeId, type BenchRow, type BenchSection } from "../types.ts";

const LEGGIUNO = path.resolve(import.meta.dirname, "../../test/fixtures/plans/leggiuno-piao-2024.txt");

/** Import time into a fresh database: parse + one transaction. Best of 3 (first run warms the JIT). */
async function timeImport(text: string, runs = 3): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(path.join(tmpdir(), "obiettivi-bench-import-"));
    const { db, close } = await openDatabase(`file:${dir}/b.db`);
    const t0 = performance.now();
    await importPlanText(db, text, "bench.txt", { actor: "bench", now: new Date() });
    best = Math.min(best, performance.now() - t0);
    await close();
    rmSync(dir, { recursive: true, force: true });
  }
  return best;
}

export const section: BenchSection = {
  name: "import",
  async run() {
    const rows: BenchRow[] = [];
    const leggiuno = existsSync(LEGGIUNO) ? readFileSync(LEGGIUNO, "utf8") : generatePiaoText(121);
    const small = await timeImport(leggiuno);
    rows.push({
      id: "import.leggiuno_ms",
      section: "import",
      metric: "documento Leggiuno (~120 attività)",
      value: small,
      unit: "ms",
      goal: "<= 200 ms",
      ok: small <= 200,
    });
    const big = await timeImport(generatePiaoText(12_100), 2);
    rows.push({
      id: "import.plan_12100_ms",
      section: "import",
      metric: "piano 100x (12.100 attività)",
      value: big,
      unit: "ms",
      goal: "<= 5000 ms",
      ok: big <= 5000,
    });
    for (const n of [10_000, 100_000]) {
      const ms = await timeImport(generatePiaoText(n), 1);
      rows.push({
        id: `import.plan_${sizeId(n)}_ms`,
        section: "import",
        metric: `piano di ${n.toLocaleString("it-IT")} attività`,
        value: ms,
        unit: "ms",
      });
    }
    return rows;
  },
};
