// The build: plain JavaScript in dist/ that `npm start` and `npx obiettivi` run, so that
// production pays neither tsx's loader nor its compile step. Runs after `prisma generate`
// on every `npm install` / `npm ci`; `npm start` rebuilds too when a source is newer than
// the build (a `git pull` without `npm install`). Plain .mjs: it must run before any TS tooling.
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const DIST = path.join(ROOT, "dist");

/**
 * Entry points, one file each in dist/. The heavy worker is its own entry because a
 * worker thread starts from a file; shared code goes to dist/chunks (code splitting), so
 * what is imported with `await import()` stays out of the start-up path.
 */
export const ENTRIES = {
  main: "src/main.ts",
  cli: "src/cli/index.ts",
  "heavy-worker": "src/jobs/heavy-worker.ts",
};

/** Inputs whose change makes dist/ stale: the sources (the generated Prisma client included). */
const INPUTS = ["src", "package.json", "scripts/build.mjs"];

function newestMtime(p) {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, e)));
  return newest;
}

/** True when every entry is built and no input changed after the build. */
export function buildIsCurrent() {
  const outputs = Object.keys(ENTRIES).map((n) => path.join(DIST, `${n}.js`));
  if (!outputs.every((f) => existsSync(f))) return false;
  const built = Math.min(...outputs.map((f) => statSync(f).mtimeMs));
  return INPUTS.every((i) => !existsSync(path.join(ROOT, i)) || newestMtime(path.join(ROOT, i)) <= built);
}

export async function build({ quiet = false } = {}) {
  const esbuild = await import("esbuild");
  const t0 = performance.now();
  rmSync(DIST, { recursive: true, force: true }); // chunk names carry hashes: no leftovers
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: DIST,
    bundle: true,
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    platform: "node",
    format: "esm",
    target: "node20",
    // node_modules stay node_modules (native better-sqlite3, Prisma's wasm); our code,
    // the generated Prisma client in src/generated included, is bundled.
    packages: "external",
    sourcemap: true,
    legalComments: "none",
    logLevel: quiet ? "warning" : "info",
  });
  if (!quiet) process.stderr.write(`build: dist/ pronto in ${Math.round(performance.now() - t0)} ms\n`);
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  await build();
}
