import type { Clock } from "../clock.ts";
import { daysBetween, romeDay } from "../domain/calendar/days.ts";
import type { Preference } from "../domain/schedule/send-plan.ts";
import { listAbsences, type AbsenceView } from "../store/absences.ts";
import { preferenceOf } from "../store/notifications.ts";
import type { Db } from "../db/client.ts";
import type { ScoreSummary, SectionSummary } from "../domain/scoring/summary.ts";
import { summaryOfEvaluation } from "../domain/scoring/summary.ts";
import { summarizeScores } from "../store/score-summary.ts";
import { loadCalendar } from "../store/calendar.ts";
import { loadScoringConfig } from "../store/scoring-config.ts";
import { evaluatePlan } from "./evaluation.ts";
import { canExportRelazione, canWriteActivity, type Actor, type Role } from "../domain/permissions.ts";
import { openActivitiesOfAreas } from "../store/activities.ts";
import { changeLine } from "../domain/plan/variation-diff.ts";
import { listVariations } from "../store/variations.ts";
import { currentPlan, planOfYear } from "../store/plan.ts";
import { loadActor } from "../store/users.ts";

/**
 * What the App Home shows each person, as data: their own open activities by deadline
 * (their areas and the Comune-wide ones that involve them), and, for who oversees the
 * plan, every area's score and overdue count.
 */

/** The App Home shows at most this many open activities (Slack allows 100 blocks a view). */
export const HOME_ACTIVITIES_SHOWN = 20;

/** Who sees every area's score. */
const OVERVIEW_ROLES: readonly Role[] = ["nucleo", "segretario", "admin"];

export interface OpenActivity {
  year: number;
  code: string;
  title: string;
  objectiveCode: string;
  /** null: Comune-wide. */
  areaCode: string | null;
  targetText: string;
  deadline: string | null;
  /** Days to the deadline (negative: overdue); null without a deadline. */
  daysLeft: number | null;
  status: string | null;
  /** The viewer may record progress on it (buttons shown). */
  canWrite: boolean;
}

export interface AreaScoreLine {
  code: string;
  name: string;
  head: string | null;
  percent: number | null;
  points: number | null;
  maxPoints: number;
  overdue: number;
  activities: number;
  completed: number;
}

export interface HomeOverview {
  areas: AreaScoreLine[];
  comuneWide: AreaScoreLine | null;
  overallPercent: number | null;
}

export type HomeData =
  | { kind: "unknown"; userId: string }
  | { kind: "no_plan"; userId: string; actor: Actor }
  | {
      kind: "home";
      userId: string;
      actor: Actor;
      year: number;
      entity: string;
      today: string;
      /** null for roles without areas (the overview is their view). */
      own: { activities: OpenActivity[]; total: number } | null;
      overview: HomeOverview | null;
      canExport: boolean;
      /** For the Segretario (and the other overseers): the plan's variations, newest first. */
      variations: HomeVariation[] | null;
      /** The person's reminder choice and their absences to come (App Home "Promemoria e assenze"). */
      notices?: { preference: Preference; absences: AbsenceView[] };
    };

/** Where the scores come from: the SQL aggregate here, or the same run in the heavy-work thread (Slack). */
export type ScoreLoader = (db: Db, asOf: string) => Promise<ScoreSummary>;

/** The scores computed in this thread, with lateness counted on the Comune's calendar (PATRONO). */
export const scoreLoader =
  (patron?: string): ScoreLoader =>
  (db, asOf) =>
    homeScores(db, { asOf, patron });

const loadScoresHere = scoreLoader();

/**
 * The App Home scores. The set-based SQL twin (store/score-summary.ts) gives the figures of the
 * SMVP rules at a fraction of their cost while the plan is as adopted and no evidence rule can
 * zero a score; a year with variations in force, or such a rule, is scored by the rules
 * themselves (evaluatePlan), which read the definitions in force and the evidence.
 */
export async function homeScores(
  db: Db,
  opts: { year?: number; asOf: string; patron?: string },
): Promise<ScoreSummary> {
  const plan = await currentPlan(db, opts.year);
  const [calendar, config, variations] = await Promise.all([
    loadCalendar(db, opts.patron),
    loadScoringConfig(db, plan.year, opts.asOf),
    listVariations(db, plan.year),
  ]);
  const varied = variations.some((v) => v.validFrom <= opts.asOf);
  const evidenceZeroes = Object.values(config.config.evidence).some((r) => r && r.scoresWithout === false);
  if (!varied && !evidenceZeroes) return summarizeScores(db, { year: plan.year, asOf: opts.asOf, calendar });
  return summaryOfEvaluation(await evaluatePlan(db, { year: plan.year, asOf: opts.asOf, patron: opts.patron }));
}
export interface HomeVariation {
  act: string;
  validFrom: string;
  reason: string;
  /** One line per field, e.g. "3.1.4 scadenza 15/09/2024 → 31/12/2024". */
  lines: string[];
  inForce: boolean;
}

export const HOME_VARIATIONS_SHOWN = 5;

async function homeVariations(db: Db, year: number, today: string): Promise<HomeVariation[]> {
  const list = await listVariations(db, year);
  return list
    .slice(-HOME_VARIATIONS_SHOWN)
    .reverse()
    .map((v) => ({
      act: v.act,
      validFrom: v.validFrom,
      reason: v.reason,
      lines: v.changes.map(changeLine),
      inForce: v.validFrom <= today,
    }));
}

/**
 * The plan scored today, shared by every home for a short while: scoring a large plan is
 * the costly part, and a change made through the bot invalidates it at once.
 */
export class EvaluationCache {
  private entries = new Map<string, { at: number; value: Promise<ScoreSummary> }>();
  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = 60_000,
    private readonly load: ScoreLoader = loadScoresHere,
  ) {}

  get(db: Db, asOf: string): Promise<ScoreSummary> {
    const now = this.clock().getTime();
    const hit = this.entries.get(asOf);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = this.load(db, asOf);
    this.entries.set(asOf, { at: now, value });
    value.catch(() => this.entries.delete(asOf));
    return value;
  }

  invalidate(): void {
    this.entries.clear();
  }
}

function overviewOf(ev: ScoreSummary, areaCodes: string[] | null): HomeOverview {
  const line = (s: SectionSummary) => ({
    percent: s.percent,
    points: s.points,
    maxPoints: s.maxPoints,
    overdue: s.counts.overdue,
    activities: s.counts.activities,
    completed: s.counts.completed,
  });
  const areas = ev.areas
    .filter((a) => areaCodes === null || areaCodes.includes(a.code))
    .map((a) => ({ code: a.code, name: a.name, head: a.head, ...line(a) }));
  return {
    areas,
    comuneWide:
      areaCodes === null && ev.comuneWide.objectives > 0
        ? {
            code: "ENTE",
            name: "Obiettivi di performance organizzativa (dell'ente)",
            head: null,
            ...line(ev.comuneWide),
          }
        : null,
    overallPercent: areaCodes === null ? ev.overallPercent : null,
  };
}

export async function loadHome(db: Db, userId: string, now: Date, cache: EvaluationCache): Promise<HomeData> {
  const actor = await loadActor(db, userId);
  if (!actor) return { kind: "unknown", userId };
  const plan = await planOfYear(db);
  if (!plan) return { kind: "no_plan", userId, actor };
  const today = romeDay(now);
  const oversees = OVERVIEW_ROLES.includes(actor.role);
  const hasAreas = actor.areaCodes.length > 0;

  const [open, ev] = await Promise.all([
    hasAreas ? openActivitiesOfAreas(db, plan, actor.areaCodes, HOME_ACTIVITIES_SHOWN, today) : Promise.resolve(null),
    oversees || actor.role === "responsabile" ? cache.get(db, today) : Promise.resolve(null),
  ]);
  const own = open
    ? {
        total: open.total,
        activities: open.rows.map((r) => ({
          year: plan.year,
          code: r.code,
          title: r.title,
          objectiveCode: r.objectiveCode,
          areaCode: r.areaCode,
          targetText: r.targetText,
          deadline: r.deadline,
          daysLeft: r.deadline ? daysBetween(today, r.deadline) : null,
          status: r.status,
          canWrite: canWriteActivity(actor, { areaCode: r.areaCode }),
        })),
      }
    : null;
  // Heads see their own areas' score; overseers see every area.
  const overview = ev && ev.plan.year === plan.year ? overviewOf(ev, oversees ? null : actor.areaCodes) : null;
  const notices = { preference: await preferenceOf(db, userId), absences: await listAbsences(db, { userId, today }) };
  return {
    kind: "home",
    userId,
    actor,
    year: plan.year,
    entity: plan.entity,
    today,
    own,
    overview,
    canExport: canExportRelazione(actor),
    variations: oversees ? await homeVariations(db, plan.year, today) : null,
    notices,
  };
}
