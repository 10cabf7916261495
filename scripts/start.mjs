// `npm start`: runs the built bot, building it first when dist/ is missing or older than
// the sources (first start after a `git pull`); in-process, so no second Node starts.
import { build, buildIsCurrent } from "./build.mjs";

if (!buildIsCurrent()) await build({ quiet: true });
await import("../dist/main.js");
