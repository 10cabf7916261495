import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Db, Tx } from "../db/client.ts";
import type { BehaviourScores } from "../domain/scoring/scorecard.ts";

type Reader = Db | Tx;

export interface StoredBehaviourScores {
  responsabile: string;
  scores: BehaviourScores;
  enteredBy: string;
  enteredAt: Date;
}

function decode(raw: string): BehaviourScores {
  const out: BehaviourScores = {};
  for (const [k, v] of Object.entries(JSON.parse(raw) as Record<string, number>)) out[Number(k)] = v;
  return out;
}

export async function behaviourScoresOfYear(db: Reader, planYear: number): Promise<Map<string, StoredBehaviourScores>> {
  const rows = await db.behaviourScore.findMany({ where: { planYear } });
  return new Map(
    rows.map((r) => [
      r.responsabile,
      { responsabile: r.responsabile, scores: decode(r.scores), enteredBy: r.enteredBy, enteredAt: r.enteredAt },
    ]),
  );
}

export async function behaviourScoresOf(
  db: Reader,
  planYear: number,
  responsabile: string,
): Promise<StoredBehaviourScores | null> {
  const r = await db.behaviourScore.findUnique({ where: { planYear_responsabile: { planYear, responsabile } } });
  return r
    ? { responsabile: r.responsabile, scores: decode(r.scores), enteredBy: r.enteredBy, enteredAt: r.enteredAt }
    : null;
}

export async function writeBehaviourScores(tx: Tx, planYear: number, s: StoredBehaviourScores): Promise<void> {
  const data = { scores: JSON.stringify(s.scores), enteredBy: s.enteredBy, enteredAt: s.enteredAt };
  await tx.behaviourScore.upsert({
    where: { planYear_responsabile: { planYear, responsabile: s.responsabile } },
    create: { planYear, responsabile: s.responsabile, ...data },
    update: data,
  });
}

/** The criteria the plan document listed (JSON on the plan row), or null. */
export async function planBehaviourCriteria(
  db: Reader,
  planId: number,
): Promise<{ title: string; maxPoints: number }[] | null> {
  const row = await db.plan.findUnique({ where: { id: planId }, select: { behaviourCriteria: true } });
  if (!row?.behaviourCriteria) return null;
  const list = JSON.parse(row.behaviourCriteria) as { title: string; maxPoints: number }[];
  return list.length ? list : null;
}

/** Distinct heads of the plan's areas, in area order. */
export async function planHeads(db: Reader, planId: number): Promise<string[]> {
  const areas = await db.area.findMany({
    where: { planId, archivedAt: null },
    orderBy: { position: "asc" },
    select: { head: true },
  });
  return [...new Set(areas.map((a) => a.head?.trim()).filter((h): h is string => !!h))];
}

const DEFAULT_CRITERIA_FILE = fileURLToPath(new URL("../../config/smvp-comportamenti-default.json", import.meta.url));
let shippedCriteria: { title: string; maxPoints: number }[] | undefined;

/** The shipped behaviour criteria (the seed plan's ten, 50 points), for a plan and an SMVP that list none. */
export function defaultBehaviourCriteria(): { title: string; maxPoints: number }[] {
  shippedCriteria ??= JSON.parse(readFileSync(DEFAULT_CRITERIA_FILE, "utf8")) as { title: string; maxPoints: number }[];
  return shippedCriteria.map((c) => ({ ...c }));
}
