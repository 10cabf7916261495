import type { App } from "@slack/bolt";
import { z } from "zod";
import { snoozeNotice } from "../../app/snooze.ts";
import type { ObiettivoDeps } from "../handlers.ts";
import { listenButton } from "../listen.ts";
import { tryPrivateReply } from "../reply.ts";
import { ACTION } from "../ui/ids.ts";
import { SNOOZE_DAYS, snoozedMessage } from "../ui/reminders.ts";

const snoozeValue = z.object({
  year: z.number().int(),
  code: z.string().min(1).max(64),
  kind: z.enum(["reminder", "question"]),
});

/** "Ricordamelo tra 3 giorni" on a reminder or an overdue question. */
export function registerSnooze(app: App, deps: ObiettivoDeps): void {
  listenButton(
    app,
    deps,
    ACTION.snooze,
    snoozeValue,
    { code: "stale_snooze_button" },
    {
      run: (d, { userId, value }) => snoozeNotice(d, { userId, ...value.parsed, days: SNOOZE_DAYS }),
      deliver: (d, { client, target }, r) => tryPrivateReply(client, target, snoozedMessage(r.code, r.day), d.log),
    },
  );
}
