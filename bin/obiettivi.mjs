#!/usr/bin/env node
// `npx obiettivi ...`: the built CLI (dist/cli.js) when it is current, else the TypeScript
// sources through tsx (a checkout being edited, or before the first build).
import { buildIsCurrent } from "../scripts/build.mjs";

if (buildIsCurrent()) {
  await import("../dist/cli.js");
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/index.ts");
}
