import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import { romeDay } from "../../domain/calendar/days.ts";
import { requireActor } from "../../domain/permissions.ts";
import { loadActor } from "../../store/users.ts";
import { UserError } from "../../errors.ts";
import { addAbsence } from "../../store/absences.ts";
import { MAX_DAYS_BEFORE, preferenceOf, setPreference } from "../../store/notifications.ts";
import type { AppDeps } from "../deps.ts";
import { ACTION, VIEW } from "../ui/ids.ts";
import { ABSENCE_FIELDS, absenceModal, preferencesModal, readAbsenceForm, readPreferenceForm } from "../ui/notice-settings.ts";

/** App Home buttons "Segnala un'assenza" and "Preferenze promemoria", and their modals. `refresh` republishes the home. */
export function registerNoticeSettings(app: App, deps: AppDeps, refresh: (userId: string) => void): void {
  app.action<BlockAction<ButtonAction>>(ACTION.absenceOpen, async ({ ack, body, client }) => {
    await ack();
    requireActor(await loadActor(deps.db, body.user.id), body.user.id);
    await client.views.open({ trigger_id: body.trigger_id, view: absenceModal(romeDay(deps.clock())) });
  });
  app.action<BlockAction<ButtonAction>>(ACTION.remindersPrefsOpen, async ({ ack, body, client }) => {
    await ack();
    requireActor(await loadActor(deps.db, body.user.id), body.user.id);
    await client.views.open({ trigger_id: body.trigger_id, view: preferencesModal(await preferenceOf(deps.db, body.user.id), deps.env.REMINDER_DAYS) });
  });

  app.view(VIEW.absence, async ({ ack, body, view }) => {
    const form = readAbsenceForm(view.state.values as Parameters<typeof readAbsenceForm>[0]);
    if (!form.from || !form.to) {
      await ack({ response_action: "errors", errors: { [form.from ? ABSENCE_FIELDS.to.block : ABSENCE_FIELDS.from.block]: "Scegli la data." } });
      return;
    }
    try {
      await addAbsence(deps.db, { userId: body.user.id, from: form.from, to: form.to, note: form.note, actor: body.user.id, now: deps.clock() });
    } catch (e) {
      if (e instanceof UserError) {
        await ack({ response_action: "errors", errors: { [ABSENCE_FIELDS.to.block]: e.message } });
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
