import type { App } from "@slack/bolt";
import type { ModalView } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import { romeDay } from "../../clock.ts";
import {
  PICKER_STATIC_LIMIT,
  planHeader,
  resolveActivityCode,
  writableActivities,
  type ActivityInfo,
  type PlanHeader,
} from "../../domain/activity-lookup.ts";
import { cleanCommandText, parseObiettivoText, type ObiettivoCommand, type ReportAction } from "../../domain/command-grammar.ts";
import { ChangeBus, type ChangeEvent } from "../../domain/events.ts";
import { assertCanWriteActivity, loadActor, requireActor, type Actor } from "../../domain/permissions.ts";
import { displayNames, resolveOnBehalf } from "../../domain/on-behalf.ts";
import { activityHistory, currentProgress, recordReport, type ReportInput, type ReportSource } from "../../domain/progress.ts";
import { GENERIC_ERROR_MESSAGE, UserError } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import type { AppDeps } from "../deps.ts";
import { sendPrivateReply, type ReplyTarget } from "../reply.ts";
import type { SlackMessage } from "../ui/message.ts";
import { modalText, T } from "../ui/obiettivo-strings.ts";
import { mayActForOthers, pickerModal, reportModal, type PickerSource, type ReportModalMeta } from "../ui/report-modal.ts";
import {
  chooseActivityMessage,
  errorMessage,
  helpMessage,
  historyMessage,
  reportRecordedMessage,
  unknownCodeMessage,
} from "../ui/report-reply.ts";

/**
 * /obiettivo, transport-free: `handleObiettivo` turns (user, text) into an Outcome, the same
 * for Slack, the local console and the tests; `registerObiettivo` acks first, then delivers it.
 */

export type ObiettivoDeps = AppDeps & { changes?: ChangeBus };

export type Outcome =
  | { kind: "message"; message: SlackMessage }
  /** `text` describes the modal for transports that cannot show one (the console). */
  | { kind: "modal"; view: ModalView; text: string };

export interface ObiettivoRequest {
  userId: string;
  text: string;
  /** Slack's trigger_id: the idempotency key of what this request records. */
  triggerId?: string;
  responseUrl?: string;
  channelId?: string;
  source?: ReportSource;
}

export async function handleObiettivo(deps: ObiettivoDeps, req: ObiettivoRequest): Promise<Outcome> {
  return guard(deps.log, req.userId, async () => {
    const now = deps.clock();
    const today = romeDay(now);
    const parsed = parseObiettivoText(req.text, { today });
    // A malformed text is answered without touching the database: garbage costs nothing.
    if (!parsed.ok) return message(errorMessage(parsed.message));
    if (parsed.command.kind === "help") return message(helpMessage());
    const actor = requireActor(await loadActor(deps.db, req.userId), req.userId);
    const plan = await planHeader(deps.db);
    return runCommand(deps, actor, plan, parsed.command, {
      now,
      today,
      rest: restAfterCode(req.text),
      canonicalOnly: false,
      idempotencyKey: req.triggerId ? `cmd:${req.triggerId}` : null,
      source: req.source ?? "slack_command",
      meta: { year: plan.year, responseUrl: req.responseUrl, channelId: req.channelId },
    });
  });
}

/** A "Scegli" button after an ambiguous code: the same command, on the chosen canonical code. */
export async function handleChosenActivity(
  deps: ObiettivoDeps,
  req: { userId: string; year: number; code: string; rest: string; triggerId?: string; responseUrl?: string; channelId?: string },
): Promise<Outcome> {
  return guard(deps.log, req.userId, async () => {
    const now = deps.clock();
    const today = romeDay(now);
    const actor = requireActor(await loadActor(deps.db, req.userId), req.userId);
    const parsed = parseObiettivoText(`${req.code} ${req.rest}`, { today });
    if (!parsed.ok) return message(errorMessage(parsed.message));
    const plan = await planHeader(deps.db, req.year);
    return runCommand(deps, actor, plan, parsed.command, {
      now,
      today,
      rest: req.rest,
      canonicalOnly: true,
      idempotencyKey: req.triggerId ? `btn:${req.triggerId}` : null,
      source: "slack_button",
      meta: { year: plan.year, responseUrl: req.responseUrl, channelId: req.channelId },
    });
  });
}

/** "Segna completata" (digest, App Home, reminders): done today, on a canonical code. */
export async function handleCompleteButton(
  deps: ObiettivoDeps,
  req: { userId: string; year: number; code: string; triggerId?: string },
): Promise<Outcome> {
  return handleChosenActivity(deps, { ...req, rest: "completato" });
}

/** "Aggiorna": the report modal for a canonical code, prefilled. */
export async function handleUpdateButton(
  deps: ObiettivoDeps,
  req: { userId: string; year: number; code: string; responseUrl?: string; channelId?: string },
): Promise<Outcome> {
  return handleChosenActivity(deps, { ...req, rest: "" });
}

interface RunContext {
  now: Date;
  today: string;
  rest: string;
  canonicalOnly: boolean;
  idempotencyKey: string | null;
  source: ReportSource;
  meta: ReportModalMeta;
}

async function runCommand(deps: ObiettivoDeps, actor: Actor, plan: PlanHeader, command: ObiettivoCommand, ctx: RunContext): Promise<Outcome> {
  switch (command.kind) {
    case "help":
      return message(helpMessage());
    case "picker":
      return openPicker(deps, actor, plan, ctx);
    default:
      break;
  }
  const found = await findActivity(deps, plan, command.code, ctx);
  if (!("code" in found)) return found;
  const activity = found;

  if (command.kind === "history") {
    const progress = await currentProgress(deps.db, plan.year, activity.code, activity);
    const history = await activityHistory(deps.db, plan.year, activity.code);
    return message(historyMessage(activity, progress, history, ctx.today));
  }
  assertCanWrite(actor, activity);
  if (command.kind === "open") {
    const progress = await currentProgress(deps.db, plan.year, activity.code, activity);
    return {
      kind: "modal",
      view: reportModal({ activity, progress, today: ctx.today, meta: { ...ctx.meta, year: plan.year }, onBehalf: mayActForOthers(actor.role) }),
      text: modalText(activity),
    };
  }
  const person = command.onBehalfOf ? await resolveOnBehalf(deps.db, actor, activity, command.onBehalfOf) : null;
  const input = reportInput(actor, activity, command.action, ctx);
  if (person) {
    input.userId = person.slackUserId;
    input.enteredBy = actor.slackUserId;
  }
  const result = await recordReport(deps.db, input, ctx.now, deps.changes);
  const names = person ? await displayNames(deps.db, [actor.slackUserId, person.slackUserId]) : undefined;
  return message(reportRecordedMessage({ activity, report: result.report, progress: result.derived, today: ctx.today, duplicate: result.duplicate, names }));
}

async function findActivity(deps: ObiettivoDeps, plan: PlanHeader, code: string, ctx: RunContext): Promise<ActivityInfo | Outcome> {
  const resolution = await resolveActivityCode(deps.db, plan, code);
  if (resolution.kind === "found") return resolution.activity;
  if (resolution.kind === "ambiguous") {
    if (ctx.canonicalOnly) {
      const exact = resolution.activities.find((a) => a.code === code);
      if (exact) return exact;
    }
    return message(chooseActivityMessage(code, resolution.activities, ctx.rest));
  }
  return message(unknownCodeMessage(resolution, plan.year, ctx.rest));
}

function assertCanWrite(actor: Actor, activity: ActivityInfo): void {
  if (actor.role === "nucleo") throw new UserError("forbidden", T.nucleoReadOnly);
  assertCanWriteActivity(actor, { code: activity.code, areaCode: activity.areaCode });
}

function reportInput(actor: Actor, activity: ActivityInfo, action: ReportAction, ctx: RunContext): ReportInput {
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
    case "note":
      return { ...base, kind: "note", note: action.text };
  }
}

async function openPicker(deps: ObiettivoDeps, actor: Actor, plan: PlanHeader, ctx: RunContext): Promise<Outcome> {
  if (actor.role === "nucleo") throw new UserError("forbidden", T.nucleoReadOnly);
  const source = await pickerSource(deps, actor, plan);
  return {
    kind: "modal",
    view: pickerModal(source, ctx.meta),
    text: T.pickerModalText,
  };
}

/** A static list when it fits Slack's 100 options; otherwise a searchable external list. */
export async function pickerSource(deps: AppDeps, actor: Actor, plan: PlanHeader): Promise<PickerSource> {
  const { options, total } = await writableActivities(deps.db, plan, actor, { limit: PICKER_STATIC_LIMIT });
  return total <= PICKER_STATIC_LIMIT ? { kind: "static", options } : { kind: "external" };
}

/** The text after the code, as typed (for replaying it on a chosen activity). */
function restAfterCode(text: string): string {
  const clean = cleanCommandText(text);
  const i = clean.search(/\s/);
  return i < 0 ? "" : clean.slice(i + 1).trim();
}

function message(m: SlackMessage): Outcome {
  return { kind: "message", message: m };
}

/** UserErrors become their Italian message; anything else the generic one, logged. Never throws. */
export async function guard(log: Logger, userId: string, work: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof UserError) return message(errorMessage(e.message));
    log.error({ err: e, userId }, "errore non previsto in /obiettivo");
    return message(errorMessage(GENERIC_ERROR_MESSAGE));
  }
}

/**
 * Puts an Outcome on Slack: a modal through views.open (the trigger lasts 3 s), a message
 * as a private reply. A retried delivery whose modal already opened stays silent.
 */
export async function deliverOutcome(
  client: WebClient,
  outcome: Outcome,
  where: { target: ReplyTarget; triggerId?: string; retryNum?: number; replaceOriginal?: boolean },
  log: Logger,
): Promise<void> {
  if (outcome.kind === "modal") {
    try {
      if (!where.triggerId) throw new Error("trigger_id mancante");
      await client.views.open({ trigger_id: where.triggerId, view: outcome.view });
      return;
    } catch (e) {
      if ((where.retryNum ?? 0) > 0) return;
      log.warn({ err: e, userId: where.target.userId }, "views.open non riuscita");
      await sendPrivateReply(client, where.target, errorMessage(T.modalNotOpened));
      return;
    }
  }
  await sendPrivateReply(client, where.target, outcome.message, { replaceOriginal: where.replaceOriginal });
}

/**
 * Changes recorded while handling a request reach the real bus only once the answer is out:
 * listeners such as App Home recompute a whole plan on each change (hundreds of ms on a large
 * one, with synchronous SQLite), and the person who typed should not wait behind them.
 */
export function holdChanges(deps: ObiettivoDeps): { deps: ObiettivoDeps; release(): void } {
  const held: ChangeEvent[] = [];
  const bus = new ChangeBus();
  bus.on((e) => held.push(e));
  return {
    deps: { ...deps, changes: bus },
    release: () => {
      for (const e of held.splice(0)) deps.changes?.emit(e);
    },
  };
}

export function registerObiettivo(app: App, deps: ObiettivoDeps): void {
  app.command("/obiettivo", async ({ ack, command, client, context }) => {
    await ack();
    const held = holdChanges(deps);
    try {
      await answerCommand(held.deps, command, client, context.retryNum);
    } finally {
      held.release();
    }
  });
}

async function answerCommand(
  deps: ObiettivoDeps,
  command: { user_id: string; text?: string; trigger_id: string; response_url: string; channel_id: string },
  client: WebClient,
  retryNum: number | undefined,
): Promise<void> {
  const outcome = await handleObiettivo(deps, {
    userId: command.user_id,
    text: command.text ?? "",
    triggerId: command.trigger_id,
    responseUrl: command.response_url,
    channelId: command.channel_id,
  });
  await deliverOutcome(
    client,
    outcome,
    { target: { userId: command.user_id, responseUrl: command.response_url, channelId: command.channel_id }, triggerId: command.trigger_id, retryNum },
    deps.log,
  );
}
