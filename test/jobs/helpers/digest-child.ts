/**
 * A second copy of the bot, in a process of its own: opens the same database file and runs
 * the weekly digest against the fake Slack API at an agreed instant (so that two copies
 * start together), then prints what it posted as JSON.
 */
import { WebClient } from "@slack/web-api";
import { openDatabase } from "../../../src/db/client.ts";
import { loadEnv } from "../../../src/env.ts";
import { runDigest } from "../../../src/jobs/digest.ts";
import { createLogger } from "../../../src/logger.ts";

const [file, apiUrl, nowIso, startAtMs] = process.argv.slice(2);
const { db, close } = await openDatabase(`file:${file}`);
const client = new WebClient("xoxb-1111-2222-testtoken", { slackApiUrl: apiUrl, retryConfig: { retries: 0 } });
const env = loadEnv({ LOG_LEVEL: "silent" });
// Warm up (first query, statement compilation) before the agreed instant.
await db.delivery.count();
const wait = Number(startAtMs) - Date.now();
if (wait > 0) await new Promise((r) => setTimeout(r, wait));
const result = await runDigest({ db, client, now: new Date(nowIso!), log: createLogger("silent"), env });
await close();
process.stdout.write(`${JSON.stringify(result)}\n`);
