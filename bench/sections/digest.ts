import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { openDatabase } from "../../src/db/client.ts";
import { buildDigests } from "../../src/app/digest.ts";
import { importPlanText } from "../../src/plan-import/import-plan.ts";
import { generatePiaoText } from "../generate-plan.ts";
import { sizeId, type BenchRow, type BenchSection } from "../types.ts";

const TODAY = "2024-10-07";
const YEAR = 2024;

/**
 * Progress as a Comune has it in October: about half the activities touched (a fifth
 * completed, some in progress with a percentage or a count, a few blocked, some with a
 * deadline set by hand), and dated count reports on a third of the paced count indicators
 * (now and then a total corrected by hand).
 * Written straight with better-sqlite3: setting up is not what is measured.
 */
export function seedProgress(file: string): { progress: number; reports: number } {
  const sql = new Database(file);
  try {
    const acts = sql
      .prepare(
        `SELECT a.code AS code, a.targetKind AS kind, a.period AS period FROM Activity a JOIN Plan p ON p.id = a.planId WHERE p.year = ? ORDER BY a.id`,
      )
      .all(YEAR) as { code: string; kind: string; period: string | null }[];
    const at = new Date("2024-09-30T10:00:00Z").toISOString().replace("Z", "+00:00");
    const insProgress = sql.prepare(
      `INSERT INTO Progress (planYear, activityCode, status, percent, count, lastReportAt, lastReporterId, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insReport = sql.prepare(
      `INSERT INTO Report (planYear, activityCode, userId, kind, value, occurredOn, source, createdAt) VALUES (?, ?, ?, 'count_add', ?, ?, 'cli', ?)`,
    );
    const insSet = sql.prepare(
      `INSERT INTO Report (planYear, activityCode, userId, kind, value, occurredOn, source, createdAt) VALUES (?, ?, ?, 'count_set', ?, ?, 'cli', ?)`,
    );
    const insManual = sql.prepare(
      `INSERT INTO ManualDeadline (planYear, activityCode, deadline, setBy, setAt) VALUES (?, ?, ?, 'bench', ?)`,
    );
    const insUser = sql.prepare(
      `INSERT OR IGNORE INTO User (slackUserId, role, name, createdAt) VALUES (?, 'responsabile', ?, ?)`,
    );
    const insUserArea = sql.prepare(`INSERT OR IGNORE INTO UserArea (slackUserId, areaCode) VALUES (?, ?)`);
    let progress = 0;
    let reports = 0;
    sql.transaction(() => {
      for (const area of ["01", "02", "03", "04", "05"]) {
        insUser.run(`UHEAD${area}`, `Responsabile ${area}`, at);
        insUserArea.run(`UHEAD${area}`, area);
      }
      acts.forEach((a, i) => {
        const r = i % 10;
        if (r < 2) insProgress.run(YEAR, a.code, "completata", 100, null, at, "UHEAD01", at);
        else if (r < 4)
          insProgress.run(YEAR, a.code, "in_corso", 10 * (i % 9), a.kind === "count" ? i % 7 : null, at, "UHEAD02", at);
        else if (r === 4) insProgress.run(YEAR, a.code, "bloccata", null, null, at, "UHEAD03", at);
        if (r < 5) progress++;
        if (i % 50 === 7) insManual.run(YEAR, a.code, `2024-${String(1 + (i % 12)).padStart(2, "0")}-15`, at);
        if (a.kind === "count" && a.period && i % 3 === 0) {
          for (let k = 0; k < 4; k++) {
            insReport.run(
              YEAR,
              a.code,
              "UHEAD03",
              1,
              `2024-${String(1 + ((i + k * 3) % 10)).padStart(2, "0")}-0${1 + k}`,
              at,
            );
            reports++;
          }
          // Now and then a total corrected by hand.
          if (i % 60 === 0) {
            insSet.run(YEAR, a.code, "UHEAD03", 5 + (i % 7), "2024-09-20", at);
            reports++;
          }
        }
      });
    })();
    // A running bot's WAL is checkpointed as it goes; a fresh import's is not yet.
    sql.pragma("wal_checkpoint(TRUNCATE)");
    return { progress, reports };
  } finally {
    sql.close();
  }
}

export const RAW_OVERDUE = `
  SELECT a.code, a.title, ar.code AS areaCode, COALESCE(m.deadline, a.deadline) AS deadline, p.status
  FROM Activity a
  JOIN Objective o ON o.id = a.objectiveId
  JOIN Area ar ON ar.id = o.areaId
  LEFT JOIN ManualDeadline m ON m.planYear = @year AND m.activityCode = a.code
  LEFT JOIN Progress p ON p.planYear = @year AND p.activityCode = a.code
  WHERE a.planId = @planId AND a.archivedAt IS NULL
    AND COALESCE(m.deadline, a.deadline) < @today
    AND COALESCE(p.status, '') <> 'completata'
  ORDER BY COALESCE(m.deadline, a.deadline)`;

async function best<T>(runs: number, fn: () => Promise<T> | T): Promise<{ ms: number; last: T }> {
  let ms = Infinity;
  let last!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    last = await fn();
    ms = Math.min(ms, performance.now() - t0);
  }
  return { ms, last };
}

async function measure(n: number): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), "obiettivi-bench-digest-"));
  const file = path.join(dir, "b.db");
  try {
    const opened = await openDatabase(`file:${file}`);
    const imported = await importPlanText(opened.db, generatePiaoText(n, YEAR), "bench.txt", {
      actor: "bench",
      now: new Date("2024-01-10T10:00:00Z"),
    });
    const seeded = seedProgress(file);
    const label = `${imported.counts.activities.toLocaleString("it-IT")} attività`;

    // Interleaved, best of 5 each: both see the same machine load and the same warm cache.
    const raw = new Database(file, { readonly: true });
    const stmt = raw.prepare(RAW_OVERDUE);
    const digest = { ms: Infinity, last: undefined as unknown as Awaited<ReturnType<typeof buildDigests>> };
    const rawRun = { ms: Infinity, last: [] as unknown[] };
    for (let i = 0; i < 6; i++) {
      const r = await best(1, () => stmt.all({ year: YEAR, planId: imported.planId, today: TODAY }) as unknown[]);
      const d = await best(1, () => buildDigests(opened.db, { today: TODAY }));
      if (i === 0) continue; // warm-up: statement preparation, first page reads
      if (r.ms < rawRun.ms) Object.assign(rawRun, r);
      if (d.ms < digest.ms) Object.assign(digest, d);
    }
    raw.close();
    await opened.close();

    const overdue = digest.last.digests.reduce((s, d) => s + d.overdue.total, 0);
    if (overdue !== rawRun.last.length) {
      throw new Error(`digest: ${overdue} attività in ritardo contro ${rawRun.last.length} della query diretta`);
    }
    process.stderr.write(
      `  digest ${label}: ${seeded.progress} avanzamenti, ${seeded.reports} rendicontazioni, ${overdue} in ritardo; ` +
        `riepiloghi ${digest.ms.toFixed(1)} ms, query diretta ${rawRun.ms.toFixed(1)} ms\n`,
    );
    const ratio = digest.ms / Math.max(rawRun.ms, 0.001);
    const big = imported.counts.activities >= 100_000;
    return [
      {
        id: `digest.all_areas_${sizeId(n)}_ms`,
        section: "digest",
        metric: `riepiloghi di tutte le aree, ${label}`,
        value: digest.ms,
        unit: "ms",
        ...(big ? { goal: "<= 1000 ms", ok: digest.ms <= 1000 } : {}),
      },
      {
        id: `digest.raw_overdue_query_${sizeId(n)}_ms`,
        section: "digest",
        metric: `query diretta attività in ritardo, ${label}`,
        value: rawRun.ms,
        unit: "ms",
      },
      {
        id: `digest.ratio_to_raw_${sizeId(n)}`,
        section: "digest",
        metric: `rapporto riepiloghi / query diretta, ${label}`,
        value: ratio,
        unit: "x",
        ...(big ? { goal: "<= 5 x", ok: ratio <= 5 } : {}),
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const section: BenchSection = {
  name: "digest",
  async run() {
    const rows: BenchRow[] = [];
    for (const n of [105, 10_000, 100_000]) rows.push(...(await measure(n)));
    return rows;
  },
};
