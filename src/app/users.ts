import type { Db, Tx } from "../db/client.ts";
import { UserError } from "../errors.ts";
import { findAreaByCode, matchArea } from "../domain/plan/areas.ts";
import { appendAudit } from "../store/audit.ts";
import { currentPlan } from "../store/plan.ts";
import { ROLES, type Role } from "../domain/permissions.ts";

type Reader = Db | Tx;

/** Who changes users and channels, and when: for the audit trail. */
export interface ChangeContext {
  actor: string;
  now: Date;
}

export interface UserView {
  slackUserId: string;
  role: Role;
  name: string | null;
  areaCodes: string[];
  createdAt: Date;
}

/** Roles that work for given areas; the others see (and, but the Nucleo, write) everything. */
export const AREA_ROLES: readonly Role[] = ["dipendente", "responsabile"];

const ROLE_SCOPE_NOTE: Record<Role, string> = {
  dipendente: "",
  responsabile: "",
  segretario: "il Segretario vede e aggiorna tutte le aree",
  admin: "l'amministratore vede e aggiorna tutte le aree",
  nucleo: "il Nucleo di Valutazione legge tutte le aree, in sola lettura",
};

/** Slack's ids as shown in a profile ("Copia ID membro"): U or W then letters and digits. */
const USER_ID = /^[UW][A-Z0-9]{2,20}$/;
const CHANNEL_ID = /^[CG][A-Z0-9]{2,20}$/;

/** Accepts what people paste: "u0123abc", "<@U0123ABC>", "<@U0123ABC|mario>". */
export function normalizeSlackUserId(raw: string): string {
  const id = raw.trim().replace(/^<@([^|>]+)(\|[^>]*)?>$/, "$1").toUpperCase();
  if (!USER_ID.test(id)) {
    throw new UserError(
      "bad_user_id",
      `ID utente Slack non valido: «${raw.trim()}». Atteso un ID come U0123ABCD (in Slack: profilo della persona → ⋮ → «Copia ID membro»).`,
    );
  }
  return id;
}

/** Accepts "c0123abc", "<#C0123ABC>", "<#C0123ABC|generale>". */
export function normalizeSlackChannelId(raw: string): string {
  const id = raw.trim().replace(/^<#([^|>]+)(\|[^>]*)?>$/, "$1").toUpperCase();
  if (!CHANNEL_ID.test(id)) {
    throw new UserError(
      "bad_channel_id",
      `ID canale Slack non valido: «${raw.trim()}». Atteso un ID come C0123ABCD (canale pubblico) o G0123ABCD (privato): in Slack apri il canale → nome del canale → in fondo «ID canale».`,
    );
  }
  return id;
}

export function parseRole(raw: string | undefined): Role {
  const r = (raw ?? "").trim().toLowerCase();
  if ((ROLES as readonly string[]).includes(r)) return r as Role;
  throw new UserError(
    "bad_role",
    raw === undefined || raw.trim() === ""
      ? `Manca il ruolo: aggiungi --ruolo <ruolo>, uno tra ${ROLES.join(", ")}.`
      : `Ruolo non valido: «${raw.trim()}». I ruoli sono: ${ROLES.join(", ")}.`,
  );
}

interface PlanAreas {
  year: number;
  areas: { code: string; name: string }[];
}

async function planAreas(db: Reader): Promise<PlanAreas> {
  const plan = await currentPlan(db);
  const areas = await db.area.findMany({
    where: { planId: plan.id, archivedAt: null },
    orderBy: { position: "asc" },
    select: { code: true, name: true },
  });
  return { year: plan.year, areas };
}

function areaChoices(p: PlanAreas): string {
  return p.areas.map((a) => `${a.code} (${a.name})`).join(", ");
}

/** An area named by code ("3", "03") or by name words ("tecnica"), checked against the plan in force. */
function resolveArea(p: PlanAreas, raw: string): { code: string; name: string } {
  const byCode = findAreaByCode(p.areas, raw);
  if (byCode) return byCode;
  const m = matchArea(p.areas, raw);
  if (m.kind === "one") return m.area;
  if (m.kind === "many") {
    throw new UserError("area_ambiguous", `L'area «${raw.trim()}» è ambigua: può essere ${m.areas.map((a) => `${a.code} (${a.name})`).join(" o ")}. Indica il codice.`);
  }
  throw new UserError("area_unknown", `Area «${raw.trim()}» non trovata nel piano ${p.year}. Aree: ${areaChoices(p)}.`);
}

function splitAreas(raw: readonly string[]): string[] {
  return raw.flatMap((r) => r.split(",")).map((r) => r.trim()).filter((r) => r !== "");
}

function view(u: { slackUserId: string; role: string; name: string | null; createdAt: Date; areas: { areaCode: string }[] }): UserView {
  return {
    slackUserId: u.slackUserId,
    role: u.role as Role,
    name: u.name,
    areaCodes: u.areas.map((a) => a.areaCode).sort(),
    createdAt: u.createdAt,
  };
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
    let p: PlanAreas;
    try {
      p = await planAreas(db);
    } catch (e) {
      if (e instanceof UserError && e.code === "no_plan") {
        throw new UserError("no_plan", `Il ruolo ${role} richiede un'area del piano, ma nessun piano è caricato. Importa prima il piano con: npx obiettivi importa <file>`);
      }
      throw e;
    }
    if (asked.length === 0) {
      throw new UserError("area_required", `Il ruolo ${role} richiede almeno un'area: aggiungi --area <codice> (ripetibile). Aree del piano ${p.year}: ${areaChoices(p)}.`);
    }
    areaCodes = [...new Set(asked.map((a) => resolveArea(p, a).code))].sort();
  } else if (asked.length > 0) {
    notes.push(`Nota: --area ignorato, ${ROLE_SCOPE_NOTE[role]}.`);
  }
  const name = input.name?.trim() || undefined;

  return db.$transaction(async (tx) => {
    const existing = await tx.user.findUnique({ where: { slackUserId }, include: { areas: true } });
    const before = existing ? view(existing) : null;
    const sameAreas = before !== null && before.areaCodes.join(",") === areaCodes.join(",");
    if (before && before.role === role && sameAreas && (name === undefined || name === before.name)) {
      return { user: before, created: false, changed: false, notes };
    }
    const saved = await tx.user.upsert({
      where: { slackUserId },
      create: { slackUserId, role, name: name ?? null, createdAt: ctx.now },
      update: { role, ...(name !== undefined ? { name } : {}) },
    });
    await tx.userArea.deleteMany({ where: { slackUserId } });
    if (areaCodes.length) await tx.userArea.createMany({ data: areaCodes.map((areaCode) => ({ slackUserId, areaCode })) });
    const after: UserView = { ...view({ ...saved, areas: areaCodes.map((areaCode) => ({ areaCode })) }) };
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
    const existing = await tx.user.findUnique({ where: { slackUserId }, include: { areas: true } });
    if (!existing) {
      throw new UserError("user_unknown", `L'utente ${slackUserId} non è registrato: niente da rimuovere. Vedi gli utenti con: npx obiettivi utenti elenco`);
    }
    const before = view(existing);
    await tx.userArea.deleteMany({ where: { slackUserId } });
    await tx.user.delete({ where: { slackUserId } });
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

const ROLE_ORDER = new Map(ROLES.map((r, i) => [r, i] as const));

/** Every registered user, by role (dipendente first, as ROLES lists them) then id. */
export async function listUsers(db: Reader): Promise<UserView[]> {
  const users = await db.user.findMany({ include: { areas: true }, orderBy: { slackUserId: "asc" } });
  return users.map(view).sort((a, b) => (ROLE_ORDER.get(a.role) ?? 99) - (ROLE_ORDER.get(b.role) ?? 99) || a.slackUserId.localeCompare(b.slackUserId));
}

export interface ChannelResult {
  areaCode: string;
  areaName: string;
  channelId: string;
  previous: string | null;
}

/** The Slack channel where an area's digest and reminders go. */
export async function setAreaChannel(db: Db, input: { area: string; channelId: string }, ctx: ChangeContext): Promise<ChannelResult> {
  const channelId = normalizeSlackChannelId(input.channelId);
  const p = await planAreas(db);
  const area = resolveArea(p, input.area);
  return db.$transaction(async (tx) => {
    const old = await tx.areaChannel.findUnique({ where: { areaCode: area.code } });
    if (old?.channelId !== channelId) {
      await tx.areaChannel.upsert({
        where: { areaCode: area.code },
        create: { areaCode: area.code, channelId, updatedAt: ctx.now },
        update: { channelId, updatedAt: ctx.now },
      });
      await appendAudit(tx, {
        at: ctx.now,
        actor: ctx.actor,
        action: "channel_set",
        entityType: "area_channel",
        entityKey: area.code,
        before: old ? { channelId: old.channelId } : null,
        after: { channelId },
      });
    }
    return { areaCode: area.code, areaName: area.name, channelId, previous: old?.channelId ?? null };
  });
}

export async function listAreaChannels(db: Reader): Promise<{ areaCode: string; areaName: string | null; channelId: string | null }[]> {
  const channels = new Map((await db.areaChannel.findMany()).map((c) => [c.areaCode, c.channelId]));
  let areas: { code: string; name: string }[] = [];
  try {
    areas = (await planAreas(db)).areas;
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
  }
  const rows = areas.map((a) => ({ areaCode: a.code, areaName: a.name as string | null, channelId: channels.get(a.code) ?? null }));
  for (const [code, channelId] of channels) if (!areas.some((a) => a.code === code)) rows.push({ areaCode: code, areaName: null, channelId });
  return rows;
}
