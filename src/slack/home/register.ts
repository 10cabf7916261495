import type { App } from "@slack/bolt";
import type { ChangeBus } from "../../domain/events.ts";
import type { AppDeps } from "../deps.ts";

/** App Home: app_home_opened, refresh on every change, "Esporta Relazione". */
export function registerHomeListeners(_app: App, _deps: AppDeps & { changes: ChangeBus }): void {}
