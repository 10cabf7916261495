import type { App } from "@slack/bolt";
import type { ModalView } from "@slack/types";
import { romeDay } from "../../domain/calendar/days.ts";
import { GENERIC_ERROR_MESSAGE, UserError } from "../../errors.ts";
import { pickerSource, recordFromForm, searchWritableActivities, writableActivity } from "../../app/obiettivo.ts";
import { holdChanges } from "../deliver.ts";
import type { ObiettivoDeps } from "../handlers.ts";
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
  pickerOptionGroups,
  reportModal,
  selectedActivityCode,
  type ReportModalMeta,
  type ViewValues,
} from "../ui/report-modal.ts";
import type { SlackMessage } from "../ui/message.ts";
import { reportRecordedMessage } from "../ui/report-reply.ts";

/**
 * The report modal's listeners. A submission is validated and recorded BEFORE ack, so any
 * problem is shown on its field (`response_action: "errors"`) and nothing typed is lost;
 * the confirmation with "Annulla" follows as a private message.
 */

type ViewAck = (
  response?:
    | { response_action: "errors"; errors: Record<string, string> }
    | { response_action: "update"; view: ModalView },
) => Promise<void>;

export interface SubmissionInput {
  userId: string;
  viewId: string;
  privateMetadata: string | undefined;
  values: ViewValues;
}

export type SubmissionOutcome =
  | { kind: "errors"; errors: Record<string, string> }
  | { kind: "update"; view: ModalView }
  | { kind: "recorded"; reply: SlackMessage; meta: ReportModalMeta };

/** Transport-free handling of a submission (tests and the console can call it as well). */
export async function handleReportSubmission(deps: ObiettivoDeps, input: SubmissionInput): Promise<SubmissionOutcome> {
  const hasPicker = input.values[REPORT_BLOCK.activity] !== undefined;
  // Errors must name a block of this view: the picker when there is one, else the status.
  const topBlock = hasPicker ? REPORT_BLOCK.activity : REPORT_BLOCK.status;
  try {
    const today = romeDay(deps.clock());
    const meta = parseReportModalMeta(input.privateMetadata);
    if (!meta) return { kind: "errors", errors: { [topBlock]: T.modalStale } };

    const picked = selectedActivityCode(input.values);
    if (hasPicker && !picked) return { kind: "errors", errors: { [REPORT_BLOCK.activity]: T.errPickActivity } };
    const code = picked ?? meta.code;
    if (!code) return { kind: "errors", errors: { [topBlock]: T.errPickActivity } };

    const w = await writableActivity(deps, { userId: input.userId, year: meta.year, code });
    if (!w) return { kind: "errors", errors: { [topBlock]: activityGone(code) } };

    // The picker changed but the form below still shows another activity: show the right form first.
    if (code !== meta.code) {
      const picker = await pickerSource(deps.db, w.actor, w.plan);
      return {
        kind: "update",
        view: reportModal({
          activity: w.activity,
          progress: w.progress,
          today,
          meta,
          picker,
          onBehalf: mayActForOthers(w.actor.role),
        }),
      };
    }

    const read = readReportSubmission(input.values, w.activity, w.progress, today);
    if (!read.ok) return { kind: "errors", errors: read.errors };
    let result;
    try {
      result = await recordFromForm(deps, w, read.report, `view:${input.viewId}`, selectedOnBehalf(input.values));
    } catch (e) {
      // A refused "Per conto di" shows under the picker, not over the whole form.
      if (e instanceof UserError && e.code.startsWith("behalf_") && selectedOnBehalf(input.values)) {
        return { kind: "errors", errors: { [REPORT_BLOCK.behalf]: e.message } };
      }
      throw e;
    }
    return { kind: "recorded", meta, reply: reportRecordedMessage(result) };
  } catch (e) {
    if (e instanceof UserError) return { kind: "errors", errors: { [topBlock]: e.textFor("slack") } };
    deps.log.error({ err: e, userId: input.userId }, "errore non previsto nel modulo di aggiornamento");
    return { kind: "errors", errors: { [topBlock]: GENERIC_ERROR_MESSAGE } };
  }
}

/** Choosing an activity in the picker: the modal becomes that activity's form, picker kept on top. */
export async function handlePickerChoice(
  deps: ObiettivoDeps,
  input: { userId: string; code: string; privateMetadata: string | undefined },
): Promise<ModalView | null> {
  const meta = parseReportModalMeta(input.privateMetadata);
  if (!meta) return null;
  const w = await writableActivity(deps, { userId: input.userId, year: meta.year, code: input.code });
  if (!w) return null;
  const picker = await pickerSource(deps.db, w.actor, w.plan);
  return reportModal({
    activity: w.activity,
    progress: w.progress,
    today: romeDay(deps.clock()),
    meta,
    picker,
    onBehalf: mayActForOthers(w.actor.role),
  });
}

/** Options of the external picker (plans too large for a static list): own area first, filtered by the query. */
export async function pickerOptions(deps: ObiettivoDeps, input: { userId: string; query: string; year?: number }) {
  return pickerOptionGroups(await searchWritableActivities(deps, input));
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
    const view = await handlePickerChoice(deps, {
      userId: body.user.id,
      code,
      privateMetadata: body.view.private_metadata,
    });
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
    const optionGroups = await pickerOptions(deps, {
      userId: body.user.id,
      query: body.value ?? "",
      year: meta?.year,
    }).catch((e: unknown) => {
      deps.log.error({ err: e }, "elenco attività del modulo non disponibile");
      return [];
    });
    await ack(optionGroups.length ? { option_groups: optionGroups } : { options: [] });
  });
}
