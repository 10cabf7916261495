/**
 * Import boundaries (docs/decisions/0001-layers.md), run by `npm run boundaries` and so by `npm test`.
 * The domain holds pure rules: it knows no database, no store, no Slack, no use cases, no real clock.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "domain-is-pure",
      comment:
        "src/domain holds pure rules: no store or database (src/store, src/db, src/generated, @prisma/*, better-sqlite3), " +
        "no Slack (src/slack, @slack/*), no use cases (src/app), no real clock (src/clock.ts). Pass data and `now` in instead.",
      severity: "error",
      from: { path: "^src/domain/" },
      to: {
        path: [
          "^src/store/",
          "^src/db/",
          "^src/slack/",
          "^src/app/",
          "^src/generated/",
          "^src/clock\\.ts$",
          "^src/jobs/",
          "^src/console/",
          "^src/cli/",
          "(^|/)node_modules/@prisma/",
          "(^|/)node_modules/@slack/",
          "(^|/)node_modules/better-sqlite3/",
          "(^|/)node_modules/\\.prisma/",
        ],
      },
    },
    {
      name: "console-uses-no-slack-listeners",
      comment: "The console drives the same use cases and handlers as Slack, never Slack's listeners or the Bolt app.",
      severity: "error",
      from: { path: "^src/console/" },
      to: { path: ["^src/slack/listeners/", "^src/slack/app\\.ts$", "^src/slack/listen\\.ts$"] },
    },
    {
      name: "app-renders-nothing-for-slack",
      comment: "Use cases return outcomes as data; Block Kit is built by src/slack/ui, not in src/app.",
      severity: "error",
      from: { path: "^src/app/" },
      to: { path: ["^src/slack/", "^src/console/", "^src/cli/", "(^|/)node_modules/@slack/"] },
    },
  ],
  options: {
    doNotFollow: { path: ["node_modules", "^src/generated/"] },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
