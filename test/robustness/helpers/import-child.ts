/**
 * One plan import in a process of its own, so that a test can SIGKILL it at any moment.
 * Parses first and says "ready"; imports when a line arrives on stdin; says "done" after
 * the commit. The test's clock (`now`) is fixed, so a completed import is reproducible.
 */
import { readFileSync } from "node:fs";
import { openDatabase } from "../../../src/db/client.ts";
import { importParsedPlan, parsePlanSource } from "../../../src/plan-import/import-plan.ts";

const [file, planFile] = process.argv.slice(2) as [string, string];
const parsed = parsePlanSource(readFileSync(planFile, "utf8"), "piano-B.txt");
const { db, close } = await openDatabase(`file:${file}`);
// A page cache smaller than the plan, as a 100,000-activity plan would meet: the
// transaction spills uncommitted pages into the WAL, which a kill must leave harmless.
await db.$queryRawUnsafe("PRAGMA cache_size = 16");
await db.plan.count(); // connected: nothing slow is left before the import
process.stdout.write("ready\n");
await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));
const t0 = performance.now();
await importParsedPlan(db, parsed, { actor: "test:import-kill", now: new Date("2024-03-01T10:00:00.000Z") });
process.stdout.write(`done ${Math.round(performance.now() - t0)}\n`);
await close();
process.exit(0);
