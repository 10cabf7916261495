import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import type { ReceivedFile } from "../../app/plan-import-request.ts";

// The plan readers (CSV, Excel, Word, PDF) load with the first document sent, not at start-up.
const planImport = () => import("../../app/plan-import-request.ts");
import { canImportPlan } from "../../domain/plan/import-permission.ts";
import { loadActor } from "../../store/users.ts";
import { UserError } from "../../errors.ts";
import { errorText } from "../../messages/errors.ts";
import type { AppDeps } from "../deps.ts";
import { listenAction, listenButton } from "../listen.ts";
import { openDirectMessage } from "../reply.ts";
import { ACTION } from "../ui/ids.ts";
import { plainMessage, type SlackMessage } from "../ui/message.ts";
import { PLAN_IMPORT_TEXT, planDecisionMessage, planPreviewMessage } from "../ui/plan-import.ts";

const buttonValue = z.object({ requestId: z.number().int().positive() });

/** The parts of a Slack file object we read (message.files[], files.info). */
const slackFile = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  title: z.string().optional(),
  size: z.number().optional(),
  url_private_download: z.string().optional(),
  url_private: z.string().optional(),
  mode: z.string().optional(),
});

/**
 * The plan sent to the bot in a direct message: a preview with "Importa" / "Annulla",
 * the import on confirmation. Slack announces one upload twice (a message with files, and
 * file_shared); the request table keeps one. App Home's button explains how and sends the template.
 */
export function registerPlanImportListeners(app: App, deps: AppDeps): void {
  app.event("message", async ({ event, client, context }) => {
    const e = event as unknown as {
      channel?: string;
      channel_type?: string;
      user?: string;
      bot_id?: string;
      subtype?: string;
      files?: unknown[];
    };
    if (e.channel_type !== "im" || !e.user || e.bot_id || !Array.isArray(e.files) || e.files.length === 0 || !e.channel)
      return;
    for (const f of e.files) {
      const parsed = slackFile.safeParse(f);
      if (parsed.success)
        await handleFile(
          client,
          deps,
          context.botToken,
          { userId: e.user, channelId: e.channel, fileId: parsed.data.id },
          true,
        );
    }
  });

  app.event("file_shared", async ({ event, client, context }) => {
    const e = event as unknown as { file_id?: string; user_id?: string; channel_id?: string };
    // Only files shared with the bot in its DM; files in channels are none of its business.
    if (!e.file_id || !e.user_id || !e.channel_id?.startsWith("D")) return;
    // The message event of the same upload answers a refusal: this one stays silent.
    await handleFile(
      client,
      deps,
      context.botToken,
      { userId: e.user_id, channelId: e.channel_id, fileId: e.file_id },
      false,
    );
  });

  for (const [actionId, confirm] of [
    [ACTION.planImportConfirm, true],
    [ACTION.planImportCancel, false],
  ] as const) {
    listenButton(
      app,
      deps,
      actionId,
      buttonValue,
      { code: "plan_import_gone" },
      {
        run: async (d, { userId, value }) =>
          (await planImport()).decidePlanImport(d.db, {
            userId,
            requestId: value.parsed.requestId,
            confirm,
            now: d.clock(),
          }),
        deliver: async (_d, { client, userId, value: { body } }, outcome) => {
          const message = planDecisionMessage(outcome);
          const channel = body.container?.channel_id ?? body.channel?.id;
          const ts = body.container?.message_ts ?? body.message?.ts;
          // The decision replaces the buttons; someone refused, or a repeated click, only gets an answer.
          if (channel && ts && outcome.kind !== "refused" && outcome.kind !== "already") {
            await client.chat.update({ channel, ts, text: message.text, blocks: message.blocks });
          } else {
            await postDm(client, userId, message, channel);
          }
        },
      },
    );
  }

  listenAction(app, deps, ACTION.planImportHelp, {
    run: async (d, { userId }) => {
      if (!canImportPlan(await loadActor(d.db, userId))) throw new UserError({ code: "plan_import_refused" });
      const { writePlanTemplate } = await import("../../plan-import/xlsx/write-template.ts");
      return writePlanTemplate(null);
    },
    deliver: async (_d, { client, userId }, template) => {
      await client.files.uploadV2({
        channel_id: await openDirectMessage(client, userId),
        file: template,
        filename: PLAN_IMPORT_TEXT.templateFilename,
        title: PLAN_IMPORT_TEXT.templateTitle,
        initial_comment: PLAN_IMPORT_TEXT.howTo,
      });
    },
  });
}

async function handleFile(
  client: WebClient,
  deps: AppDeps,
  botToken: string | undefined,
  req: { userId: string; channelId: string; fileId: string },
  answerRefusal: boolean,
): Promise<void> {
  const outcome = await (await planImport()).receivePlanFile(deps.db, {
    ...req,
    now: deps.clock(),
    // The event carries only the id: the name and the private URL come from files.info.
    async fetchFile() {
      const { file, url } = await describe(client, req.fileId);
      return {
        file,
        download: () => {
          if (!url) throw new UserError({ code: "slack_file_unavailable", reason: "no_url" });
          return downloadPrivate(url, botToken ?? deps.env.SLACK_BOT_TOKEN ?? "");
        },
      };
    },
  });
  switch (outcome.kind) {
    case "ignored":
      return;
    case "refused":
      if (answerRefusal)
        await postDm(
          client,
          req.userId,
          plainMessage(errorText({ code: "plan_import_refused" }, "slack")),
          req.channelId,
        );
      return;
    case "unreadable":
      await postDm(
        client,
        req.userId,
        plainMessage(PLAN_IMPORT_TEXT.unreadable(outcome.fileName, outcome.message)),
        req.channelId,
      );
      return;
    case "preview":
      await postDm(client, req.userId, planPreviewMessage(outcome.preview, outcome.requestId), req.channelId);
  }
}

async function describe(client: WebClient, fileId: string): Promise<{ file: ReceivedFile; url: string | undefined }> {
  let info: { file?: unknown };
  try {
    info = await client.files.info({ file: fileId });
  } catch (e) {
    const reason = (e as { data?: { error?: string } }).data?.error;
    throw new UserError({
      code: "slack_file_unavailable",
      reason: reason === "missing_scope" ? "missing_scope" : "slack_error",
      detail: reason,
    });
  }
  const f = slackFile.safeParse(info.file);
  if (!f.success) throw new UserError({ code: "slack_file_unavailable", reason: "no_file" });
  return {
    file: { id: f.data.id, name: f.data.name ?? f.data.title ?? "documento", size: f.data.size ?? null },
    url: f.data.url_private_download ?? f.data.url_private,
  };
}

/** A file's private URL answers with the file only to the bot token, in the Authorization header. */
async function downloadPrivate(url: string, token: string): Promise<Uint8Array> {
  const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` }, redirect: "manual" });
  if (res.status !== 200) {
    throw new UserError({ code: "slack_file_unavailable", reason: "not_delivered", detail: String(res.status) });
  }
  return new Uint8Array(await res.arrayBuffer());
}

async function postDm(client: WebClient, userId: string, message: SlackMessage, channel?: string): Promise<void> {
  await client.chat.postMessage({ channel: channel ?? userId, text: message.text, blocks: message.blocks });
}
