import type { Clock } from "../clock.ts";
import type { Db } from "../db/client.ts";
import type { Env } from "../env.ts";
import type { Logger } from "../logger.ts";

/** What every Slack listener gets; nothing here is a Slack type, so the domain stays testable. */
export interface AppDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  env: Env;
}
