import { startFakeSlack } from "../../test/helpers/fake-slack.ts";
import { startSlackClient } from "../slack-http-bench.ts";
import { seedVariations } from "../seed-variations.ts";
import type { BenchRow, BenchSection } from "../types.ts";
import { measure } from "./stato.ts";

/** /stato as in stato.ts, on the largest plan with a year's variations applied (`npm run bench -- stato-variazioni`). */
export const section: BenchSection = {
  name: "stato-variazioni",
  async run() {
    const fake = await startFakeSlack();
    const client = startSlackClient();
    try {
      const rows: BenchRow[] = [];
      for (const size of [100_000]) {
        // The same plan without variations, in the same run: the cost of the versioning.
        rows.push(
          ...(await measure(size, fake, client, {
            name: "stato-variazioni",
            key: "senza_variazioni_",
            prepare: async () => "senza variazioni",
          })),
        );
        rows.push(
          ...(await measure(size, fake, client, {
            name: "stato-variazioni",
            key: "con_variazioni_",
            prepare: async (_db, file) => {
              const s = seedVariations(file, 2024);
              return `${s.variations} variazioni, ${s.changes} campi variati`;
            },
          })),
        );
      }
      return rows;
    } finally {
      await client.close();
      await fake.close();
    }
  },
};
