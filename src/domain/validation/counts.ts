/**
 * A percentage reported with its counts ("45/47 fonte: protocollo"): the checks every
 * surface applies, and the percentage they make. Pure.
 */

export const MAX_COUNT_VALUE = 100_000_000;
export const MAX_SOURCE_LENGTH = 200;

export type CountsCheck = { ok: true; percent: number } | { ok: false; message: string };

/** Integers from 0, denominator above 0, numerator not above the denominator. */
export function checkPercentCounts(numerator: number, denominator: number): CountsCheck {
  if (!Number.isInteger(numerator) || numerator < 0 || numerator > MAX_COUNT_VALUE) {
    return { ok: false, message: `Il numeratore deve essere un numero intero da 0 in su (per esempio 45 in «45/47»).` };
  }
  if (!Number.isInteger(denominator) || denominator < 0 || denominator > MAX_COUNT_VALUE) {
    return {
      ok: false,
      message: `Il denominatore deve essere un numero intero maggiore di zero (per esempio 47 in «45/47»).`,
    };
  }
  if (denominator === 0)
    return {
      ok: false,
      message: "Il denominatore deve essere maggiore di zero: su quante pratiche (o casi) si calcola la percentuale?",
    };
  if (numerator > denominator) {
    return {
      ok: false,
      message: `Il numeratore (${numerator}) non può superare il denominatore (${denominator}): per esempio «45/47» = 45 pratiche evase su 47.`,
    };
  }
  return { ok: true, percent: percentOf(numerator, denominator) };
}

/** 45/47 -> 95.7 (one decimal, as the Relazione prints it). */
export function percentOf(numerator: number, denominator: number): number {
  return Math.round((numerator / denominator) * 1000) / 10;
}
