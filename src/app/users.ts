import type { Db } from "../db/client.ts";
import { AREA_ROLES, type Role } from "../domain/permissions.ts";
import {
  areaChoices,
  normalizeSlackChannelId,
  normalizeSlackUserId,
  parseRole,
  resolveArea,
  ROLE_SCOPE_NOTE,
  splitAreas,
  type PlanAreas,
} from "../domain/users.ts";
import { UserError } from "../errors.ts";
import { appendAudit } from "../store/audit.ts";
import { allAreaChannels, areaChannelOf, saveAreaChannel } from "../store/channels.ts";
import { planAreas } from "../store/plan.ts";
import { deleteUser, findUser, saveUser, type UserView } from "../store/users.ts";

/** Who changes users and channels, and when: for the audit trail. */
export interface ChangeContext {
  actor: string;
  now: Date;
}

function auditShape(u: UserView | null) {
  return u ? { role: u.role, areas: u.areaCodes, name: u.name } : null;
}

export interface AddUserInput {
  slackUserId: string;
  role: string | undefined;
  areas?: readonly string[];
  name?: string;
}

export interface AddUserResult {
  user: UserView;
  /** false when the user existed (role and areas were updated). */
  created: boolean;
  changed: boolean;
  notes: string[];
}

async function areasForRole(db: Db, role: Role): Promise<PlanAreas> {
  try {
    return await planAreas(db);
  } catch (e) {
    if (e instanceof UserError && e.code === "no_plan") {
      throw new UserError({ code: "no_plan", forRole: role });
    }
    throw e;
  }
}

/**
 * Adds a user, or updates the role and areas of one already there. Area staff and heads
 * need at least one area of the plan in force; other roles see every area, so areas given
 * for them are ignored (and the caller is told).
 */
export async function addUser(db: Db, input: AddUserInput, ctx: ChangeContext): Promise<AddUserResult> {
  const slackUserId = normalizeSlackUserId(input.slackUserId);
  const role = parseRole(input.role);
  const asked = splitAreas(input.areas ?? []);
  const notes: string[] = [];
  let areaCodes: string[] = [];
  if (AREA_ROLES.includes(role)) {
    const p = await areasForRole(db, role);
    if (asked.length === 0) {
      throw new UserError({ code: "area_required", role, year: p.year, choices: areaChoices(p) });
    }
    areaCodes = [...new Set(asked.map((a) => resolveArea(p, a).code))].sort();
  } else if (asked.length > 0) {
    notes.push(`Nota: --area ignorato, ${ROLE_SCOPE_NOTE[role]}.`);
  }
  const name = input.name?.trim() || undefined;

  return db.$transaction(async (tx) => {
    const before = await findUser(tx, slackUserId);
    const sameAreas = before !== null && before.areaCodes.join(",") === areaCodes.join(",");
    if (before && before.role === role && sameAreas && (name === undefined || name === before.name)) {
      return { user: before, created: false, changed: false, notes };
    }
    const after = await saveUser(tx, { slackUserId, role, name, areaCodes, now: ctx.now });
    await appendAudit(tx, {
      at: ctx.now,
      actor: ctx.actor,
      action: "user_add",
      entityType: "user",
      entityKey: slackUserId,
      before: auditShape(before),
      after: auditShape(after),
    });
    return { user: after, created: before === null, changed: true, notes };
  });
}

export async function removeUser(db: Db, rawId: string, ctx: ChangeContext): Promise<UserView> {
  const slackUserId = normalizeSlackUserId(rawId);
  return db.$transaction(async (tx) => {
    const before = await findUser(tx, slackUserId);
    if (!before) {
      throw new UserError({ code: "user_not_registered", userId: slackUserId });
    }
    await deleteUser(tx, slackUserId);
    await appendAudit(tx, {
      at: ctx.now,
      actor: ctx.actor,
      action: "user_remove",
      entityType: "user",
      entityKey: slackUserId,
      before: auditShape(before),
      after: null,
    });
    return before;
  });
}

export interface ChannelResult {
  areaCode: string;
  areaName: string;
  channelId: string;
  previous: string | null;
}

/** The Slack channel where an area's digest and reminders go. */
export async function setAreaChannel(
  db: Db,
  input: { area: string; channelId: string },
  ctx: ChangeContext,
): Promise<ChannelResult> {
  const channelId = normalizeSlackChannelId(input.channelId);
  const area = resolveArea(await planAreas(db), input.area);
  return db.$transaction(async (tx) => {
    const old = await areaChannelOf(tx, area.code);
    if (old !== channelId) {
      await saveAreaChannel(tx, area.code, channelId, ctx.now);
      await appendAudit(tx, {
        at: ctx.now,
        actor: ctx.actor,
        action: "channel_set",
        entityType: "area_channel",
        entityKey: area.code,
        before: old ? { channelId: old } : null,
        after: { channelId },
      });
    }
    return { areaCode: area.code, areaName: area.name, channelId, previous: old };
  });
}

export async function listAreaChannels(
  db: Db,
): Promise<{ areaCode: string; areaName: string | null; channelId: string | null }[]> {
  const channels = await allAreaChannels(db);
  let areas: { code: string; name: string }[] = [];
  try {
    areas = (await planAreas(db)).areas;
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
  }
  const rows = areas.map((a) => ({
    areaCode: a.code,
    areaName: a.name as string | null,
    channelId: channels.get(a.code) ?? null,
  }));
  for (const [code, channelId] of channels)
    if (!areas.some((a) => a.code === code)) rows.push({ areaCode: code, areaName: null, channelId });
  return rows;
}
