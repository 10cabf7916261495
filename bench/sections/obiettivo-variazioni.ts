import { startFakeSlack } from "../../test/helpers/fake-slack.ts";
import { seedVariations } from "../seed-variations.ts";
import type { BenchRow, BenchSection } from "../types.ts";
import { measure } from "./obiettivo.ts";

/** /obiettivo as in obiettivo.ts, on the largest plan with a year's variations applied (`npm run bench -- obiettivo-variazioni`). */
export const section: BenchSection = {
  name: "obiettivo-variazioni",
  async run() {
    const fake = await startFakeSlack();
    try {
      const rows: BenchRow[] = [];
      for (const size of [100_000]) {
        // The same plan without variations, in the same run: the cost of the versioning.
        rows.push(
          ...(await measure(size, fake, {
            name: "obiettivo-variazioni",
            key: "senza_variazioni_",
            prepare: () => "senza variazioni",
          })),
        );
        rows.push(
          ...(await measure(size, fake, {
            name: "obiettivo-variazioni",
            key: "con_variazioni_",
            prepare: (file, year) => {
              const s = seedVariations(file, year);
              return `${s.variations} variazioni, ${s.changes} campi variati`;
            },
          })),
        );
      }
      return rows;
    } finally {
      await fake.close();
    }
  },
};
