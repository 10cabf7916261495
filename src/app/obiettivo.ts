import type { Clock } from "../clock.ts";
import { evidenceNeedFor, type EvidenceNeed } from "./evidence.ts";
import type { Db } from "../db/client.ts";
import { UserError } from "../errors.ts";
import { romeDay } from "../domain/calendar/days.ts";
import { assertCanWriteActivity, requireActor, type Actor } from "../domain/permissions.ts";
import type { ActivityInfo, CodeResolution, PickerOption, PickerSource } from "../domain/plan/activity.ts";
import {
  cleanCommandText,
  parseObiettivoText,
  type ObiettivoCommand,
  type ReportAction,
} from "../domain/progress/command-grammar.ts";
import type { DerivedProgress, ReportInput, ReportSource } from "../domain/progress/progress.ts";
import {
  activityByCanonicalCode,
  PICKER_STATIC_LIMIT,
  resolveActivityCode,
  writableActivities,
} from "../store/activities.ts";
import { currentPlan } from "../store/plan.ts";
import type { PlanRef } from "../domain/plan/plan.ts";
import {
  activityHistory,
  currentProgress,
  recordReport,
  undoReport,
  type ActivityHistory,
  type RecordResult,
} from "../store/reports.ts";
import { loadActor } from "../store/users.ts";
import type { ChangeBus } from "./events.ts";
import { displayNames, resolveOnBehalf } from "./on-behalf.ts";
import { mayActForOthers } from "../domain/progress/on-behalf.ts";

/**
 * /obiettivo as use cases: (actor, input) -> a result as data. Slack, the local console and
 * the tests render the same result; a refusal is a thrown UserError.
 */

export interface ObiettivoDeps {
  db: Db;
  clock: Clock;
  changes?: ChangeBus;
}

/** Where the answer to a form goes, carried through the modal (Slack's response_url, channel). */
export interface ReplyMeta {
  year: number;
  code?: string;
  responseUrl?: string;
  channelId?: string;
}

export type ObiettivoResult =
  /** The text did not parse: `message` says what was expected. */
  | { kind: "invalid"; message: string }
  | { kind: "help" }
  | { kind: "picker"; source: PickerSource; meta: ReplyMeta }
  | { kind: "choose"; typed: string; activities: ActivityInfo[]; rest: string }
  | { kind: "unknown"; resolution: Extract<CodeResolution, { kind: "unknown" }>; year: number; rest: string }
  | { kind: "history"; activity: ActivityInfo; progress: DerivedProgress; history: ActivityHistory; today: string }
  /** `onBehalf`: the form offers "Per conto di" (the person may record for a colleague). */
  | {
      kind: "form";
      activity: ActivityInfo;
      progress: DerivedProgress;
      today: string;
      meta: ReplyMeta;
      onBehalf: boolean;
    }
  /** `names`: display names of the person and the typist, for "registrato da X per Y". */
  | {
      kind: "recorded";
      activity: ActivityInfo;
      report: RecordResult["report"];
      progress: DerivedProgress;
      today: string;
      duplicate: boolean;
      /** The completion lacks the evidence its SMVP rule asks for (the reply offers "Aggiungi evidenza"). */
      evidenceNeed: EvidenceNeed | null;
      names?: ReadonlyMap<string, string | null>;
    };

export interface ObiettivoRequest {
  userId: string;
  text: string;
  /** Slack's trigger_id: the idempotency key of what this request records. */
  triggerId?: string;
  responseUrl?: string;
  channelId?: string;
  source?: ReportSource;
}

export async function obiettivo(deps: ObiettivoDeps, req: ObiettivoRequest): Promise<ObiettivoResult> {
  const now = deps.clock();
  const today = romeDay(now);
  const parsed = parseObiettivoText(req.text, { today });
  // A malformed text is answered without touching the database: garbage costs nothing.
  if (!parsed.ok) return { kind: "invalid", message: parsed.message };
  if (parsed.command.kind === "help") return { kind: "help" };
  const actor = requireActor(await loadActor(deps.db, req.userId), req.userId);
  // Codes are looked up among the definitions in force today.
  const plan = { ...(await currentPlan(deps.db)), day: today };
  return runCommand(deps, actor, plan, parsed.command, {
    now,
    today,
    rest: restAfterCode(req.text),
    canonicalOnly: false,
    idempotencyKey: req.triggerId ? `cmd:${req.triggerId}` : null,
    source: req.source ?? "slack_command",
    meta: { year: plan.year, responseUrl: req.responseUrl, channelId: req.channelId },
  });
}

export interface ChosenActivityRequest {
  userId: string;
  year: number;
  code: string;
  rest: string;
  triggerId?: string;
  responseUrl?: string;
  channelId?: string;
}

/** A "Scegli" button after an ambiguous code: the same command, on the chosen canonical code. */
export async function chosenActivity(deps: ObiettivoDeps, req: ChosenActivityRequest): Promise<ObiettivoResult> {
  const now = deps.clock();
  const today = romeDay(now);
  const actor = requireActor(await loadActor(deps.db, req.userId), req.userId);
  const parsed = parseObiettivoText(`${req.code} ${req.rest}`, { today });
  if (!parsed.ok) return { kind: "invalid", message: parsed.message };
  const plan = { ...(await currentPlan(deps.db, req.year)), day: today };
  return runCommand(deps, actor, plan, parsed.command, {
    now,
    today,
    rest: req.rest,
    canonicalOnly: true,
    idempotencyKey: req.triggerId ? `btn:${req.triggerId}` : null,
    source: "slack_button",
    meta: { year: plan.year, responseUrl: req.responseUrl, channelId: req.channelId },
  });
}

/** A fact someone reported by email or phone, typed by the Segretario or an admin (CLI `registra`). */
export interface OnBehalfRequest {
  /** Whose fact it is: a registered Slack user, whose permissions apply. */
  userId: string;
  /** Who typed it (the CLI actor); Report.enteredBy. */
  enteredBy: string;
  /** The code and the same text as after /obiettivo. */
  text: string;
  occurredOn?: string;
  evidence?: string;
  note?: string;
}

/**
 * The same grammar, validation, permissions and audit as /obiettivo, on someone's behalf.
 * Anything but a recorded fact is refused with a UserError (the CLI exits non-zero).
 */
export async function recordOnBehalf(
  deps: ObiettivoDeps,
  req: OnBehalfRequest,
): Promise<Extract<ObiettivoResult, { kind: "recorded" }>> {
  const now = deps.clock();
  const today = romeDay(now);
  const parsed = parseObiettivoText(req.text, { today });
  if (!parsed.ok) throw new UserError({ code: "bad_command", detail: parsed.message });
  if (parsed.command.kind !== "report") {
    throw new UserError({
      code: "bad_command",
      detail: "Indica il codice e cosa registrare, come dopo /obiettivo: per esempio «3.1.2 completato» o «2.1.4 60%».",
    });
  }
  const actor = requireActor(await loadActor(deps.db, req.userId), req.userId);
  const plan = { ...(await currentPlan(deps.db)), day: req.occurredOn ?? today };
  const ctx: RunContext = {
    now,
    today,
    rest: restAfterCode(req.text),
    canonicalOnly: false,
    idempotencyKey: null,
    source: "cli",
    meta: { year: plan.year },
  };
  const found = await findActivity(deps.db, plan, parsed.command.code, ctx);
  if (!("code" in found)) {
    throw new UserError({
      code: "not_one_activity",
      typed: parsed.command.code,
      year: plan.year,
      candidates: found.kind === "choose" ? found.activities.map((a) => a.code) : [],
    });
  }
  assertCanWriteActivity(actor, found);
  const input = reportInput(actor, found, parsed.command.action, ctx);
  const note = [input.note, req.note?.trim()].filter(Boolean).join(" — ") || null;
  const result = await recordReport(
    deps.db,
    {
      ...input,
      occurredOn: req.occurredOn ?? input.occurredOn,
      note,
      evidence: req.evidence?.trim() || null,
      enteredBy: req.enteredBy,
    },
    now,
    deps.changes,
  );
  const evidenceNeed = await evidenceNeedFor(deps.db, found, result.derived.status);
  return {
    kind: "recorded",
    activity: found,
    report: result.report,
    progress: result.derived,
    today,
    duplicate: result.duplicate,
    evidenceNeed,
  };
}

/** "Segna completata" (digest, App Home, reminders): done today, on a canonical code. */
export function completeActivity(
  deps: ObiettivoDeps,
  req: { userId: string; year: number; code: string; triggerId?: string },
): Promise<ObiettivoResult> {
  return chosenActivity(deps, { ...req, rest: "completato" });
}

/** "Aggiorna": the report form for a canonical code, prefilled. */
export function updateActivity(
  deps: ObiettivoDeps,
  req: { userId: string; year: number; code: string; responseUrl?: string; channelId?: string },
): Promise<ObiettivoResult> {
  return chosenActivity(deps, { ...req, rest: "" });
}

interface RunContext {
  now: Date;
  today: string;
  rest: string;
  canonicalOnly: boolean;
  idempotencyKey: string | null;
  source: ReportSource;
  meta: ReplyMeta;
}

async function runCommand(
  deps: ObiettivoDeps,
  actor: Actor,
  plan: PlanRef,
  command: ObiettivoCommand,
  ctx: RunContext,
): Promise<ObiettivoResult> {
  switch (command.kind) {
    case "help":
      return { kind: "help" };
    case "picker":
      assertCanWriteActivity(actor, null);
      return { kind: "picker", source: await pickerSource(deps.db, actor, plan), meta: ctx.meta };
    default:
      break;
  }
  const found = await findActivity(deps.db, plan, command.code, ctx);
  if (!("code" in found)) return found;
  const activity = found;

  if (command.kind === "history") {
    const progress = await currentProgress(deps.db, plan.year, activity.code, activity);
    const history = await activityHistory(deps.db, plan.year, activity.code);
    return { kind: "history", activity, progress, history, today: ctx.today };
  }
  assertCanWriteActivity(actor, activity);
  if (command.kind === "open") {
    const progress = await currentProgress(deps.db, plan.year, activity.code, activity);
    return {
      kind: "form",
      activity,
      progress,
      today: ctx.today,
      meta: { ...ctx.meta, year: plan.year },
      onBehalf: mayActForOthers(actor.role),
    };
  }
  const person = command.onBehalfOf ? await resolveOnBehalf(deps.db, actor, activity, command.onBehalfOf) : null;
  const input = reportInput(actor, activity, command.action, ctx);
  if (person) {
    input.userId = person.slackUserId;
    input.enteredBy = actor.slackUserId;
  }
  const result = await recordReport(deps.db, input, ctx.now, deps.changes);
  const evidenceNeed = await evidenceNeedFor(deps.db, activity, result.derived.status);
  const names = person ? await displayNames(deps.db, [actor.slackUserId, person.slackUserId]) : undefined;
  return {
    kind: "recorded",
    activity,
    report: result.report,
    progress: result.derived,
    today: ctx.today,
    duplicate: result.duplicate,
    evidenceNeed,
    names,
  };
}

async function findActivity(
  db: Db,
  plan: PlanRef,
  code: string,
  ctx: RunContext,
): Promise<ActivityInfo | ObiettivoResult> {
  const resolution = await resolveActivityCode(db, plan, code);
  if (resolution.kind === "found") return resolution.activity;
  if (resolution.kind === "ambiguous") {
    if (ctx.canonicalOnly) {
      const exact = resolution.activities.find((a) => a.code === code);
      if (exact) return exact;
    }
    return { kind: "choose", typed: code, activities: resolution.activities, rest: ctx.rest };
  }
  return { kind: "unknown", resolution, year: plan.year, rest: ctx.rest };
}

/** A command of the /obiettivo grammar as the report it records (also used by importa-avanzamento). */
export function reportInput(
  actor: Actor,
  activity: Pick<ActivityInfo, "year" | "code">,
  action: ReportAction,
  ctx: Pick<RunContext, "source" | "idempotencyKey">,
): ReportInput {
  const base = {
    planYear: activity.year,
    activityCode: activity.code,
    userId: actor.slackUserId,
    source: ctx.source,
    idempotencyKey: ctx.idempotencyKey,
  };
  switch (action.kind) {
    case "complete":
      return { ...base, kind: "status", status: "completata", occurredOn: action.on, note: action.note };
    case "in_progress":
      return { ...base, kind: "status", status: "in_corso", note: action.note };
    case "not_started":
      return { ...base, kind: "status", status: "non_iniziata", note: action.note };
    case "blocked":
      return { ...base, kind: "status", status: "bloccata", note: action.reason };
    case "percent":
      return { ...base, kind: "percent", value: action.percent, note: action.note };
    case "count_add":
      return { ...base, kind: "count_add", value: action.delta, note: action.note };
    case "count_set":
      return { ...base, kind: "count_set", value: action.value, note: action.note };
    case "ratio":
      return {
        ...base,
        kind: "percent",
        value: action.percent,
        numerator: action.numerator,
        denominator: action.denominator,
        valueSource: action.source,
        note: action.note,
      };
    case "note":
      return { ...base, kind: "note", note: action.text };
  }
}

/** A static list when it fits Slack's 100 options; otherwise a searchable external list. */
export async function pickerSource(db: Db, actor: Actor, plan: PlanRef): Promise<PickerSource> {
  const { options, total } = await writableActivities(db, plan, actor, { limit: PICKER_STATIC_LIMIT });
  return total <= PICKER_STATIC_LIMIT ? { kind: "static", options } : { kind: "external" };
}

/** The text after the code, as typed (for replaying it on a chosen activity). */
function restAfterCode(text: string): string {
  const clean = cleanCommandText(text);
  const i = clean.search(/\s/);
  return i < 0 ? "" : clean.slice(i + 1).trim();
}

export interface UndoneResult {
  activity: ActivityInfo | null;
  activityCode: string;
  report: RecordResult["report"];
  progress: DerivedProgress;
  today: string;
}

/** Undo a report: the author only, within 15 minutes (the store enforces both). */
export async function undo(deps: ObiettivoDeps, req: { userId: string; reportId: number }): Promise<UndoneResult> {
  requireActor(await loadActor(deps.db, req.userId), req.userId);
  const now = deps.clock();
  const { report, derived } = await undoReport(
    deps.db,
    { reportId: req.reportId, userId: req.userId, now },
    deps.changes,
  );
  const plan = await currentPlan(deps.db, report.planYear).catch(() => null);
  const activity = plan ? await activityByCanonicalCode(deps.db, plan, report.activityCode) : null;
  return { activity, activityCode: report.activityCode, report, progress: derived, today: romeDay(now) };
}

export interface WritableActivity {
  actor: Actor;
  plan: PlanRef;
  activity: ActivityInfo;
  progress: DerivedProgress;
}

/**
 * The activity a form is about, checked for the user: null when it is no longer in the plan.
 * Used by the report form (submission and picker choice).
 */
export async function writableActivity(
  deps: ObiettivoDeps,
  req: { userId: string; year: number; code: string },
): Promise<WritableActivity | null> {
  const actor = requireActor(await loadActor(deps.db, req.userId), req.userId);
  const plan = await currentPlan(deps.db, req.year);
  const activity = await activityByCanonicalCode(deps.db, plan, req.code);
  if (!activity) return null;
  assertCanWriteActivity(actor, activity);
  const progress = await currentProgress(deps.db, plan.year, activity.code, activity);
  return { actor, plan, activity, progress };
}

/**
 * Records what a form submitted, for an activity checked by writableActivity; `onBehalfOf`
 * (the "Per conto di" picker) records it for that colleague, if the rule allows.
 */
export async function recordFromForm(
  deps: ObiettivoDeps,
  w: WritableActivity,
  r: Pick<
    ReportInput,
    "kind" | "status" | "value" | "occurredOn" | "note" | "evidence" | "numerator" | "denominator" | "valueSource"
  >,
  idempotencyKey: string,
  onBehalfOf?: string | null,
): Promise<Extract<ObiettivoResult, { kind: "recorded" }>> {
  const now = deps.clock();
  const person = onBehalfOf ? await resolveOnBehalf(deps.db, w.actor, w.activity, { userId: onBehalfOf }) : null;
  const result = await recordReport(
    deps.db,
    {
      ...r,
      planYear: w.plan.year,
      activityCode: w.activity.code,
      userId: person?.slackUserId ?? w.actor.slackUserId,
      enteredBy: person ? w.actor.slackUserId : null,
      source: "slack_modal",
      idempotencyKey,
    },
    now,
    deps.changes,
  );
  const evidenceNeed = await evidenceNeedFor(deps.db, w.activity, result.derived.status);
  const names = person ? await displayNames(deps.db, [w.actor.slackUserId, person.slackUserId]) : undefined;
  return {
    kind: "recorded",
    activity: w.activity,
    report: result.report,
    progress: result.derived,
    today: romeDay(now),
    duplicate: result.duplicate,
    evidenceNeed,
    names,
  };
}

/** Options of the external picker (plans too large for a static list): own area first, filtered by the query. */
export async function searchWritableActivities(
  deps: ObiettivoDeps,
  req: { userId: string; query: string; year?: number },
): Promise<PickerOption[]> {
  const actor = await loadActor(deps.db, req.userId);
  if (!actor || actor.role === "nucleo") return [];
  const plan = await currentPlan(deps.db, req.year);
  return (await writableActivities(deps.db, plan, actor, { query: req.query, limit: 100 })).options;
}
