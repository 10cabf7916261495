import { UserError } from "../errors.ts";
import { ROLES, type Role } from "./permissions.ts";
import { findAreaByCode, matchArea } from "./plan/areas.ts";

export const ROLE_SCOPE_NOTE: Record<Role, string> = {
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
  const id = raw
    .trim()
    .replace(/^<@([^|>]+)(\|[^>]*)?>$/, "$1")
    .toUpperCase();
  if (!USER_ID.test(id)) {
    throw new UserError({ code: "bad_user_id", raw });
  }
  return id;
}

/** Accepts "c0123abc", "<#C0123ABC>", "<#C0123ABC|generale>". */
export function normalizeSlackChannelId(raw: string): string {
  const id = raw
    .trim()
    .replace(/^<#([^|>]+)(\|[^>]*)?>$/, "$1")
    .toUpperCase();
  if (!CHANNEL_ID.test(id)) {
    throw new UserError({ code: "bad_channel_id", raw });
  }
  return id;
}

export function parseRole(raw: string | undefined): Role {
  const r = (raw ?? "").trim().toLowerCase();
  if ((ROLES as readonly string[]).includes(r)) return r as Role;
  throw new UserError({ code: "bad_role", raw, roles: ROLES });
}

export interface PlanAreas {
  year: number;
  areas: { code: string; name: string }[];
}

export function areaChoices(p: PlanAreas): string {
  return p.areas.map((a) => `${a.code} (${a.name})`).join(", ");
}

/** An area named by code ("3", "03") or by name words ("tecnica"), checked against the plan in force. */
export function resolveArea(p: PlanAreas, raw: string): { code: string; name: string } {
  const byCode = findAreaByCode(p.areas, raw);
  if (byCode) return byCode;
  const m = matchArea(p.areas, raw);
  if (m.kind === "one") return m.area;
  if (m.kind === "many") {
    throw new UserError({
      code: "area_ambiguous",
      context: "users",
      query: raw.trim(),
      candidates: m.areas.map((a) => `${a.code} (${a.name})`).join(" o "),
    });
  }
  throw new UserError({
    code: "area_unknown",
    context: "users",
    query: raw.trim(),
    year: p.year,
    choices: areaChoices(p),
  });
}

/** "--area 01,03 --area 04" -> ["01", "03", "04"] */
export function splitAreas(raw: readonly string[]): string[] {
  return raw
    .flatMap((r) => r.split(","))
    .map((r) => r.trim())
    .filter((r) => r !== "");
}
