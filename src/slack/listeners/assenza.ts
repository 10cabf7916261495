import type { App } from "@slack/bolt";
import { z } from "zod";
import { absenceCommand } from "../../app/absences.ts";
import type { ObiettivoDeps } from "../handlers.ts";
import { listenButton, listenCommand } from "../listen.ts";
import { tryPrivateReply } from "../reply.ts";
import { absenceMessage } from "../ui/absences.ts";
import { ACTION } from "../ui/ids.ts";

/** `/assenza` and the "Annulla" buttons of its answers and of App Home. The admin uses `obiettivi assenze`. */

export const ASSENZA_COMMAND = "/assenza";

const cancelValue = z.object({ id: z.number().int().positive() });

export function registerAssenza(app: App, deps: ObiettivoDeps, onChange?: (userId: string) => void): void {
  listenCommand(app, deps, ASSENZA_COMMAND, {
    run: (d, { userId, value }) => absenceCommand(d, { userId, text: value.text ?? "" }),
    deliver: async (d, { client, target, userId }, outcome) => {
      await tryPrivateReply(client, target, absenceMessage(outcome), d.log);
      onChange?.(userId);
    },
  });
  listenButton(
    app,
    deps,
    ACTION.absenceCancel,
    cancelValue,
    { code: "stale_absence_button" },
    {
      run: (d, { userId, value }) => absenceCommand(d, { userId, text: `annulla ${value.parsed.id}` }),
      deliver: async (d, { client, target, userId }, outcome) => {
        await tryPrivateReply(client, target, absenceMessage(outcome), d.log);
        onChange?.(userId);
      },
    },
  );
}
