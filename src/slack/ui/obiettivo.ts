import type { ModalView } from "@slack/types";
import type { ObiettivoResult, UndoneResult } from "../../app/obiettivo.ts";
import type { SlackMessage } from "./message.ts";
import { modalText, T } from "./obiettivo-strings.ts";
import { pickerModal, reportModal } from "./report-modal.ts";
import {
  chooseActivityMessage,
  errorMessage,
  helpMessage,
  historyMessage,
  reportRecordedMessage,
  reportUndoneMessage,
  unknownCodeMessage,
} from "./report-reply.ts";

/** What an /obiettivo answer becomes on a surface: a message, or a modal (`text` describes it where none can open). */
export type Outcome = { kind: "message"; message: SlackMessage } | { kind: "modal"; view: ModalView; text: string };

export function messageOutcome(m: SlackMessage): Outcome {
  return { kind: "message", message: m };
}

/** Pure: the Block Kit of each /obiettivo result. */
export function obiettivoOutcome(r: ObiettivoResult): Outcome {
  switch (r.kind) {
    case "invalid":
      return messageOutcome(errorMessage(r.message));
    case "help":
      return messageOutcome(helpMessage());
    case "picker":
      return { kind: "modal", view: pickerModal(r.source, r.meta), text: T.pickerModalText };
    case "choose":
      return messageOutcome(chooseActivityMessage(r.typed, r.activities, r.rest));
    case "unknown":
      return messageOutcome(unknownCodeMessage(r.resolution, r.year, r.rest));
    case "history":
      return messageOutcome(historyMessage(r.activity, r.progress, r.history, r.today));
    case "form":
      return {
        kind: "modal",
        view: reportModal({
          activity: r.activity,
          progress: r.progress,
          today: r.today,
          meta: r.meta,
          onBehalf: r.onBehalf,
        }),
        text: modalText(r.activity),
      };
    case "recorded":
      return messageOutcome(
        reportRecordedMessage({
          activity: r.activity,
          report: r.report,
          progress: r.progress,
          today: r.today,
          duplicate: r.duplicate,
          evidenceNeed: r.evidenceNeed,
          names: r.names,
        }),
      );
  }
}

export function undoneOutcome(r: UndoneResult): Outcome {
  return messageOutcome(reportUndoneMessage(r));
}
