import { describe, expect, it } from "vitest";
import type { HomeData } from "../../src/app/home.ts";
import { homeView } from "../../src/slack/ui/home.ts";

const base = {
  kind: "home" as const,
  userId: "U0SEGR",
  year: 2024,
  entity: "Comune di Prova",
  today: "2024-10-07",
  own: null,
  overview: null,
  canExport: true,
};

describe("App Home: the Segretario sees the plan's variations", () => {
  it("lists each variation with its act, date and changes; nothing for a role without them", () => {
    const data: HomeData = {
      ...base,
      actor: { slackUserId: "U0SEGR", role: "segretario", areaCodes: [] },
      variations: [
        {
          act: "Delibera G.C. n. 90 del 01/11/2024",
          validFrom: "2024-11-01",
          reason: "Assestamento",
          lines: ["1.3.3 stralciata"],
          inForce: false,
        },
        {
          act: "Delibera G.C. n. 80 del 12/09/2024",
          validFrom: "2024-09-12",
          reason: "Ritardo",
          lines: ["3.1.4 scadenza 15/09/2024 → 31/12/2024"],
          inForce: true,
        },
      ],
    };
    const text = JSON.stringify(homeView(data).blocks);
    expect(text).toContain("Variazioni del piano");
    expect(text).toContain(
      "Delibera G.C. n. 80 del 12/09/2024, dal 12/09/2024: 3.1.4 scadenza 15/09/2024 → 31/12/2024 — Ritardo",
    );
    expect(text).toContain("dal 01/11/2024 (non ancora in vigore): 1.3.3 stralciata");
    const none = JSON.stringify(
      homeView({ ...data, actor: { slackUserId: "U0X", role: "responsabile", areaCodes: ["03"] }, variations: null })
        .blocks,
    );
    expect(none).not.toContain("Variazioni del piano");
  });
});
