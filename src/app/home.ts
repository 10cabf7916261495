import type { Clock } from "../clock.ts";
import { daysBetween, romeDay } from "../domain/calendar/days.ts";
import type { Preference } from "../domain/schedule/send-plan.ts";
import { listAbsences, type AbsenceView } from "../store/absences.ts";
import { preferenceOf } from "../store/notifications.ts";
import type { Db } from "../db/client.ts";
import { type PlanEvaluation } from "../domain/scoring/evaluation.ts";
import { evaluatePlan } from "./evaluation.ts";
import { canExportRelazione, canWriteActivity, type Actor, type Role } from "../domain/permissions.ts";
import { openActivitiesOfAreas } from "../store/activities.ts";
import { planOfYear } from "../store/plan.ts";
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
      /** The person's reminder choice and their absences to come (App Home "Promemoria e assenze"). */
      notices?: { preference: Preference; absences: AbsenceView[] };
    };

/**
 * The plan scored today, shared by every home for a short while: scoring a large plan is
 * the costly part, and a change made through the bot invalidates it at once.
 */
export class EvaluationCache {
  private entries = new Map<string, { at: number; value: Promise<PlanEvaluation> }>();
  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = 60_000,
    /** PATRONO, for lateness in working days (a patron set with the CLI wins). */
    private readonly patron?: string,
  ) {}

  get(db: Db, asOf: string): Promise<PlanEvaluation> {
    const now = this.clock().getTime();
    const hit = this.entries.get(asOf);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = evaluatePlan(db, { asOf, patron: this.patron });
    this.entries.set(asOf, { at: now, value });
    value.catch(() => this.entries.delete(asOf));
    return value;
  }

  invalidate(): void {
    this.entries.clear();
  }
}

function overviewOf(ev: PlanEvaluation, areaCodes: string[] | null): HomeOverview {
  const line = (s: { score: { percent: number | null; points: number | null; maxPoints: number }; counts: { overdue: number; activities: number; completed: number } }) => ({
    percent: s.score.percent,
    points: s.score.points,
    maxPoints: s.score.maxPoints,
    overdue: s.counts.overdue,
    activities: s.counts.activities,
    completed: s.counts.completed,
  });
  const areas = ev.areas.filter((a) => areaCodes === null || areaCodes.includes(a.code)).map((a) => ({ code: a.code, name: a.name, head: a.head, ...line(a) }));
  return {
    areas,
    comuneWide: areaCodes === null && ev.comuneWide.objectives.length ? { code: "ENTE", name: "Obiettivi di performance organizzativa (dell'ente)", head: null, ...line(ev.comuneWide) } : null,
    overallPercent: areaCodes === null ? ev.overall.percent : null,
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
    hasAreas ? openActivitiesOfAreas(db, plan, actor.areaCodes, HOME_ACTIVITIES_SHOWN) : Promise.resolve(null),
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
  return { kind: "home", userId, actor, year: plan.year, entity: plan.entity, today, own, overview, canExport: canExportRelazione(actor), notices };
}
