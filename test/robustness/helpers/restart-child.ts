/**
 * One start of the bot in a process of its own, for restarts that overlap: opens the
 * database, waits for the agreed instant (so that the copies really run together), runs
 * the given digest jobs as the scheduler would at that clock time, and exits.
 */
import { WebClient } from "@slack/web-api";
import { openDatabase } from "../../../src/db/client.ts";
import { loadEnv } from "../../../src/env.ts";
import { runDigest, runDigestCatchUp } from "../../../src/jobs/digest.ts";
import { createLogger } from "../../../src/logger.ts";

const [file, apiUrl, at, runs, startAtMs] = process.argv.slice(2) as [string, string, string, string, string];
const { db, close } = await openDatabase(`file:${file}`);
const deps = {
  db,
  client: new WebClient("xoxb-1111-2222-testtoken", { slackApiUrl: apiUrl, retryConfig: { retries: 0 } }),
  now: new Date(at),
  log: createLogger("silent"),
  env: loadEnv({ LOG_LEVEL: "silent" }),
};
await db.delivery.count(); // warm up before the agreed instant
const wait = Number(startAtMs) - Date.now();
if (wait > 0) await new Promise((r) => setTimeout(r, wait));
for (const run of runs.split(",")) {
  if (run === "catch-up") await runDigestCatchUp(deps);
  else await runDigest(deps, { retryOnly: run === "retry" });
}
await close();
