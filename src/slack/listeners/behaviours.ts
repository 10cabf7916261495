import type { App, StaticSelectAction } from "@slack/bolt";
import { z } from "zod";
import { assertCanEnterBehaviours, behaviourForm, setBehaviourScores } from "../../app/behaviours.ts";
import { loadActor } from "../../store/users.ts";
import { parseBehaviourScores } from "../../domain/scoring/scorecard.ts";
import { UserError } from "../../errors.ts";
import type { ObiettivoDeps } from "../handlers.ts";
import { listenAction, listenButton } from "../listen.ts";
import { openDirectMessage } from "../reply.ts";
import {
  BEHAVIOUR_TEXT,
  behaviourModal,
  criterionBlockId,
  parseBehaviourMetadata,
  parseBehaviourState,
} from "../ui/behaviour-modal.ts";
import { ACTION, VIEW } from "../ui/ids.ts";

const buttonValue = z.object({ year: z.number().int() });

/** The behaviour-score modal opened from the App Home, for the roles the SMVP allows. */
export function registerBehaviourListeners(app: App, deps: ObiettivoDeps): void {
  listenButton(
    app,
    deps,
    ACTION.behaviourScores,
    buttonValue,
    { code: "stale_button", flow: "behaviours" },
    {
      run: async (d, { userId, value }) => {
        await assertCanEnterBehaviours(d.db, await loadActor(d.db, userId), value.parsed.year);
        return behaviourForm(d.db, { year: value.parsed.year });
      },
      deliver: async (_d, { client, triggerId }, form) => {
        if (triggerId) await client.views.open({ trigger_id: triggerId, view: behaviourModal(form) });
      },
    },
  );

  // Picking a Responsabile redraws the modal with the criteria, pre-filled with what is stored.
  listenAction(app, deps, ACTION.behaviourPick, {
    run: async (d, { userId, value: body }) => {
      const meta = parseBehaviourMetadata(body.view?.private_metadata);
      const picked = (body.actions[0] as unknown as StaticSelectAction | undefined)?.selected_option?.value;
      await assertCanEnterBehaviours(d.db, await loadActor(d.db, userId), meta?.year);
      return behaviourForm(d.db, { year: meta?.year, responsabile: picked ?? null });
    },
    deliver: async (_d, { client, value: body }, form) => {
      if (body.view)
        await client.views.update({ view_id: body.view.id, hash: body.view.hash, view: behaviourModal(form) });
    },
  });

  app.view(VIEW.behaviourScores, async ({ ack, body, view, client }) => {
    const meta = parseBehaviourMetadata(view.private_metadata);
    const userId = body.user.id;
    try {
      if (!meta?.responsabile) throw new UserError({ code: "behaviour_pick_first" });
      await assertCanEnterBehaviours(deps.db, await loadActor(deps.db, userId), meta.year);
      const form = await behaviourForm(deps.db, { year: meta.year, responsabile: meta.responsabile });
      const scores = parseBehaviourState(view.state.values as Parameters<typeof parseBehaviourState>[0], form.criteria);
      // Each field checked on its own, so every wrong one shows its message under it.
      const errors: Record<string, string> = {};
      for (const [key, value] of Object.entries(scores)) {
        try {
          parseBehaviourScores({ [key]: value }, form.criteria);
        } catch (e) {
          if (e instanceof UserError)
            errors[criterionBlockId(Number(key))] = e
              .textFor("slack")
              .replace(/ Nessun punteggio è stato registrato\.$/, "");
          else throw e;
        }
      }
      if (!Object.keys(scores).length && form.criteria[0])
        errors[criterionBlockId(form.criteria[0].number)] = "Inserisci almeno un punteggio.";
      if (Object.keys(errors).length) {
        await ack({ response_action: "errors", errors });
        return;
      }
      const saved = await setBehaviourScores(deps.db, {
        year: meta.year,
        responsabile: meta.responsabile,
        scores,
        actor: userId,
        now: deps.clock(),
      });
      await ack();
      try {
        await client.chat.postMessage({
          channel: await openDirectMessage(client, userId),
          text: BEHAVIOUR_TEXT.saved(saved.responsabile, saved.total, saved.maxTotal),
        });
      } catch (e) {
        deps.log.warn({ err: e, userId }, "conferma dei comportamenti non inviata");
      }
    } catch (e) {
      const message = e instanceof UserError ? e.textFor("slack") : "Salvataggio non riuscito: riprova tra poco.";
      if (!(e instanceof UserError)) deps.log.error({ err: e, userId }, "comportamenti non salvati");
      await ack({
        response_action: "update",
        view: {
          type: "modal",
          title: { type: "plain_text", text: BEHAVIOUR_TEXT.title },
          close: { type: "plain_text", text: "Chiudi" },
          blocks: [{ type: "section", text: { type: "mrkdwn", text: message } }],
        },
      });
    }
  });
}
