import type { App } from "@slack/bolt";
import { attachEvidence, evidenceTarget } from "../../app/evidence.ts";
import { assertCanRecordFindings, recordFindings } from "../../app/validation.ts";
import { requireActor } from "../../domain/permissions.ts";
import { loadActor } from "../../store/users.ts";
import type { Outcome } from "../../domain/validation/input.ts";
import { OUTCOMES } from "../../domain/validation/input.ts";
import { GENERIC_ERROR_MESSAGE, UserError } from "../../errors.ts";
import { latestFindings } from "../../store/validation.ts";
import type { ObiettivoDeps } from "../handlers.ts";
import { listenButton } from "../listen.ts";
import { tryPrivateReply } from "../reply.ts";
import { ACTION, VIEW } from "../ui/ids.ts";
import { plainMessage } from "../ui/message.ts";
import {
  EVIDENCE_BLOCK,
  EVIDENCE_ELEMENT,
  evidenceMetaSchema,
  evidenceModal,
  FINDING_BLOCK,
  FINDING_ELEMENT,
  findingModal,
  findingValueSchema,
  VALIDATION_TEXT,
} from "../ui/validation.ts";

/**
 * "Aggiungi evidenza" (button and modal) for who recorded a completion without its act,
 * and the Nucleo's findings from App Home ("Conforme", "Non conforme", "Nota" and its modal).
 * Every role is checked here, on the server: a request can be forged.
 */

const STALE = "Questo pulsante non è più valido: riapri la Home o ripeti il comando.";
const addEvidenceValue = evidenceMetaSchema.pick({ reportId: true });

function parseJson<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
  raw: string | undefined,
): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(raw ?? ""));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

type ViewValues = Record<
  string,
  Record<string, { value?: string | null; selected_option?: { value?: string } | null } | undefined>
>;

export function registerValidationListeners(app: App, deps: ObiettivoDeps): void {
  const stale = { code: "validation", reason: "stale_button", text: STALE } as const;

  listenButton(app, deps, ACTION.addEvidence, addEvidenceValue, stale, {
    // Checked before opening: the Nucleo, or who may not write the activity, is told at once.
    run: (d, { userId, value }) => evidenceTarget(d.db, { reportId: value.parsed.reportId, userId }),
    deliver: async (_d, { client, triggerId, value }, about) => {
      const container = value.body.container as { channel_id?: string } | undefined;
      await client.views.open({
        trigger_id: triggerId ?? value.body.trigger_id,
        view: evidenceModal(
          {
            reportId: value.parsed.reportId,
            code: about.code,
            responseUrl: value.body.response_url,
            channelId: container?.channel_id,
          },
          about,
        ),
      });
    },
  });

  app.view(VIEW.evidence, async ({ ack, body, view, client }) => {
    const meta = parseJson(evidenceMetaSchema, view.private_metadata);
    const values = view.state.values as ViewValues;
    if (!meta) return void (await ack({ response_action: "errors", errors: { [EVIDENCE_BLOCK.text]: STALE } }));
    const text = values[EVIDENCE_BLOCK.text]?.[EVIDENCE_ELEMENT.text]?.value ?? "";
    try {
      const saved = await attachEvidence(
        deps.db,
        { reportId: meta.reportId, userId: body.user.id, evidence: text, now: deps.clock() },
        deps.changes,
      );
      await ack();
      await tryPrivateReply(
        client,
        { userId: body.user.id, responseUrl: meta.responseUrl, channelId: meta.channelId },
        plainMessage(VALIDATION_TEXT.evidenceSaved(saved.code, saved.evidence)),
        deps.log,
      );
    } catch (e) {
      if (!(e instanceof UserError)) deps.log.error({ err: e, userId: body.user.id }, "evidenza non registrata");
      await ack({
        response_action: "errors",
        errors: { [EVIDENCE_BLOCK.text]: e instanceof UserError ? e.message : GENERIC_ERROR_MESSAGE },
      });
    }
  });

  const record = async (userId: string, year: number, code: string, outcome: Outcome, note: string | null) => {
    const actor = requireActor(await loadActor(deps.db, userId), userId);
    assertCanRecordFindings(actor);
    const now = deps.clock();
    await recordFindings(deps.db, {
      year,
      findings: [{ code, outcome, note }],
      actor: actor.slackUserId,
      origin: "slack_home",
      now,
    });
    // Refreshes the Nucleo's App Home (the home listener republishes on every change).
    deps.changes?.emit({ userId, planYear: year, activityCode: code, kind: "validation_finding" });
  };

  for (const [actionId, outcome] of [
    [ACTION.findingConforme, "conforme"],
    [ACTION.findingNonConforme, "non conforme"],
  ] as const) {
    listenButton(app, deps, actionId, findingValueSchema, stale, {
      run: (_d, { userId, value }) => record(userId, value.parsed.year, value.parsed.code, outcome, null),
      // The Nucleo's App Home is republished on the change: nothing else to say.
      deliver: async () => {},
    });
  }

  listenButton(app, deps, ACTION.findingNote, findingValueSchema, stale, {
    run: async (d, { userId, value }) => {
      assertCanRecordFindings(requireActor(await loadActor(d.db, userId), userId));
      const current = (await latestFindings(d.db, value.parsed.year)).find((f) => f.code === value.parsed.code) ?? null;
      const activity = await d.db.activity.findFirst({
        where: { code: value.parsed.code, plan: { year: value.parsed.year } },
        select: { title: true },
      });
      return {
        title: activity?.title ?? value.parsed.code,
        outcome: current?.outcome ?? null,
        note: current?.note ?? null,
      };
    },
    deliver: async (_d, { client, triggerId, value }, about) => {
      await client.views.open({
        trigger_id: triggerId ?? value.body.trigger_id,
        view: findingModal(value.parsed, about),
      });
    },
  });

  app.view(VIEW.finding, async ({ ack, body, view, client }) => {
    const value = parseJson(findingValueSchema, view.private_metadata);
    const values = view.state.values as ViewValues;
    if (!value) return void (await ack({ response_action: "errors", errors: { [FINDING_BLOCK.outcome]: STALE } }));
    const raw = values[FINDING_BLOCK.outcome]?.[FINDING_ELEMENT.outcome]?.selected_option?.value ?? "";
    const note = (values[FINDING_BLOCK.note]?.[FINDING_ELEMENT.note]?.value ?? "").trim() || null;
    if (!(OUTCOMES as readonly string[]).includes(raw)) {
      return void (await ack({
        response_action: "errors",
        errors: { [FINDING_BLOCK.outcome]: "Scegli l'esito: conforme, non conforme o nota." },
      }));
    }
    const outcome = raw as Outcome;
    if (outcome === "nota" && !note)
      return void (await ack({
        response_action: "errors",
        errors: { [FINDING_BLOCK.note]: "Con l'esito «Nota» scrivi il testo della nota." },
      }));
    try {
      await record(body.user.id, value.year, value.code, outcome, note);
      await ack();
      await tryPrivateReply(
        client,
        { userId: body.user.id },
        plainMessage(VALIDATION_TEXT.findingSaved(value.code, outcome)),
        deps.log,
      );
    } catch (e) {
      if (!(e instanceof UserError)) deps.log.error({ err: e, userId: body.user.id }, "esito non registrato");
      await ack({
        response_action: "errors",
        errors: { [FINDING_BLOCK.outcome]: e instanceof UserError ? e.message : GENERIC_ERROR_MESSAGE },
      });
    }
  });
}
