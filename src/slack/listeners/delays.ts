import type { App } from "@slack/bolt";
import { z } from "zod";
import { romeDay } from "../../domain/calendar/days.ts";
import { DelayValidationError, validateDelayInput } from "../../domain/delays/delays.ts";
import { delayActivityFor, recordDelayExplanation } from "../../app/delays.ts";
import type { ChangeBus } from "../../app/events.ts";
import { UserError } from "../../errors.ts";
import { errorText } from "../../messages/errors.ts";
import type { AppDeps } from "../deps.ts";
import { listenButton } from "../listen.ts";
import {
  delayAnsweredMessage,
  delayErrorsByBlock,
  delayModal,
  delayProblemView,
  DELAY_FIELDS,
  parseDelayMetadata,
  parseDelayState,
} from "../ui/delay-modal.ts";
import { ACTION, VIEW } from "../ui/ids.ts";

const buttonValue = z.object({ year: z.number().int(), code: z.string().min(1) });

/** Listeners of the delay-cause flow ("Spiega il ritardo" button and its modal). */
export function registerDelayListeners(app: App, deps: AppDeps & { changes?: ChangeBus }): void {
  listenButton(
    app,
    deps,
    ACTION.delayExplain,
    buttonValue,
    { code: "stale_button", flow: "delay" },
    {
      // Checked before opening: someone who may not write the activity sees why at once.
      run: (d, { userId, value }) =>
        delayActivityFor(d.db, { year: value.parsed.year, code: value.parsed.code, userId, today: romeDay(d.clock()) }),
      deliver: async (_d, { client, triggerId, value }, activity) => {
        const container = value.body.container as
          | { channel_id?: string; message_ts?: string; is_ephemeral?: boolean }
          | undefined;
        const fromMessage = container?.channel_id && container.message_ts && !container.is_ephemeral;
        await client.views.open({
          trigger_id: triggerId ?? value.body.trigger_id,
          view: delayModal(activity, {
            year: value.parsed.year,
            code: activity.code,
            ...(fromMessage ? { channel: container.channel_id, ts: container.message_ts } : {}),
          }),
        });
      },
    },
  );

  app.view(VIEW.delayExplanation, async ({ ack, body, view, client }) => {
    const meta = parseDelayMetadata(view.private_metadata);
    if (!meta) {
      await ack({
        response_action: "update",
        view: delayProblemView(errorText({ code: "stale_button", flow: "delay" }, "slack")),
      });
      return;
    }
    const now = deps.clock();
    const today = romeDay(now);
    const input = parseDelayState(view.state.values as Parameters<typeof parseDelayState>[0]);
    const checked = validateDelayInput(input, today);
    if (!checked.ok) {
      await ack({ response_action: "errors", errors: delayErrorsByBlock(checked.errors) });
      return;
    }
    let saved;
    try {
      saved = await recordDelayExplanation(
        deps.db,
        { ...input, year: meta.year, code: meta.code, userId: body.user.id, now, today },
        deps.changes,
      );
    } catch (e) {
      if (e instanceof DelayValidationError) {
        await ack({ response_action: "errors", errors: delayErrorsByBlock(e.errors) });
        return;
      }
      if (e instanceof UserError) {
        // As the report modal does: the reason shows on the form, over its first field.
        await ack({ response_action: "errors", errors: { [DELAY_FIELDS.cause.block]: e.textFor("slack") } });
        return;
      }
      await ack({
        response_action: "errors",
        errors: { [DELAY_FIELDS.explanation.block]: "Non è stato possibile registrare la causa: riprova tra poco." },
      });
      throw e;
    }
    await ack();
    const answered = delayAnsweredMessage(saved.activity, saved.value, body.user.id, today);
    try {
      if (meta.channel && meta.ts) await client.chat.update({ channel: meta.channel, ts: meta.ts, ...answered });
      else await client.chat.postMessage({ channel: body.user.id, ...answered });
    } catch (e) {
      // The cause is stored; a message that cannot be updated (deleted, too old) is not worth an error to the user.
      deps.log.warn(
        { err: e, code: meta.code },
        "causa del ritardo registrata, ma il messaggio di conferma non è stato inviato",
      );
    }
  });
}
