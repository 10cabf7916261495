import { WebClient } from "@slack/web-api";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { applyVariation, prepareTargetedVariation } from "../../src/app/variations.ts";
import { loadEnv } from "../../src/env.ts";
import type { JobDeps } from "../../src/jobs/digest.ts";
import { runVariationNotices } from "../../src/jobs/variation-notices.ts";
import { createLogger } from "../../src/logger.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.ts";
import { TEST_BOT_TOKEN } from "../helpers/slack-http.ts";

type TestDb = Awaited<ReturnType<typeof testDatabase>>;
const ACT = "Delibera G.C. n. 80 del 12/09/2024";

let fake: FakeSlack;
let t: TestDb;
beforeAll(async () => {
  fake = await startFakeSlack();
});
afterAll(async () => fake.close());
beforeEach(async () => {
  fake.reset();
  t = await testDatabase();
  await importPlanFile(t.db, LEGGIUNO_PLAN, { actor: "test", now: new Date("2024-01-10T09:00:00Z") });
  for (const [areaCode, channelId] of [
    ["01", "C0AREA01"],
    ["02", "C0AREA02"],
    ["03", "C0AREA03"],
  ]) {
    await t.db.areaChannel.create({ data: { areaCode: areaCode!, channelId: channelId!, updatedAt: new Date() } });
  }
  const meta = { act: ACT, validFrom: "2024-09-12", reason: "Ritardo nella fornitura" };
  const p = await prepareTargetedVariation(t.db, { code: "3.1.4", deadline: "31/12/2024" }, meta);
  await applyVariation(t.db, p, { actor: "test", now: new Date("2024-09-01T09:00:00Z") });
  const q = await prepareTargetedVariation(t.db, { code: "3.1.5", deadline: "31/12/2024", remove: "3.2.1" }, meta);
  await applyVariation(t.db, q, { actor: "test", now: new Date("2024-09-01T09:00:00Z") });
});
afterEach(async () => t.dispose());

function deps(now: Date): JobDeps {
  return {
    db: t.db,
    client: new WebClient(TEST_BOT_TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 0 } }),
    now,
    log: createLogger("silent"),
    env: loadEnv({ LOG_LEVEL: "silent" }),
  };
}

describe("area channels hear about a variation once, when it takes effect", () => {
  it("nothing before validFrom; on the day one message per variation to the area it touches; never again", async () => {
    expect((await runVariationNotices(deps(new Date("2024-09-11T08:00:00Z")))).sent).toEqual([]);
    const first = await runVariationNotices(deps(new Date("2024-09-12T06:00:00Z")));
    expect(first.sent).toHaveLength(2);
    const posts = fake.callsTo("chat.postMessage").map((c) => ({ channel: c.body.channel, text: c.body.text }));
    expect(posts).toContainEqual({
      channel: "C0AREA03",
      text: `Variazione approvata con ${ACT}: 3.1.4 scadenza 15/09/2024 → 31/12/2024`,
    });
    const second = posts.find((p) => p.text !== posts[0]!.text && p.channel === "C0AREA03")?.text ?? posts[1]!.text;
    expect(second).toContain("3.1.5 scadenza");
    expect(second).toContain("3.2.1 stralciata");
    expect(posts.every((p) => p.channel === "C0AREA03")).toBe(true);
    const again = await runVariationNotices(deps(new Date("2024-09-13T06:00:00Z")));
    expect(again.sent).toEqual([]);
    expect(fake.callsTo("chat.postMessage")).toHaveLength(2);
  });
});
