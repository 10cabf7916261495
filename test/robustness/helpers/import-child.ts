/**
 * One plan import in a process of its own, so that a test can SIGKILL it at any moment.
 * Takes the plan already parsed (JSON: parsing is not what is under test, and skipping it
 * keeps 50 runs fast), says "ready", imports when a line arrives on stdin, and says
 * "done" after the commit. `now` is fixed, so a completed import is reproducible.
 */
import { readFileSync } from "node:fs";
import { openDatabase } from "../../../src/db/client.ts";
import { importParsedPlan } from "../../../src/plan-import/import-plan.ts";
import type { ParsedPlan } from "../../../src/plan-import/parse-piao.ts";

const [file, parsedFile] = process.argv.slice(2) as [string, string];
const parsed = JSON.parse(readFileSync(parsedFile, "utf8")) as ParsedPlan;
const { db, close } = await openDatabase(`file:${file}`);
await db.plan.count(); // connected: nothing slow is left before the import
process.stdout.write("ready\n");
await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));
await importParsedPlan(db, parsed, { actor: "test:import-kill", now: new Date("2024-03-01T10:00:00.000Z") });
process.stdout.write("done\n");
await close();
process.exit(0);
