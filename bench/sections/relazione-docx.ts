import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { relazioneDocxInputs } from "../../src/app/relazione-docx.ts";
import { openDatabase } from "../../src/db/client.ts";
import { importPlanText } from "../../src/plan-import/import-plan.ts";
import { renderRelazioneDocx } from "../../src/report/relazione-docx.ts";
import { generatePiaoText } from "../generate-plan.ts";
import type { BenchRow, BenchSection } from "../types.ts";

const YEAR = 2024;
const YEAR_END = "2025-01-31";
const LEGGIUNO = path.resolve(import.meta.dirname, "../../test/fixtures/plans/leggiuno-piao-2024.txt");

/** Reports through the year (so the month-end trend has something to show), a tenth with evidence. */
function seed(file: string): void {
  const sql = new Database(file);
  try {
    const codes = (
      sql
        .prepare(`SELECT a.code AS code FROM Activity a JOIN Plan p ON p.id = a.planId WHERE p.year = ? ORDER BY a.id`)
        .all(YEAR) as { code: string }[]
    ).map((r) => r.code);
    const progress = sql.prepare(
      `INSERT INTO Progress (planYear, activityCode, status, percent, completedOn, lastReportAt, lastReporterId, updatedAt) VALUES (?, ?, ?, ?, ?, ?, 'UBENCH01', ?)`,
    );
    const report = sql.prepare(
      `INSERT INTO Report (planYear, activityCode, userId, kind, status, occurredOn, evidence, source, createdAt) VALUES (?, ?, 'UBENCH01', 'status', 'completata', ?, ?, 'cli', ?)`,
    );
    sql.transaction(() => {
      codes.forEach((code, i) => {
        if (i % 3 === 2) return;
        const month = String(1 + (i % 12)).padStart(2, "0");
        const day = `${YEAR}-${month}-15`;
        const at = `${day}T10:00:00.000+00:00`;
        progress.run(YEAR, code, "completata", 100, day, at, at);
        report.run(YEAR, code, day, i % 10 === 0 ? `Det. n. ${i}/${YEAR}` : null, at);
      });
    })();
  } finally {
    sql.close();
  }
}

async function measure(label: string, key: string, text: string, goalMs?: number): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), "obiettivi-bench-docx-"));
  const file = path.join(dir, "b.db");
  try {
    const opened = await openDatabase(`file:${file}`);
    const imported = await importPlanText(opened.db, text, `${label}.txt`, {
      actor: "bench",
      now: new Date("2024-01-10T10:00:00Z"),
    });
    seed(file);
    const name = `${label}, ${imported.counts.activities.toLocaleString("it-IT")} attività`;
    const now = new Date("2025-01-31T10:00:00Z");
    // Warm-up: the first run loads docx, vega, vega-lite and resvg and compiles the queries.
    if (goalMs !== undefined)
      await renderRelazioneDocx(
        ...(Object.values(await relazioneDocxInputs(opened.db, { asOf: YEAR_END, now })) as Parameters<
          typeof renderRelazioneDocx
        >),
      );

    // The event loop's longest stall while the document is built in-process: what a worker thread removes.
    let stall = 0;
    let last = performance.now();
    const sampler = setInterval(() => {
      const t = performance.now();
      stall = Math.max(stall, t - last - 5);
      last = t;
    }, 5);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const { model, options } = await relazioneDocxInputs(opened.db, { asOf: YEAR_END, now });
    const t1 = performance.now();
    const cpu1 = process.cpuUsage(cpu0);
    const docx = await renderRelazioneDocx(model, options);
    const t2 = performance.now();
    const cpu2 = process.cpuUsage(cpu0);
    // The sampler may not have run at all: a build that never yields to timers stalls the loop end to end.
    stall = Math.max(stall, performance.now() - last - 5);
    clearInterval(sampler);
    await opened.close();
    const ms = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
    const cpuTotal = ms(cpu2);
    process.stderr.write(
      `  relazione docx ${name}: ${(t2 - t0).toFixed(0)} ms (CPU ${cpuTotal.toFixed(0)} ms): dati ${(t1 - t0).toFixed(0)} ms (CPU ${ms(cpu1).toFixed(0)}; modello, schede, andamento a fine mese), ` +
        `documento e grafici ${(t2 - t1).toFixed(0)} ms (CPU ${(cpuTotal - ms(cpu1)).toFixed(0)}), ${(docx.length / 1e6).toFixed(2)} MB; ciclo degli eventi fermo fino a ${stall.toFixed(0)} ms\n`,
    );
    return [
      {
        id: `relazione_docx.cpu_${key}_ms`,
        section: "relazione-docx",
        metric: `Relazione DOCX completa, tempo CPU (indipendente dal carico), ${name}`,
        value: cpuTotal,
        unit: "ms",
        ...(goalMs !== undefined ? { goal: `<= ${goalMs} ms`, ok: cpuTotal <= goalMs } : {}),
      },
      {
        id: `relazione_docx.wall_${key}_ms`,
        section: "relazione-docx",
        metric: `Relazione DOCX completa, tempo reale, ${name}`,
        value: t2 - t0,
        unit: "ms",
      },
      {
        id: `relazione_docx.data_${key}_ms`,
        section: "relazione-docx",
        metric: `di cui dati (modello, schede, andamento), ${name}`,
        value: t1 - t0,
        unit: "ms",
      },
      {
        id: `relazione_docx.document_${key}_ms`,
        section: "relazione-docx",
        metric: `di cui documento e grafici, ${name}`,
        value: t2 - t1,
        unit: "ms",
      },
      {
        id: `relazione_docx.size_${key}_mb`,
        section: "relazione-docx",
        metric: `dimensione DOCX, ${name}`,
        value: docx.length / 1e6,
        unit: "MB",
      },
      {
        id: `relazione_docx.max_stall_${key}_ms`,
        section: "relazione-docx",
        metric: `blocco massimo del ciclo degli eventi in processo, ${name}`,
        value: stall,
        unit: "ms",
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const section: BenchSection = {
  name: "relazione-docx",
  async run() {
    const leggiuno = existsSync(LEGGIUNO) ? readFileSync(LEGGIUNO, "utf8") : generatePiaoText(121);
    return [
      ...(await measure("Leggiuno", "leggiuno", leggiuno, 2000)),
      ...(await measure("piano generato", "10k", generatePiaoText(10_000, YEAR))),
    ];
  },
};
