import type { App } from "@slack/bolt";
import { z } from "zod";
import { documentExport, type HomeDocument, type HomeDocumentFormat } from "../../app/relazione.ts";
import { UserError } from "../../errors.ts";
import type { HeavyRunner } from "../../jobs/heavy.ts";
import type { AppDeps } from "../deps.ts";
import { listenAction, parseJsonValue } from "../listen.ts";
import { openDirectMessage } from "../reply.ts";
import { DOCUMENT_TEXT, HOME_TEXT } from "../ui/home.ts";
import { ACTION } from "../ui/ids.ts";

const exportValue = z.object({ year: z.number().int() });

/** Each App Home document button: which document, in which format. */
const BUTTONS: readonly (readonly [string, HomeDocument, HomeDocumentFormat])[] = [
  [ACTION.exportRelazione, "relazione", "xlsx"],
  [ACTION.exportRelazioneDocx, "relazione", "docx"],
  [ACTION.exportSchedeDocx, "schede", "docx"],
  [ACTION.exportSchedeXlsx, "schede", "xlsx"],
  [ACTION.exportValidazioneDocx, "validazione", "docx"],
  [ACTION.exportValidazioneXlsx, "validazione", "xlsx"],
];

/**
 * The App Home document buttons: the file is made in the heavy-work thread and sent in a
 * direct message; who presses while another export runs is told at once it is on its way.
 */
export function registerDocumentExports(app: App, deps: AppDeps & { heavy: HeavyRunner }): void {
  for (const [actionId, document, format] of BUTTONS) {
    listenAction(app, deps, actionId, {
      run: (d, { userId, value: body, client }) => {
        const parsed = parseJsonValue(exportValue, body.actions[0]?.value);
        // While another job runs the user is told at once, in the DM where the file will arrive.
        const queued = () =>
          void openDirectMessage(client, userId)
            .then((channel) => client.chat.postMessage({ channel, text: DOCUMENT_TEXT.queued[document] }))
            .catch((e: unknown) => d.log.warn({ err: e, userId }, "avviso «in preparazione» non inviato"));
        return documentExport(d.db, deps.heavy, {
          userId,
          document,
          year: parsed?.year,
          format,
          now: d.clock(),
          patron: d.env.PATRONO,
          queued,
        });
      },
      deliver: async (d, { client, userId }, made) => {
        if (made.kind === "joined") return; // the first request delivers it
        const { title, comment } =
          made.document === "schede"
            ? {
                title: DOCUMENT_TEXT.schedeTitle(made.year, made.today),
                comment: DOCUMENT_TEXT.schedeDone(made.year, made.today),
              }
            : made.document === "validazione"
              ? {
                  title: DOCUMENT_TEXT.validazioneTitle(made.year, made.today),
                  comment: DOCUMENT_TEXT.validazioneDone(made.year, made.today, made.sample),
                }
              : {
                  title: HOME_TEXT.exportTitle(made.year, made.today),
                  comment: HOME_TEXT.exportDone(made.year, made.today, made.format),
                };
        try {
          await client.files.uploadV2({
            channel_id: await openDirectMessage(client, userId),
            file: made.file,
            filename: made.filename,
            title,
            initial_comment: comment,
          });
        } catch (e) {
          d.log.error({ err: e, userId, document: made.document }, "documento non inviato");
          throw new UserError({ code: "export_failed", document: made.document });
        }
      },
    });
  }
}
