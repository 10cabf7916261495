import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BenchRow, BenchSection } from "./types.ts";

// Every file in bench/sections exports `section: BenchSection`; run them in name order
// (or only those named on the command line: `npm run bench -- import digest`). Each section
// runs in a Node process of its own: what one section leaves on the heap (the bench process
// grew past 2 GB over a full run) must not weigh on the next one's figures. The 100k plan
// databases are made once per run and shared (BENCH_TEMPLATE_DIR, bench/sections/memory.ts).
const dir = path.dirname(fileURLToPath(import.meta.url));
const self = fileURLToPath(import.meta.url);
const only = process.argv.slice(2);
const files = readdirSync(path.join(dir, "sections"))
  .filter((f) => f.endsWith(".ts"))
  .sort();

async function sections(): Promise<BenchSection[]> {
  const all: BenchSection[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(path.join(dir, "sections", f)).href)) as { section: BenchSection };
    if (!only.length || only.includes(mod.section.name)) all.push(mod.section);
  }
  return all;
}

const childOut = process.env.BENCH_CHILD_OUT;
if (childOut) {
  // A child: the named section, in this process; its rows to the parent through a file.
  const rows: BenchRow[] = [];
  for (const section of await sections()) rows.push(...(await section.run()));
  writeFileSync(childOut, JSON.stringify(rows));
  process.exit(0);
}

const run = mkdtempSync(path.join(tmpdir(), "obiettivi-bench-run-"));
const rows: BenchRow[] = [];
try {
  for (const section of await sections()) {
    process.stderr.write(`… ${section.name}\n`);
    const out = path.join(run, `${section.name}.json`);
    const child = spawnSync(process.execPath, [...process.execArgv, self, section.name], {
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, BENCH_CHILD_OUT: out, BENCH_TEMPLATE_DIR: run },
    });
    if (child.status !== 0)
      throw new Error(`bench: la sezione «${section.name}» è terminata con ${child.status ?? child.signal}`);
    rows.push(...(JSON.parse(readFileSync(out, "utf8")) as BenchRow[]));
  }
} finally {
  rmSync(run, { recursive: true, force: true });
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
