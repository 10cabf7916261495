import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { LAZY_PACKAGES, ROOT, startupPackages } from "../../scripts/build.mjs";

/**
 * The start-up rule, checked on the build's module graph: what the bot (dist/main.js) and
 * the CLI load before their first line runs must not include the heavy libraries; those
 * come in with `await import()` where a job or a command needs them.
 */
describe("start-up module graph", () => {
  it.each(["main", "cli", "heavy-worker"])("%s loads none of the heavy libraries at start", async (entry) => {
    const packages = await startupPackages(entry as "main");
    // The walker sees the packages that are static imports (so this test can fail)...
    expect(packages).toContain("@prisma/client");
    // ...and none of the heavy ones.
    expect(packages.filter((p) => LAZY_PACKAGES.includes(p))).toEqual([]);
  });

  it("the bot's start-up loads neither Bolt's index (only its App and two receivers, through require) nor the importers' parsers", async () => {
    const packages = await startupPackages("main");
    expect(packages).not.toContain("@slack/bolt");
    expect(packages).not.toContain("csv-parse");
    const app = readFileSync(path.join(ROOT, "src", "slack", "app.ts"), "utf8");
    expect(app).toContain('require("@slack/bolt/dist/App.js")');
  });
});
