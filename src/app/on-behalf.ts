import type { Db, Tx } from "../db/client.ts";
import type { Actor } from "../domain/permissions.ts";
import { foldWord, type OnBehalf } from "../domain/progress/command-grammar.ts";
import { onBehalfRefusal } from "../domain/progress/on-behalf.ts";
import { UserError } from "../errors.ts";
import { loadActor } from "../store/users.ts";

type Reader = Db | Tx;

/** A report on someone's behalf: the person, checked against who types (domain/progress/on-behalf.ts); null when it is the typist. */
export async function resolveOnBehalf(
  db: Reader,
  actor: Actor,
  activity: { code: string; areaCode: string | null },
  who: OnBehalf,
): Promise<Actor | null> {
  const id = "userId" in who ? who.userId : await userIdByName(db, who.name);
  const person = await loadActor(db, id);
  if (!person) {
    throw new UserError({ code: "behalf_unknown_person", userId: id });
  }
  const refusal = onBehalfRefusal(actor, person, activity);
  if (refusal) throw new UserError(refusal);
  return person.slackUserId === actor.slackUserId ? null : person;
}

/** "@mario" typed without Slack's picker: a registered name, whole or its first word, in one person only. */
async function userIdByName(db: Reader, name: string): Promise<string> {
  const wanted = foldWord(name);
  const users = await db.user.findMany({ select: { slackUserId: true, name: true } });
  const hits = users.filter((u) => {
    const n = foldWord(u.name ?? "");
    return (
      n === wanted ||
      n.replace(/\s+/g, "") === wanted ||
      n.split(/\s+/)[0] === wanted ||
      u.slackUserId.toLowerCase() === wanted
    );
  });
  if (hits.length === 1) return hits[0]!.slackUserId;
  throw new UserError(
    hits.length === 0
      ? { code: "behalf_name_unknown", name }
      : { code: "behalf_name_ambiguous", name, candidates: hits.map((h) => h.name ?? h.slackUserId).join(", ") },
  );
}

export async function displayNames(db: Reader, ids: readonly string[]): Promise<Map<string, string | null>> {
  const rows = await db.user.findMany({
    where: { slackUserId: { in: [...ids] } },
    select: { slackUserId: true, name: true },
  });
  return new Map(rows.map((r) => [r.slackUserId, r.name ?? r.slackUserId]));
}
