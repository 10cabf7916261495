import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BenchRow, BenchSection } from "./types.ts";

// Every file in bench/sections exports `section: BenchSection`; run them in name order
// (or only those named on the command line: `npm run bench -- import digest`).
const dir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(path.join(dir, "sections"))
  .filter((f) => f.endsWith(".ts"))
  .sort();
const rows: BenchRow[] = [];
for (const f of files) {
  const mod = (await import(pathToFileURL(path.join(dir, "sections", f)).href)) as { section: BenchSection };
  if (only.length && !only.includes(mod.section.name)) continue;
  process.stderr.write(`… ${mod.section.name}\n`);
  rows.push(...(await mod.section.run()));
}

// Ids are what other tools read: well formed and unique in a run, or the run fails.
const ID = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;
const seen = new Set<string>();
for (const r of rows) {
  if (!ID.test(r.id))
    throw new Error(`bench: id non valido «${r.id}» (${r.section} · ${r.metric}): usa sezione.nome_in_minuscolo`);
  if (seen.has(r.id)) throw new Error(`bench: id ripetuto «${r.id}»`);
  seen.add(r.id);
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));
const table = rows.map((r) => [
  r.id,
  r.metric,
  `${fmt(r.value)} ${r.unit}`,
  r.goal ?? "",
  r.ok === undefined ? "" : r.ok ? "ok" : "NO",
]);
const head = ["id", "misura", "valore", "obiettivo", "esito"];
const widths = head.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
console.log(line(head));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const r of table) console.log(line(r));

mkdirSync(dir, { recursive: true });
writeFileSync(
  path.join(dir, "results.json"),
  JSON.stringify({ at: new Date().toISOString(), node: process.version, rows }, null, 2) + "\n",
);
process.exit(0);
