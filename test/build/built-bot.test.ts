import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTION } from "../../src/slack/ui/ids.ts";
import { HOME_TEXT } from "../../src/slack/ui/home.ts";
import { romeDay } from "../../src/domain/calendar/days.ts";
import { testDatabase } from "../helpers/db.ts";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.ts";
import { blockActionBody } from "../helpers/slack-http.ts";
import { ROOT, startBotProcess, type BotProcess } from "../robustness/helpers/bot-process.ts";
import { loadLeggiunoFixture, USERS } from "../report/leggiuno-fixture.ts";

/**
 * The built bot, as `npm start` runs it: `npm run build`, then dist/main.js (plain
 * JavaScript, no tsx) in HTTP mode on a temporary database says "pronto", answers
 * /healthz, and makes an export in its worker thread from dist/heavy-worker.js.
 */

let fake: FakeSlack;
let bot: BotProcess | undefined;
let database: Awaited<ReturnType<typeof testDatabase>>;

beforeAll(async () => {
  execFileSync("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: "pipe" });
  fake = await startFakeSlack();
  database = await testDatabase();
  await loadLeggiunoFixture(database.db);
  await database.db.$disconnect();
  bot = await startBotProcess({
    databaseUrl: database.url,
    fake,
    command: [process.execPath, "dist/main.js"],
    timeoutMs: 60_000,
  });
}, 120_000);

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
  await database?.dispose();
});

describe("built bot (dist/)", () => {
  it("starts from dist/main.js, reports what opening the database cost, answers /healthz", async () => {
    for (const f of ["main.js", "cli.js", "heavy-worker.js"]) expect(existsSync(path.join(ROOT, "dist", f))).toBe(true);
    const ready = bot!.lines
      .map((l) => JSON.parse(l) as { msg?: string; mode?: string; db?: Record<string, number> })
      .find((j) => j.msg === "pronto")!;
    expect(ready.mode).toBe("http");
    expect(Object.keys(ready.db ?? {}).sort()).toEqual(["clientMs", "firstQueryMs", "migrateMs"]);
    const res = await fetch(`${bot!.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("reads Prisma's query compiler from the wasm file the build wrote, not from the 2.5 MB base64 module", async () => {
    const wasm = readFileSync(path.join(ROOT, "dist", "prisma-query-compiler.wasm"));
    expect(WebAssembly.validate(wasm)).toBe(true);
    const built = [
      ...readdirSync(path.join(ROOT, "dist")).map((f) => path.join("dist", f)),
      ...readdirSync(path.join(ROOT, "dist", "chunks")).map((f) => path.join("dist", "chunks", f)),
    ].filter((f) => f.endsWith(".js"));
    const sources = built.map((f) => readFileSync(path.join(ROOT, f), "utf8"));
    expect(sources.some((s) => s.includes("prisma-query-compiler.wasm"))).toBe(true);
    expect(sources.filter((s) => s.includes("wasm-base64"))).toEqual([]);
    // The bot answered queries already (it said "pronto" after its first ones): the file is what it runs.
    expect((await fetch(`${bot!.url}/healthz`)).status).toBe(200);
  });

  it("the built CLI writes the Word Relazione with all its charts, more than one chart process draws, and exits 0", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "obiettivi-cli-docx-"));
    try {
      const output = path.join(dir, "relazione.docx");
      const run = spawnSync(
        process.execPath,
        ["dist/cli.js", "relazione", "--formato", "docx", "--output", output, "--oggi", "2025-01-15"],
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH ?? "",
            HOME: process.env.HOME ?? "",
            DATABASE_URL: database.url,
            CHART_DRAWINGS_PER_PROCESS: "3",
          },
          encoding: "utf8",
          timeout: 120_000,
        },
      );
      expect(run.stderr).toContain("scritta in");
      expect(run.status).toBe(0);
      const zip = await JSZip.loadAsync(readFileSync(output));
      const images = Object.keys(zip.files).filter((f) => f.startsWith("word/media/"));
      // More charts than one chart process draws (CHART_DRAWINGS_PER_PROCESS): the run waits for the
      // first process to go and starts another, instead of ending with the document unmade.
      expect(images.length).toBeGreaterThan(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("exports the Relazione through its worker thread built in dist/", async () => {
    const body = blockActionBody({
      userId: USERS.nucleo.id,
      actionId: ACTION.exportRelazione,
      value: { year: 2024 },
      view: { id: "VBUILT", type: "home" },
    });
    expect((await bot!.send(body)).status).toBe(200);
    const complete = await fake.waitForCall("files.completeUploadExternal", 1, 60_000);
    expect(complete.body.initial_comment).toBe(HOME_TEXT.exportDone(2024, romeDay(new Date())));
    expect(fake.uploads[0]!.bytes).toBeGreaterThan(10_000);
  });
});
