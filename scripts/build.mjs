// The build: plain JavaScript in dist/ that `npm start` and `npx obiettivi` run, so that
// production pays neither tsx's loader nor its compile step. Runs after `prisma generate`
// on every `npm install` / `npm ci`; `npm start` rebuilds too when a source is newer than
// the build (a `git pull` without `npm install`). Plain .mjs: it must run before any TS tooling.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const DIST = path.join(ROOT, "dist");

/**
 * Entry points, one file each in dist/. The heavy worker and the chart process are their
 * own entries because a worker thread and a child process start from a file; shared code goes to dist/chunks (code splitting), so
 * what is imported with `await import()` stays out of the start-up path.
 */
export const ENTRIES = {
  main: "src/main.ts",
  cli: "src/cli/index.ts",
  "heavy-worker": "src/jobs/heavy-worker.ts",
  "chart-render": "src/report/chart-main.ts",
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
  const outputs = [
    ...Object.keys(ENTRIES).map((n) => path.join(DIST, `${n}.js`)),
    path.join(ROOT, QUERY_COMPILER_WASM),
  ];
  if (!outputs.every((f) => existsSync(f))) return false;
  const built = Math.min(...outputs.map((f) => statSync(f).mtimeMs));
  return INPUTS.every((i) => !existsSync(path.join(ROOT, i)) || newestMtime(path.join(ROOT, i)) <= built);
}

/** Libraries that only some commands need: loaded with `await import()` on first use, never at start. */
export const LAZY_PACKAGES = [
  "exceljs",
  "docx",
  "vega",
  "vega-lite",
  "@resvg/resvg-js",
  "pdfjs-dist",
  "mammoth",
  "jszip",
  "@xmldom/xmldom",
];

/**
 * Prisma's query compiler (wasm) ships as a module exporting its bytes as a 2.5 MB base64
 * string. Imported that way, the bot keeps the module's source and the string on its heap
 * for good (about 8 MB of resident memory, measured). The build writes the bytes once to
 * dist/ and the bundled client reads them from there; under tsx (tests, `npm run dev`) the
 * generated client is used as generated.
 */
const QUERY_COMPILER_BASE64 = "@prisma/client/runtime/query_compiler_bg.sqlite.wasm-base64.mjs";
export const QUERY_COMPILER_WASM = "dist/prisma-query-compiler.wasm";
const LOAD_FROM_BASE64 =
  /const \{ wasm \} = await import\("@prisma\/client\/runtime\/query_compiler_bg\.sqlite\.wasm-base64\.mjs"\)\s*return await decodeBase64AsWasm\(wasm\)/;

const queryCompilerFromFile = {
  name: "prisma-query-compiler-from-file",
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]generated[\\/]prisma[\\/]internal[\\/]class\.ts$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (!LOAD_FROM_BASE64.test(source))
        throw new Error(
          `build: il client Prisma generato non carica più il compilatore da ${QUERY_COMPILER_BASE64}: aggiorna scripts/build.mjs`,
        );
      const loader = [
        `const { readFileSync } = await import("node:fs")`,
        `    return new WebAssembly.Module(readFileSync(queryCompilerWasmPath(${JSON.stringify(QUERY_COMPILER_WASM)})))`,
      ].join("\n");
      return {
        contents: `import { projectPath as queryCompilerWasmPath } from "../../../paths.ts";\n${source.replace(LOAD_FROM_BASE64, loader)}`,
        loader: "ts",
        resolveDir: path.dirname(args.path),
      };
    });
  },
};

async function writeQueryCompilerWasm() {
  const { wasm } = await import(QUERY_COMPILER_BASE64);
  const bytes = Buffer.from(wasm, "base64");
  if (!WebAssembly.validate(bytes))
    throw new Error(`build: ${QUERY_COMPILER_BASE64} non contiene un modulo wasm valido`);
  mkdirSync(DIST, { recursive: true });
  writeFileSync(path.join(ROOT, QUERY_COMPILER_WASM), bytes);
}

const OPTIONS = {
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
  plugins: [queryCompilerFromFile],
};

const packageOf = (spec) => (spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);

/**
 * The packages an entry loads before its first line runs: every static import reachable
 * from it, not following `await import()`. The start-up rule is that none of
 * LAZY_PACKAGES is among them for "main" (test/build/startup-imports.test.ts).
 */
export async function startupPackages(entry) {
  const esbuild = await import("esbuild");
  const { metafile } = await esbuild.build({
    ...OPTIONS,
    write: false,
    metafile: true,
    sourcemap: false,
    logLevel: "silent",
  });
  const outputs = metafile.outputs;
  const start = Object.keys(outputs).find((o) => outputs[o].entryPoint === ENTRIES[entry]);
  if (!start) throw new Error(`entry ${entry} non trovato`);
  const seen = new Set();
  const packages = new Set();
  const visit = (out) => {
    if (seen.has(out)) return;
    seen.add(out);
    for (const imp of outputs[out].imports) {
      if (imp.kind !== "import-statement") continue;
      if (imp.external) {
        if (!imp.path.startsWith("node:")) packages.add(packageOf(imp.path));
      } else {
        visit(imp.path);
      }
    }
  };
  visit(start);
  return [...packages].sort();
}

export async function build({ quiet = false } = {}) {
  const esbuild = await import("esbuild");
  const t0 = performance.now();
  rmSync(DIST, { recursive: true, force: true }); // chunk names carry hashes: no leftovers
  await writeQueryCompilerWasm();
  await esbuild.build({
    ...OPTIONS,
    logLevel: quiet ? "warning" : "info",
  });
  if (!quiet) process.stderr.write(`build: dist/ pronto in ${Math.round(performance.now() - t0)} ms\n`);
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  await build();
}
