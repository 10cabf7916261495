import type { Db, Tx } from "../db/client.ts";
import { ROLES, type Actor, type Role } from "../domain/permissions.ts";

type Reader = Db | Tx;

export interface UserView {
  slackUserId: string;
  role: Role;
  name: string | null;
  areaCodes: string[];
  createdAt: Date;
}

export async function loadActor(db: Reader, slackUserId: string): Promise<Actor | null> {
  // Raw SQL: every command and button asks this, and the ORM's query compiler costs ~0.5 ms more each time.
  const rows = await db.$queryRaw<{ role: string; areaCode: string | null }[]>`
    SELECT u.role AS role, ua.areaCode AS areaCode
    FROM "User" u LEFT JOIN "UserArea" ua ON ua.slackUserId = u.slackUserId
    WHERE u.slackUserId = ${slackUserId}
    ORDER BY ua.areaCode`;
  const first = rows[0];
  if (!first) return null;
  return {
    slackUserId,
    role: first.role as Role,
    areaCodes: rows.flatMap((r) => (r.areaCode === null ? [] : [r.areaCode])),
  };
}

function view(u: {
  slackUserId: string;
  role: string;
  name: string | null;
  createdAt: Date;
  areas: { areaCode: string }[];
}): UserView {
  return {
    slackUserId: u.slackUserId,
    role: u.role as Role,
    name: u.name,
    areaCodes: u.areas.map((a) => a.areaCode).sort(),
    createdAt: u.createdAt,
  };
}

export async function findUser(db: Reader, slackUserId: string): Promise<UserView | null> {
  const u = await db.user.findUnique({ where: { slackUserId }, include: { areas: true } });
  return u ? view(u) : null;
}

/** Creates the user or updates role, name (when given) and areas (replaced). */
export async function saveUser(
  tx: Tx,
  u: { slackUserId: string; role: Role; name: string | undefined; areaCodes: string[]; now: Date },
): Promise<UserView> {
  const saved = await tx.user.upsert({
    where: { slackUserId: u.slackUserId },
    create: { slackUserId: u.slackUserId, role: u.role, name: u.name ?? null, createdAt: u.now },
    update: { role: u.role, ...(u.name !== undefined ? { name: u.name } : {}) },
  });
  await tx.userArea.deleteMany({ where: { slackUserId: u.slackUserId } });
  if (u.areaCodes.length)
    await tx.userArea.createMany({ data: u.areaCodes.map((areaCode) => ({ slackUserId: u.slackUserId, areaCode })) });
  return view({ ...saved, areas: u.areaCodes.map((areaCode) => ({ areaCode })) });
}

export async function deleteUser(tx: Tx, slackUserId: string): Promise<void> {
  await tx.userArea.deleteMany({ where: { slackUserId } });
  await tx.user.delete({ where: { slackUserId } });
}

const ROLE_ORDER = new Map(ROLES.map((r, i) => [r, i] as const));

/** Every registered user, by role (dipendente first, as ROLES lists them) then id. */
export async function listUsers(db: Reader): Promise<UserView[]> {
  const users = await db.user.findMany({ include: { areas: true }, orderBy: { slackUserId: "asc" } });
  return users
    .map(view)
    .sort(
      (a, b) =>
        (ROLE_ORDER.get(a.role) ?? 99) - (ROLE_ORDER.get(b.role) ?? 99) || a.slackUserId.localeCompare(b.slackUserId),
    );
}

/** Slack id -> name (null when none was given), for showing who did what. */
export async function userNames(db: Reader): Promise<Map<string, string | null>> {
  const users = await db.user.findMany({ select: { slackUserId: true, name: true } });
  return new Map(users.map((u) => [u.slackUserId, u.name]));
}
