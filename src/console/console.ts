import { createInterface } from "node:readline";
import type { ChangeBus } from "../app/events.ts";
import { normalizeWords } from "../domain/plan/areas.ts";
import type { Actor } from "../domain/permissions.ts";
import { loadActor } from "../store/users.ts";
import { currentPlan, planOverview } from "../store/plan.ts";
import { addUser } from "../app/users.ts";
import { findUser, listUsers } from "../store/users.ts";
import { userMessageOf, UserError } from "../errors.ts";
import {
  handleChosenActivity,
  handleCompleteButton,
  handleObiettivo,
  handleUndo,
  handleUpdateButton,
  type Outcome,
} from "../slack/handlers.ts";
import { buildSharedStatus, handleStato } from "../slack/handlers.ts";
import type { AppDeps } from "../slack/deps.ts";
import { ACTION } from "../slack/ui/ids.ts";
import { attachEvidence, evidenceTarget } from "../app/evidence.ts";
import type { SlackMessage } from "../slack/ui/message.ts";
import { renderMessage, viewToText, type RenderedButton } from "./render.ts";
import { absenceCommand, type AbsenceOutcome } from "../app/absences.ts";
import { absenceMessage } from "../slack/ui/absences.ts";
import { plainMessage } from "../slack/ui/message.ts";

/** /assenza in the console: a refusal is shown like any other answer. */
function absenceMessageOrError(r: AbsenceOutcome | unknown): SlackMessage {
  if (r && typeof r === "object" && "kind" in r) return absenceMessage(r as AbsenceOutcome);
  return plainMessage(userMessageOf(r, "console"));
}

/**
 * The local console (no Slack tokens): type what you would type in Slack, as any user,
 * and read the same replies, produced by the same handlers, as text.
 */

export type ConsoleDeps = AppDeps & {
  changes: ChangeBus;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
};

/** Who the console acts as until `utente <ID>`: created here only, never in Slack modes. */
export const DEMO_USER_ID = "UDEMO";
const DEMO_USER_ROLE = "segretario";
const CONSOLE_ACTOR = "console";

const ROLE_SCOPE: Record<string, string> = {
  dipendente: "aggiorna le attività della sua area e quelle dell'ente",
  responsabile: "aggiorna le attività della sua area e quelle dell'ente",
  segretario: "vede e aggiorna tutte le aree",
  admin: "vede e aggiorna tutte le aree",
  nucleo: "legge tutto, in sola lettura",
};

const S = {
  title: "Obiettivi · console locale (nessun token Slack: le risposte sono quelle che il bot darebbe in Slack)",
  noPlan: "Nessun piano caricato. Importane uno con: npx obiettivi importa <file>",
  plan: (entity: string, year: number, areas: number, objectives: number, activities: number) =>
    `Piano ${year} · ${entity}: ${areas} aree, ${objectives} obiettivi, ${activities} attività.`,
  youAre: (who: string) => `Sei ${who}. Cambia utente con «utente <ID Slack>».`,
  tryThese: "Prova:",
  helpHint: "Scrivi «aiuto» per i comandi, «esci» per uscire.",
  help: [
    "Comandi della console:",
    "  /obiettivo <codice> <aggiornamento>   come in Slack, per esempio «/obiettivo 3.1.2 completato», «/obiettivo 3.1.2 60%»",
    "  /obiettivo aiuto                      la grammatica completa di /obiettivo",
    "  /stato [area | ente]                  lo stato di un'area, dell'ente o di tutte le aree",
    "  /assenza dal 10/08/2025 al 25/08/2025  registra un'assenza (anche «/assenza elenco», «/assenza annulla 3»)",
    "  premi <N>  (o solo N)                 preme il pulsante [N: …] dell'ultima risposta",
    "  evidenza <atto o link>                dopo «Aggiungi evidenza»: l'evidenza della segnalazione",
    "  utente <ID Slack>                     agisci come un altro utente (anche non registrato, per vedere il rifiuto)",
    "  utente                                chi sei ora",
    "  utenti                                gli utenti registrati",
    "  esci                                  chiude la console",
  ].join("\n"),
  bye: "Arrivederci.",
  evidencePrompt: (code: string, acts: string | null) =>
    `Scrivi «evidenza <numero dell'atto o link>» per aggiungerla alla segnalazione di ${code}${acts ? ` (serve ${acts})` : ""}, per esempio «evidenza Det. n. 245/2024».`,
  evidenceNone: "Nessuna segnalazione a cui aggiungere l'evidenza: premi prima «Aggiungi evidenza» sotto una risposta.",
  evidenceSaved: (code: string, evidence: string) => `Evidenza aggiunta a ${code}: ${evidence}.`,
  unknown: (line: string) => `Comando non riconosciuto: «${line}». Scrivi «aiuto» per l'elenco dei comandi.`,
  badUserId: (raw: string) => `«${raw}» non sembra un ID utente Slack: atteso per esempio U0123ABCD.`,
  nowYouAre: (who: string) => `Ora sei ${who}.`,
  unregistered: (id: string) =>
    `${id} (non registrato: i comandi risponderanno come a una persona che il bot non conosce; per registrarlo: npx obiettivi utenti aggiungi ${id} --ruolo <ruolo>)`,
  noButtons: "L'ultima risposta non ha pulsanti da premere.",
  noSuchButton: (n: number, max: number) => `Non c'è un pulsante ${n}: l'ultima risposta ne ha ${max} (da 1 a ${max}).`,
  slackOnly: (label: string) => `Il pulsante «${label}» funziona solo in Slack.`,
  modal:
    "In Slack si aprirebbe questa finestra (nella console registra con il comando, per esempio «/obiettivo <codice> 60%»):",
  shared: "In Slack questo messaggio verrebbe pubblicato nel canale in cui hai scritto /stato:",
  noUsers: "Nessun utente registrato.",
} as const;

function describeActor(id: string, actor: Actor | null): string {
  if (!actor) return S.unregistered(id);
  const areas = actor.areaCodes.length ? `, area ${actor.areaCodes.join(", ")}` : "";
  return `${id} (${actor.role}${areas}: ${ROLE_SCOPE[actor.role] ?? ""})`;
}

/** One console: who is acting, and the buttons of the last reply. Drives the real handlers. */
export class ConsoleSession {
  private userId = DEMO_USER_ID;
  private buttons: RenderedButton[] = [];
  /** The report «Aggiungi evidenza» was pressed for: the next «evidenza <testo>» goes to it. */
  private evidenceFor: number | null = null;

  private readonly deps: ConsoleDeps & { surface: "console" };
  constructor(deps: ConsoleDeps) {
    this.deps = { ...deps, surface: "console" };
  }

  get currentUser(): string {
    return this.userId;
  }

  /** Creates the demo user through the users service (audited) if it is not there yet. */
  async ensureDemoUser(): Promise<void> {
    const existing = await findUser(this.deps.db, DEMO_USER_ID);
    if (existing) return;
    await addUser(
      this.deps.db,
      { slackUserId: DEMO_USER_ID, role: DEMO_USER_ROLE, name: "Utente dimostrativo" },
      { actor: CONSOLE_ACTOR, now: this.deps.clock() },
    );
  }

  async welcome(): Promise<string> {
    const lines: string[] = [S.title];
    const db = this.deps.db;
    try {
      const plan = await currentPlan(db);
      const { areas, objectives, activities, example } = await planOverview(db, plan);
      lines.push(S.plan(plan.entity, plan.year, areas.length, objectives, activities));
      const areaWord = exampleAreaWord(example?.areaName ?? areas[0]?.name ?? "");
      lines.push(S.youAre(describeActor(this.userId, await loadActor(db, this.userId))));
      lines.push(S.tryThese);
      if (areaWord) lines.push(`  /stato ${areaWord}`);
      if (example) lines.push(`  /obiettivo ${example.code} completato`);
      lines.push("  utente U0123ABCD");
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      lines.push(S.noPlan);
      lines.push(S.youAre(describeActor(this.userId, await loadActor(db, this.userId))));
    }
    lines.push(S.helpHint);
    return lines.join("\n");
  }

  /** Runs one typed line; `exit` when the user is done. */
  async handle(rawLine: string): Promise<{ output: string; exit: boolean }> {
    const line = rawLine.trim();
    if (line === "") return { output: "", exit: false };
    try {
      return { output: await this.dispatch(line), exit: /^(esci|exit|quit|\/esci)$/i.test(line) };
    } catch (e) {
      if (!(e instanceof UserError))
        this.deps.log.error({ err: e, userId: this.userId }, "console: comando non riuscito");
      return { output: userMessageOf(e, "console"), exit: false };
    }
  }

  private async dispatch(line: string): Promise<string> {
    const [word = "", ...restWords] = line.split(/\s+/);
    const rest = line.slice(word.length).trim();
    switch (word.toLowerCase()) {
      case "esci":
      case "exit":
      case "quit":
      case "/esci":
        return S.bye;
      case "aiuto":
      case "help":
      case "?":
        return S.help;
      case "utente":
        return this.switchUser(restWords[0]);
      case "utenti":
        return this.users();
      case "/obiettivo":
      case "obiettivo":
        return this.show(await handleObiettivo(this.deps, { userId: this.userId, text: rest, source: "console" }));
      case "/stato":
      case "stato":
        return this.showMessage(await handleStato(this.deps, { userId: this.userId, text: rest }));
      case "/assenza":
      case "assenza":
        return this.showMessage(
          absenceMessageOrError(
            await absenceCommand(this.deps, { userId: this.userId, text: rest }).catch((e: unknown) => e),
          ),
        );
      case "premi":
        return this.press(restWords[0]);
      case "evidenza": {
        if (this.evidenceFor === null) return S.evidenceNone;
        const saved = await attachEvidence(
          this.deps.db,
          { reportId: this.evidenceFor, userId: this.userId, evidence: rest, now: this.deps.clock() },
          this.deps.changes,
        );
        this.evidenceFor = null;
        return S.evidenceSaved(saved.code, saved.evidence);
      }
      default:
        if (/^\d+$/.test(word) && restWords.length === 0) return this.press(word);
        return S.unknown(line.length > 80 ? `${line.slice(0, 79)}…` : line);
    }
  }

  private async switchUser(raw: string | undefined): Promise<string> {
    if (!raw) return S.youAre(describeActor(this.userId, await loadActor(this.deps.db, this.userId)));
    const id = raw.replace(/^<@([^|>]+)(\|[^>]*)?>$/, "$1").toUpperCase();
    if (!/^[UW][A-Z0-9]{1,20}$/.test(id)) return S.badUserId(raw);
    this.userId = id;
    this.buttons = [];
    return S.nowYouAre(describeActor(id, await loadActor(this.deps.db, id)));
  }

  private async users(): Promise<string> {
    const list = await listUsers(this.deps.db);
    if (list.length === 0) return S.noUsers;
    return list
      .map(
        (u) =>
          `  ${u.slackUserId.padEnd(12)} ${u.role.padEnd(12)} ${u.areaCodes.join(", ") || "tutte le aree"}${u.name ? ` · ${u.name}` : ""}`,
      )
      .join("\n");
  }

  private show(outcome: Outcome): string {
    if (outcome.kind === "modal") {
      this.buttons = [];
      return `${S.modal}\n${viewToText(outcome.view)}`;
    }
    return this.showMessage(outcome.message);
  }

  private showMessage(message: SlackMessage): string {
    const r = renderMessage(message);
    this.buttons = r.buttons;
    return r.text;
  }

  private async press(raw: string | undefined): Promise<string> {
    if (this.buttons.length === 0) return S.noButtons;
    const n = Number(raw);
    const button = this.buttons.find((b) => b.number === n);
    if (!button) return S.noSuchButton(Number.isFinite(n) ? n : 0, this.buttons.length);
    const value = parseValue(button.value);
    const userId = this.userId;
    switch (button.actionId) {
      case ACTION.reportUndo:
        return this.show((await handleUndo(this.deps, { userId, reportId: Number(value.reportId) })).outcome);
      case ACTION.chooseActivity:
        return this.show(
          await handleChosenActivity(this.deps, {
            userId,
            year: Number(value.year),
            code: String(value.code),
            rest: String(value.rest ?? ""),
          }),
        );
      case ACTION.activityComplete:
        return this.show(
          await handleCompleteButton(this.deps, { userId, year: Number(value.year), code: String(value.code) }),
        );
      case ACTION.activityUpdate:
        return this.show(
          await handleUpdateButton(this.deps, { userId, year: Number(value.year), code: String(value.code) }),
        );
      case ACTION.addEvidence: {
        const target = await evidenceTarget(this.deps.db, { reportId: Number(value.reportId), userId });
        this.evidenceFor = Number(value.reportId);
        return S.evidencePrompt(target.code, target.acts);
      }
      case ACTION.shareStatus: {
        const shared = await buildSharedStatus(this.deps, { userId, value: button.value });
        if (shared.kind === "refused") return this.showMessage(shared.message);
        return `${S.shared}\n${renderMessage(shared.message, false).text}`;
      }
      default:
        return S.slackOnly(button.label);
    }
  }
}

function parseValue(value: string | undefined): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(value ?? "{}");
    return v && typeof v === "object" ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A word of the area's name that /stato understands ("Area Tecnico Manutentiva" -> "tecnico"). */
function exampleAreaWord(name: string): string {
  return normalizeWords(name).find((w) => w !== "area" && w.length >= 4) ?? "";
}

/**
 * Reads lines from `input` (a terminal, or piped text: tests and demos) until «esci» or the
 * end of input. With piped input each line is echoed after "> " so the output reads as a transcript.
 */
export async function startConsole(deps: ConsoleDeps): Promise<void> {
  const input = deps.input ?? process.stdin;
  const output = deps.output ?? process.stdout;
  const interactive = Boolean((input as { isTTY?: boolean }).isTTY && (output as { isTTY?: boolean }).isTTY);
  const write = (text: string) => {
    if (text !== "") output.write(text.endsWith("\n") ? text : `${text}\n`);
  };

  const session = new ConsoleSession(deps);
  await session.ensureDemoUser();
  write(await session.welcome());

  const rl = createInterface({ input, output: interactive ? output : undefined, terminal: interactive });
  // Ctrl+C at the prompt ends the console like «esci» (readline would otherwise only pause).
  rl.on("SIGINT", () => rl.close());
  const prompt = () => {
    if (!interactive) return;
    rl.setPrompt(`${session.currentUser}> `);
    rl.prompt();
  };
  prompt();
  try {
    for await (const line of rl) {
      if (!interactive && line.trim() !== "") write(`\n> ${line.trim()}`);
      const r = await session.handle(line);
      write(r.output);
      if (r.exit) break;
      prompt();
    }
  } finally {
    rl.close();
  }
}
