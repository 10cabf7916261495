import type { App } from "@slack/bolt";
import type { AppDeps } from "../deps.ts";

// Shell so that createApp compiles; the /stato engineer replaces this file with the real command.
export function registerStato(_app: App, _deps: AppDeps): void {}
