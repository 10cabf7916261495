import type { ChangeBus } from "../domain/events.ts";
import type { AppDeps } from "../slack/deps.ts";

// Shell so that main.ts compiles; the console engineer replaces this file with the interactive prompt.
export async function startConsole(
  _deps: AppDeps & { changes: ChangeBus; input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream },
): Promise<void> {}
