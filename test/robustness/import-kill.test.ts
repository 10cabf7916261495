import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatePiaoText } from "../../bench/generate-plan.ts";
import { openDatabase } from "../../src/db/client.ts";
import { importPlanText, parsePlanSource } from "../../src/plan-import/import-plan.ts";
import { seededRandom } from "./helpers/random.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const CHILD = path.join(import.meta.dirname, "helpers", "import-child.ts");
const KILLS = 50;
const LANES = 2;
/** 16 times Leggiuno: the import transaction lasts long enough for most kills to land inside it. */
const ACTIVITIES = 2_000;

/**
 * Plan B revises A the way a Giunta does: every title reworded, activities added, and
 * some removed (so the import updates, creates and archives in one transaction).
 */
function revisedPlan(): string {
  return generatePiaoText(ACTIVITIES + 100)
    .replace(/Svolgimento delle fasi previste/g, "Fasi riviste con la variazione")
    .split("\n")
    .filter((line) => !/^2\.\d+\.3\t/.test(line))
    .join("\n");
}

/** Every row of the plan's definition, in a stable order, hashed: equal hashes = the same plan. */
function planState(file: string): { integrity: string; fingerprint: string; sourceHash: string; imports: number } {
  const db = new Database(file, { timeout: 10_000 });
  try {
    const integrity = (db.pragma("integrity_check") as { integrity_check: string }[])
      .map((r) => r.integrity_check)
      .join("; ");
    const rows = db
      .prepare(
        `SELECT a.code, a.printedCode, a.title, a.description, a.position, a.targetText, a.targetKind, a.deadline, a.threshold,
                a.archivedAt, o.code AS objective, o.title AS objectiveTitle, o.archivedAt AS objectiveArchived, ar.code AS area
           FROM Activity a JOIN Objective o ON o.id = a.objectiveId LEFT JOIN Area ar ON ar.id = o.areaId
          ORDER BY a.code`,
      )
      .raw()
      .all();
    const plan = db.prepare("SELECT sourceHash FROM Plan").get() as { sourceHash: string };
    const imports = Number(
      (db.prepare("SELECT COUNT(*) AS n FROM AuditEntry WHERE action = 'plan_import'").get() as { n: number }).n,
    );
    return {
      integrity,
      fingerprint: createHash("sha256").update(JSON.stringify(rows)).digest("hex"),
      sourceHash: plan.sourceHash,
      imports,
    };
  } finally {
    db.close();
  }
}

interface Child {
  proc: ChildProcess;
  file: string;
  exited: Promise<void>;
  out(): string;
  /** Sends "go"; resolves with the ms from "go" to "done", or null if it never came. */
  go(): Promise<number | null>;
}

/** Copies plan A's database and starts an import child on it; resolves once it is ready to import. */
async function spawnImport(template: string, dir: string, planFile: string, n: number): Promise<Child> {
  const file = path.join(dir, `run-${n}.db`);
  copyFileSync(template, file);
  const proc = spawn(process.execPath, ["--import", "tsx", CHILD, file, planFile], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  proc.stdout!.setEncoding("utf8").on("data", (c: string) => (out += c));
  proc.stderr!.setEncoding("utf8").on("data", (c: string) => (err += c));
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (out.includes("ready\n")) resolve();
    };
    proc.stdout!.on("data", check);
    void exited.then(() => reject(new Error(`import child exited before being ready: ${err}`)));
  });
  return {
    proc,
    file,
    exited,
    out: () => out,
    go() {
      const t0 = performance.now();
      proc.stdin!.write("go\n");
      return new Promise((resolve) => {
        proc.stdout!.on("data", () => out.includes("done\n") && resolve(performance.now() - t0));
        void exited.then(() => resolve(out.includes("done\n") ? performance.now() - t0 : null));
      });
    },
  };
}

describe("an import killed at random moments leaves the old plan or the new one, whole", () => {
  let dir: string;
  let template: string;
  let planFile: string;
  let planA: ReturnType<typeof planState>;
  let planB: ReturnType<typeof planState>;
  let importMs: number;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "obiettivi-kill-"));
    template = path.join(dir, "plan-a.db");
    const opened = await openDatabase(`file:${template}`);
    await importPlanText(opened.db, generatePiaoText(ACTIVITIES), "piano-A.txt", {
      actor: "test",
      now: new Date("2024-01-31T10:00:00.000Z"),
    });
    await opened.close();
    planA = planState(template);
    planFile = path.join(dir, "piano-B.json");
    writeFileSync(planFile, JSON.stringify(parsePlanSource(revisedPlan(), "piano-B.txt")));

    // Uninterrupted runs: plan B's fingerprint, and how long "go" to "done" lasts here.
    const runs: number[] = [];
    for (let i = 0; i < 2; i++) {
      const full = await spawnImport(template, dir, planFile, -i);
      const ms = await full.go();
      await full.exited;
      expect(ms, full.out()).not.toBeNull();
      runs.push(ms!);
      planB = planState(full.file);
    }
    importMs = Math.min(...runs);
  }, 60_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it(`${KILLS} SIGKILLs: integrity_check "ok" every time, the plan entirely A or entirely B`, async () => {
    expect(planB.fingerprint).not.toBe(planA.fingerprint);
    expect(planB.imports).toBe(2);
    const random = seededRandom(20240131);
    // A kill lands at a random fraction of the import's duration: below 1, during the
    // import (whose duration follows the runs that finished, as the machine's load
    // changes); from 1, that much after the commit was reported (closing, checkpoint).
    const fractions = Array.from({ length: KILLS }, () => random() * 1.25);
    const durations = [importMs];
    const expectedMs = () => [...durations].sort((a, b) => a - b)[Math.floor(durations.length / 2)]!;
    const outcomes: { delay: number; finished: boolean; state: ReturnType<typeof planState> }[] = [];

    async function lane(indices: number[]): Promise<void> {
      let next: Promise<Child> | undefined = indices.length
        ? spawnImport(template, dir, planFile, indices[0]! + 1)
        : undefined;
      for (let k = 0; k < indices.length; k++) {
        const child = await next!;
        // Start the next child now, so that its start-up overlaps this run.
        next = k + 1 < indices.length ? spawnImport(template, dir, planFile, indices[k + 1]! + 1) : undefined;
        const f = fractions[indices[k]!]!;
        const delay = Math.round((f < 1 ? f : f - 1) * expectedMs());
        const finished = child.go();
        if (f >= 1) await finished;
        await new Promise((r) => setTimeout(r, delay));
        child.proc.kill("SIGKILL");
        await child.exited;
        const ms = await finished;
        if (ms !== null) durations.push(ms);
        outcomes.push({ delay, finished: ms !== null, state: planState(child.file) });
        rmSync(child.file, { force: true });
        rmSync(`${child.file}-wal`, { force: true });
        rmSync(`${child.file}-shm`, { force: true });
      }
    }
    const all = Array.from({ length: KILLS }, (_, i) => i);
    await Promise.all(Array.from({ length: LANES }, (_, l) => lane(all.filter((i) => i % LANES === l))));

    expect(outcomes).toHaveLength(KILLS);
    for (const o of outcomes) {
      expect(o.state.integrity).toBe("ok");
      const isA = o.state.fingerprint === planA.fingerprint;
      const isB = o.state.fingerprint === planB.fingerprint;
      expect(isA || isB, `kill after ${o.delay} ms left a mixed plan`).toBe(true);
      // The plan row and the audit trail agree with the activities: nothing half-written.
      expect(o.state.sourceHash).toBe(isA ? planA.sourceHash : planB.sourceHash);
      expect(o.state.imports).toBe(isA ? 1 : 2);
      if (o.finished) expect(isB).toBe(true);
    }
    const interrupted = outcomes.filter((o) => !o.finished).length;
    expect(interrupted).toBeGreaterThanOrEqual(KILLS * 0.4); // most kills landed during the import
    expect(outcomes.filter((o) => o.state.fingerprint === planA.fingerprint).length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.state.fingerprint === planB.fingerprint).length).toBeGreaterThan(0);
  }, 240_000);
});
