#!/usr/bin/env node
// `npx obiettivi ...`: runs the TypeScript CLI through tsx (no build step to forget).
import { register } from "tsx/esm/api";

register();
await import("../src/cli/index.ts");
