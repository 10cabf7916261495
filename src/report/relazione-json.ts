import type { Relazione } from "./relazione.ts";

/**
 * The Relazione model as JSON for other tools: a plain serialisation (dates as ISO
 * strings), nothing added or dropped, so every renderer reads the same facts. On the same
 * data two runs differ only in `generatedAt`.
 */
export function renderRelazioneJson(r: Relazione): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
