import type { App } from "@slack/bolt";
import { romeDay } from "../../domain/calendar/days.ts";
import { requireActor } from "../../domain/permissions.ts";
import { loadActor } from "../../store/users.ts";
import { UserError } from "../../errors.ts";
import { addAbsence } from "../../store/absences.ts";
import { MAX_DAYS_BEFORE, preferenceOf, setPreference } from "../../store/notifications.ts";
import type { ObiettivoDeps } from "../handlers.ts";
import { listenAction } from "../listen.ts";
import { ACTION, VIEW } from "../ui/ids.ts";
import {
  ABSENCE_FIELDS,
  absenceModal,
  preferencesModal,
  readAbsenceForm,
  readPreferenceForm,
} from "../ui/notice-settings.ts";

/** App Home buttons "Segnala un'assenza" and "Preferenze promemoria", and their modals. `refresh` republishes the home. */
export function registerNoticeSettings(app: App, deps: ObiettivoDeps, refresh: (userId: string) => void): void {
  listenAction(app, deps, ACTION.absenceOpen, {
    run: async (d, { userId }) => {
      requireActor(await loadActor(d.db, userId), userId);
      return absenceModal(romeDay(d.clock()));
    },
    deliver: async (_d, { client, triggerId }, view) =>
      void (await client.views.open({ trigger_id: triggerId ?? "", view })),
  });
  listenAction(app, deps, ACTION.remindersPrefsOpen, {
    run: async (d, { userId }) => {
      requireActor(await loadActor(d.db, userId), userId);
      return preferencesModal(await preferenceOf(d.db, userId), d.env.REMINDER_DAYS);
    },
    deliver: async (_d, { client, triggerId }, view) =>
      void (await client.views.open({ trigger_id: triggerId ?? "", view })),
  });

  app.view(VIEW.absence, async ({ ack, body, view }) => {
    const form = readAbsenceForm(view.state.values as Parameters<typeof readAbsenceForm>[0]);
    if (!form.from || !form.to) {
      await ack({
        response_action: "errors",
        errors: { [form.from ? ABSENCE_FIELDS.to.block : ABSENCE_FIELDS.from.block]: "Scegli la data." },
      });
      return;
    }
    try {
      await addAbsence(deps.db, {
        userId: body.user.id,
        from: form.from,
        to: form.to,
        note: form.note,
        actor: body.user.id,
        now: deps.clock(),
      });
    } catch (e) {
      if (e instanceof UserError) {
        await ack({ response_action: "errors", errors: { [ABSENCE_FIELDS.to.block]: e.textFor("slack") } });
        return;
      }
      throw e;
    }
    await ack();
    refresh(body.user.id);
  });

  app.view(VIEW.reminderPrefs, async ({ ack, body, view }) => {
    const read = readPreferenceForm(view.state.values as Parameters<typeof readPreferenceForm>[0], MAX_DAYS_BEFORE);
    if (!read.ok) {
      await ack({ response_action: "errors", errors: read.errors });
      return;
    }
    await setPreference(deps.db, body.user.id, read.pref, deps.clock());
    await ack();
    refresh(body.user.id);
  });
}
