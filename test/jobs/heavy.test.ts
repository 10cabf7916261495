import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { HeavyRunner } from "../../src/jobs/heavy.ts";
import { buildRelazione } from "../../src/report/relazione.ts";
import { renderRelazioneCsv } from "../../src/report/relazione-csv.ts";
import { UserError } from "../../src/errors.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";

// The heavy-work runner on its own: jobs run in the worker thread on their own database
// connection, one at a time, Italian errors come back as UserError, files as bytes.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Linux's scheduling policy and nice value of each thread of this process (fields 41 and 19 of /proc/self/task/<tid>/stat). */
function threadPriorities(): { policy: number; nice: number }[] {
  return readdirSync("/proc/self/task").flatMap((tid) => {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return [{ policy: Number(fields[38]), nice: Number(fields[16]) }];
    } catch {
      return []; // the thread ended meanwhile
    }
  });
}
const threadPolicies = () => threadPriorities().map((t) => t.policy);
const SCHED_IDLE = 5;
const canSetIdlePolicy = existsSync("/proc/thread-self") && spawnSync("chrt", ["--help"]).status === 0;

async function setup() {
  const t = await testDatabase();
  const heavy = new HeavyRunner({ databaseUrl: t.url, idleMs: 200 });
  cleanups.push(t.dispose, () => heavy.close());
  return { t, heavy };
}

describe("HeavyRunner", () => {
  it("imports a plan sent as bytes in the worker; the bot's connection sees it (WAL)", async () => {
    const { t, heavy } = await setup();
    const bytes = new Uint8Array(readFileSync(LEGGIUNO_PLAN));
    const r = await heavy.run("plan-import", {
      bytes,
      sourceName: "leggiuno.txt",
      actor: "UADMIN",
      now: "2024-01-10T10:00:00.000Z",
    });
    expect(r.year).toBe(2024);
    expect(r.counts.activities).toBeGreaterThan(100);
    expect(await t.db.activity.count()).toBe(r.counts.activities);
  });

  it("refuses a document that is not a plan with the importer's Italian message, as a UserError", async () => {
    const { heavy } = await setup();
    const bytes = new Uint8Array(Buffer.from("questo non è un piano\n", "utf8"));
    const err = await heavy
      .run("plan-import", { bytes, sourceName: "x.txt", actor: "UADMIN", now: "2024-01-10T10:00:00.000Z" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/[a-zà-ù]/);
  });

  it("exports the Relazione as CSV byte for byte as the renderer, after queued jobs, and ends the idle thread", async () => {
    const { t, heavy } = await setup();
    const bytes = new Uint8Array(readFileSync(LEGGIUNO_PLAN));
    let queued = 0;
    const imported = heavy.run("plan-import", {
      bytes,
      sourceName: "leggiuno.txt",
      actor: "UADMIN",
      now: "2024-01-10T10:00:00.000Z",
    });
    const input = { format: "csv" as const, asOf: "2024-10-07", now: "2024-10-07T10:00:00.000Z" };
    const csv = heavy.run("relazione", input, { onQueued: () => (queued += 1) });
    expect(queued).toBe(1); // asked while the import ran
    await imported;
    const file = await csv;
    const expected = renderRelazioneCsv(await buildRelazione(t.db, { asOf: input.asOf, now: new Date(input.now) }));
    expect(Buffer.from(file.bytes).toString("utf8")).toBe(expected);
    expect(file.filename).toBe("relazione-performance-2024-al-2024-10-07.csv");
    expect(heavy.threadAlive).toBe(true);
    // Quiet for idleMs: the thread (and its heap) goes away.
    await vi.waitFor(() => expect(heavy.threadAlive).toBe(false), { timeout: 20_000, interval: 50 });
  });

  it.runIf(canSetIdlePolicy)(
    "runs read-only jobs as SCHED_IDLE on Linux, and jobs that write at nice 10 in a thread of their own",
    async () => {
      const idleThreads = () => threadPolicies().filter((p) => p === SCHED_IDLE).length;
      const niceThreads = () => threadPriorities().filter((t) => t.policy === 0 && t.nice === 10).length;
      // The thread of an earlier test's runner may still be ending: none is left before this one starts.
      await vi.waitFor(() => expect(idleThreads() + niceThreads()).toBe(0), { timeout: 20_000, interval: 50 });
      const { heavy } = await setup();
      // An export reads only: SCHED_IDLE, the CPU nobody else wants.
      await heavy
        .run("relazione", { format: "csv", asOf: "2024-10-07", now: "2024-10-07T10:00:00.000Z" })
        .catch(() => {});
      expect(heavy.threadAlive).toBe(true);
      expect(idleThreads()).toBe(1);
      // A plan import writes: a SCHED_IDLE thread must never hold SQLite's write lock.
      const bytes = new Uint8Array(readFileSync(LEGGIUNO_PLAN));
      const imported = await heavy.run("plan-import", {
        bytes,
        sourceName: "leggiuno.txt",
        actor: "UADMIN",
        now: "2024-01-10T10:00:00.000Z",
      });
      expect(imported.year).toBe(2024);
      expect(idleThreads()).toBe(0);
      expect(niceThreads()).toBe(1);
      // And back, for the next read.
      const file = await heavy.run("relazione", { format: "csv", asOf: "2024-10-07", now: "2024-10-07T10:00:00.000Z" });
      expect(file.filename).toMatch(/\.csv$/);
      await vi.waitFor(() => expect(idleThreads()).toBe(1), { timeout: 5_000, interval: 20 });
      expect(niceThreads()).toBe(0);
    },
  );
});
