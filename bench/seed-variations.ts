import Database from "better-sqlite3";

/**
 * Variations as a busy year might have them, written straight into a bench database:
 * 24 acts (three in the future of the bench's 7 October 2024), about 1 activity in 500
 * with its deadline moved, 1 in 1,000 with a new target, 1 in 2,500 stralciata, and 1
 * objective in 300 with a new weight. At 100,000 activities: ~200 deadlines, ~100
 * targets, ~40 removals, ~70 weights, plus area 03's first codes (the ones /obiettivo's
 * bench reports on) so that lookups meet varied activities too.
 */
export function seedVariations(file: string, year: number): { variations: number; changes: number } {
  const sql = new Database(file, { timeout: 10_000 });
  try {
    const now = "2024-09-01T10:00:00.000+00:00";
    const days = ["2024-03-01", "2024-05-15", "2024-07-01", "2024-09-12", "2024-10-01", "2024-11-15"];
    let changes = 0;
    const write = sql.transaction(() => {
      const addVariation = sql.prepare(
        `INSERT INTO Variation (planYear, act, validFrom, reason, source, createdAt, createdBy) VALUES (?, ?, ?, ?, NULL, ?, 'bench')`,
      );
      const addChange = sql.prepare(
        `INSERT INTO VariationChange (variationId, planYear, entityType, code, field, fromValue, toValue) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      );
      const ids: number[] = [];
      for (let i = 0; i < 24; i++) {
        ids.push(
          Number(
            addVariation.run(
              year,
              `Delibera G.C. n. ${60 + i} del ${days[i % days.length]}`,
              days[i % days.length],
              "Rimodulazione",
              now,
            ).lastInsertRowid,
          ),
        );
      }
      const pick = (n: number) => ids[n % ids.length]!;
      const activities = sql
        .prepare(
          `SELECT id, code, deadline, targetText, targetKind, threshold, comparator, period, unit, qualifier, needsManualDate FROM Activity`,
        )
        .all() as {
        id: number;
        code: string;
        deadline: string | null;
        targetText: string;
        targetKind: string;
        threshold: number | null;
        comparator: string | null;
        period: string | null;
        unit: string | null;
        qualifier: string | null;
        needsManualDate: number;
      }[];
      for (const a of activities) {
        const area03 = /^3\.[1-4]\.[1-5]$/.test(a.code);
        if (a.id % 500 === 7 || (area03 && a.id % 3 === 0)) {
          addChange.run(
            pick(a.id),
            year,
            "activity",
            a.code,
            "deadline",
            JSON.stringify(a.deadline),
            JSON.stringify(`${year}-12-31`),
          );
          changes++;
        }
        if (a.id % 1000 === 11) {
          const target = {
            text: a.targetText,
            kind: a.targetKind,
            threshold: a.threshold,
            comparator: a.comparator,
            period: a.period,
            unit: a.unit,
            qualifier: a.qualifier,
            needsManualDate: a.needsManualDate === 1,
          };
          const to = {
            ...target,
            text: `${a.targetText} (rivisto)`,
            threshold: a.threshold === null ? null : Math.max(1, Math.round(a.threshold * 0.8)),
          };
          addChange.run(pick(a.id + 1), year, "activity", a.code, "target", JSON.stringify(target), JSON.stringify(to));
          changes++;
        }
        if (a.id % 2500 === 13 && !area03) {
          addChange.run(pick(a.id + 2), year, "activity", a.code, "exists", "true", "false");
          changes++;
        }
      }
      const objectives = sql.prepare(`SELECT id, code, weight FROM Objective`).all() as {
        id: number;
        code: string;
        weight: number | null;
      }[];
      for (const o of objectives) {
        if (o.id % 300 !== 17) continue;
        addChange.run(
          pick(o.id + 3),
          year,
          "objective",
          o.code,
          "weight",
          JSON.stringify(o.weight),
          JSON.stringify(15),
        );
        changes++;
      }
      return ids.length;
    });
    const variations = write.immediate();
    return { variations, changes };
  } finally {
    sql.close();
  }
}
