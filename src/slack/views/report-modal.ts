import type { App } from "@slack/bolt";
import type { ModalView } from "@slack/types";
import { romeDay } from "../../clock.ts";
import { activityByCanonicalCode, planHeader, writableActivities, type ActivityInfo } from "../../domain/activity-lookup.ts";
import { assertCanWriteActivity, loadActor, requireActor, type Actor } from "../../domain/permissions.ts";
import { displayNames, resolveOnBehalf } from "../../domain/on-behalf.ts";
import { currentProgress, recordReport } from "../../domain/progress.ts";
import { GENERIC_ERROR_MESSAGE, UserError } from "../../errors.ts";
import { holdChanges, pickerSource, type ObiettivoDeps } from "../commands/obiettivo.ts";
import { tryPrivateReply } from "../reply.ts";
import { VIEW } from "../ui/ids.ts";
import { activityGone, T } from "../ui/obiettivo-strings.ts";
import {
  mayActForOthers,
  selectedOnBehalf,
  parseReportModalMeta,
  readReportSubmission,
  REPORT_BLOCK,
  REPORT_ELEMENT,
  reportModal,
  selectedActivityCode,
  type ReportModalMeta,
  type ViewValues,
} from "../ui/report-modal.ts";
import { reportRecordedMessage } from "../ui/report-reply.ts";

/**
 * The report modal's listeners. A submission is validated and recorded BEFORE ack, so any
 * problem is shown on its field (`response_action: "errors"`) and nothing typed is lost;
 * the confirmation with "Annulla" follows as a private message.
 */

type ViewAck = (response?: { response_action: "errors"; errors: Record<string, string> } | { response_action: "update"; view: ModalView }) => Promise<void>;

export interface SubmissionInput {
  userId: string;
  viewId: string;
  privateMetadata: string | undefined;
  values: ViewValues;
}

export type SubmissionOutcome =
  | { kind: "errors"; errors: Record<string, string> }
  | { kind: "update"; view: ModalView }
  | { kind: "recorded"; reply: ReturnType<typeof reportRecordedMessage>; meta: ReportModalMeta };

/** Transport-free handling of a submission (tests and the console can call it as well). */
export async function handleReportSubmission(deps: ObiettivoDeps, input: SubmissionInput): Promise<SubmissionOutcome> {
  const hasPicker = input.values[REPORT_BLOCK.activity] !== undefined;
  // Errors must name a block of this view: the picker when there is one, else the status.
  const topBlock = hasPicker ? REPORT_BLOCK.activity : REPORT_BLOCK.status;
  try {
    const now = deps.clock();
    const today = romeDay(now);
    const meta = parseReportModalMeta(input.privateMetadata);
    if (!meta) return { kind: "errors", errors: { [topBlock]: T.modalStale } };
    const actor = requireActor(await loadActor(deps.db, input.userId), input.userId);
    const plan = await planHeader(deps.db, meta.year);

    const picked = selectedActivityCode(input.values);
    if (hasPicker && !picked) return { kind: "errors", errors: { [REPORT_BLOCK.activity]: T.errPickActivity } };
    const code = picked ?? meta.code;
    if (!code) return { kind: "errors", errors: { [topBlock]: T.errPickActivity } };

    const activity = await activityByCanonicalCode(deps.db, plan, code);
    if (!activity) {
      return { kind: "errors", errors: { [topBlock]: activityGone(code) } };
    }
    assertCanWrite(actor, activity);
    const current = await currentProgress(deps.db, plan.year, activity.code, activity);

    // The picker changed but the form below still shows another activity: show the right form first.
    if (code !== meta.code) {
      return { kind: "update", view: reportModal({ activity, progress: current, today, meta, picker: await pickerSource(deps, actor, plan), onBehalf: mayActForOthers(actor.role) }) };
    }

    const read = readReportSubmission(input.values, activity, current, today);
    if (!read.ok) return { kind: "errors", errors: read.errors };
    const r = read.report;
    const chosen = selectedOnBehalf(input.values);
    let person: Awaited<ReturnType<typeof resolveOnBehalf>> = null;
    if (chosen) {
      try {
        person = await resolveOnBehalf(deps.db, actor, activity, { userId: chosen });
      } catch (e) {
        if (e instanceof UserError) return { kind: "errors", errors: { [REPORT_BLOCK.behalf]: e.message } };
        throw e;
      }
    }
    const result = await recordReport(
      deps.db,
      {
        planYear: plan.year,
        activityCode: activity.code,
        userId: person?.slackUserId ?? actor.slackUserId,
        enteredBy: person ? actor.slackUserId : null,
        kind: r.kind,
        status: r.status,
        value: r.value,
        occurredOn: r.occurredOn,
        note: r.note,
        evidence: r.evidence,
        source: "slack_modal",
        idempotencyKey: `view:${input.viewId}`,
      },
      now,
      deps.changes,
    );
    return {
      kind: "recorded",
      meta,
      reply: reportRecordedMessage({
        activity,
        report: result.report,
        progress: result.derived,
        today,
        duplicate: result.duplicate,
        names: person ? await displayNames(deps.db, [actor.slackUserId, person.slackUserId]) : undefined,
      }),
    };
  } catch (e) {
    if (e instanceof UserError) return { kind: "errors", errors: { [topBlock]: e.message } };
    deps.log.error({ err: e, userId: input.userId }, "errore non previsto nel modulo di aggiornamento");
    return { kind: "errors", errors: { [topBlock]: GENERIC_ERROR_MESSAGE } };
  }
}

function assertCanWrite(actor: Actor, activity: ActivityInfo): void {
  if (actor.role === "nucleo") throw new UserError("forbidden", T.nucleoReadOnly);
  assertCanWriteActivity(actor, { code: activity.code, areaCode: activity.areaCode });
}

/** Choosing an activity in the picker: the modal becomes that activity's form, picker kept on top. */
export async function handlePickerChoice(
  deps: ObiettivoDeps,
  input: { userId: string; code: string; privateMetadata: string | undefined },
): Promise<ModalView | null> {
  const meta = parseReportModalMeta(input.privateMetadata);
  if (!meta) return null;
  const actor = requireActor(await loadActor(deps.db, input.userId), input.userId);
  const plan = await planHeader(deps.db, meta.year);
  const activity = await activityByCanonicalCode(deps.db, plan, input.code);
  if (!activity) return null;
  assertCanWrite(actor, activity);
  const progress = await currentProgress(deps.db, plan.year, activity.code, activity);
  return reportModal({ activity, progress, today: romeDay(deps.clock()), meta, picker: await pickerSource(deps, actor, plan), onBehalf: mayActForOthers(actor.role) });
}

/** Options of the external picker (plans too large for a static list): own area first, filtered by the query. */
export async function pickerOptions(deps: ObiettivoDeps, input: { userId: string; query: string; year?: number }) {
  const actor = await loadActor(deps.db, input.userId);
  if (!actor || actor.role === "nucleo") return [];
  const plan = await planHeader(deps.db, input.year);
  const { options } = await writableActivities(deps.db, plan, actor, { query: input.query, limit: 100 });
  const groups = new Map<string, { text: { type: "plain_text"; text: string }; value: string }[]>();
  for (const o of options) {
    const list = groups.get(o.group) ?? [];
    const label = `${o.code} — ${o.title.replace(/\s+/g, " ")}`;
    list.push({ text: { type: "plain_text", text: label.length > 75 ? `${label.slice(0, 74)}…` : label }, value: o.code });
    groups.set(o.group, list);
  }
  return [...groups.entries()].map(([label, opts]) => ({ label: { type: "plain_text" as const, text: label.slice(0, 75) }, options: opts }));
}

export function registerReportModal(app: App, deps: ObiettivoDeps): void {
  app.view(VIEW.report, async ({ ack, body, view, client }) => {
    const respond = ack as unknown as ViewAck;
    const held = holdChanges(deps);
    try {
      const outcome = await handleReportSubmission(held.deps, {
        userId: body.user.id,
        viewId: view.id,
        privateMetadata: view.private_metadata,
        values: view.state.values as ViewValues,
      });
      if (outcome.kind === "errors") return await respond({ response_action: "errors", errors: outcome.errors });
      if (outcome.kind === "update") return await respond({ response_action: "update", view: outcome.view });
      await respond();
      await tryPrivateReply(
        client,
        { userId: body.user.id, responseUrl: outcome.meta.responseUrl, channelId: outcome.meta.channelId },
        outcome.reply,
        deps.log,
      );
    } finally {
      held.release();
    }
  });

  app.action(REPORT_ELEMENT.activity, async ({ ack, body, client }) => {
    await ack();
    if (body.type !== "block_actions" || !body.view) return;
    const action = body.actions[0];
    const code = action && "selected_option" in action ? action.selected_option?.value : undefined;
    if (!code) return;
    const view = await handlePickerChoice(deps, { userId: body.user.id, code, privateMetadata: body.view.private_metadata });
    if (!view) return;
    try {
      await client.views.update({ view_id: body.view.id, hash: body.view.hash, view });
    } catch (e) {
      // hash_conflict: the user moved on (another choice, or submitted); the newer state wins.
      deps.log.debug({ err: e }, "views.update del modulo non applicata");
    }
  });

  app.options(REPORT_ELEMENT.activity, async ({ ack, body }) => {
    const meta = parseReportModalMeta(body.view?.private_metadata);
    const optionGroups = await pickerOptions(deps, { userId: body.user.id, query: body.value ?? "", year: meta?.year }).catch((e: unknown) => {
      deps.log.error({ err: e }, "elenco attività del modulo non disponibile");
      return [];
    });
    await ack(optionGroups.length ? { option_groups: optionGroups } : { options: [] });
  });
}
