import type { App } from "@slack/bolt";
import type { AppDeps } from "../deps.ts";

/** Listeners of the delay-cause flow ("Spiega il ritardo" button and its modal). */
export function registerDelayListeners(_app: App, _deps: AppDeps): void {}
