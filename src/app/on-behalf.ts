import type { Db, Tx } from "../db/client.ts";
import type { Actor } from "../domain/permissions.ts";
import { foldWord, type OnBehalf } from "../domain/progress/command-grammar.ts";
import { onBehalfRefusal } from "../domain/progress/on-behalf.ts";
import { UserError } from "../errors.ts";
import { loadActor } from "../store/users.ts";

type Reader = Db | Tx;

/** A report on someone's behalf: the person, checked against who types (domain/progress/on-behalf.ts); null when it is the typist. */
export async function resolveOnBehalf(db: Reader, actor: Actor, activity: { code: string; areaCode: string | null }, who: OnBehalf): Promise<Actor | null> {
  const id = "userId" in who ? who.userId : await userIdByName(db, who.name);
  const person = await loadActor(db, id);
  if (!person) {
    throw new UserError("unknown_user", `<@${id}> non è registrato nel bot: chiedi al Segretario di aggiungerlo prima di registrare per suo conto.`);
  }
  const refusal = onBehalfRefusal(actor, person, activity);
  if (refusal) throw new UserError("forbidden", refusal);
  return person.slackUserId === actor.slackUserId ? null : person;
}

/** "@mario" typed without Slack's picker: a registered name, whole or its first word, in one person only. */
async function userIdByName(db: Reader, name: string): Promise<string> {
  const wanted = foldWord(name);
  const users = await db.user.findMany({ select: { slackUserId: true, name: true } });
  const hits = users.filter((u) => {
    const n = foldWord(u.name ?? "");
    return n === wanted || n.replace(/\s+/g, "") === wanted || n.split(/\s+/)[0] === wanted || u.slackUserId.toLowerCase() === wanted;
  });
  if (hits.length === 1) return hits[0]!.slackUserId;
  throw new UserError(
    hits.length === 0 ? "unknown_user" : "ambiguous_user",
    hits.length === 0
      ? `Non trovo «@${name}» tra gli utenti del bot: scegli il collega dal menu di Slack scrivendo @ (per esempio «/obiettivo 3.1.2 completato per @Mario»).`
      : `«@${name}» indica più persone (${hits.map((h) => h.name ?? h.slackUserId).join(", ")}): scegli il collega dal menu di Slack scrivendo @.`,
  );
}

export async function displayNames(db: Reader, ids: readonly string[]): Promise<Map<string, string | null>> {
  const rows = await db.user.findMany({ where: { slackUserId: { in: [...ids] } }, select: { slackUserId: true, name: true } });
  return new Map(rows.map((r) => [r.slackUserId, r.name ?? r.slackUserId]));
}
