/**
 * A JSON object that may hold secrets, as stored: sealed whole under `SECRETS_KEY`
 * (lib/secret_box.ts) as `{"$sealed": "sealed:v1:…"}`, or as given when no key is set or
 * there is nothing in it. Alert channels' settings and monitors' request headers are kept
 * this way (a monitor's request body, a text, as `sealed:v1:…` itself: `readSealedText`).
 * Every reader opens them here, so a value saved before a key was set (or under an older
 * key still listed) keeps working.
 */
import { isSealed, open, seal, SealedSecretError, type SecretKey } from "./secret_box.ts";

const FIELD = "$sealed";

export function sealRecord<T extends Record<string, unknown>>(
  keys: readonly SecretKey[],
  value: T,
): T | { [FIELD]: string } {
  return keys.length && Object.keys(value).length
    ? { [FIELD]: seal(keys, JSON.stringify(value)) }
    : value;
}

/** The value of `stored`; throws SealedSecretError when no listed key opens it. */
export function openRecord<T extends Record<string, unknown>>(
  keys: readonly SecretKey[],
  stored: T | { [FIELD]?: unknown },
): T {
  const sealed = (stored as { [FIELD]?: unknown })[FIELD];
  return isSealed(sealed) ? JSON.parse(open(keys, sealed)) : stored as T;
}

/** The sealed text of `stored`, or null when it is kept in plain. */
export function sealedText(stored: Record<string, unknown>): string | null {
  const sealed = stored[FIELD];
  return isSealed(sealed) ? sealed : null;
}

/**
 * {@link openRecord}, or null and why (in a sentence about `what`) when no listed key
 * opens it: for readers that go on without it and say so.
 */
export function readRecord<T extends Record<string, unknown>>(
  keys: readonly SecretKey[],
  stored: T | { [FIELD]?: unknown },
  what: string,
): { value: T; problem: null } | { value: null; problem: string } {
  try {
    return { value: openRecord(keys, stored), problem: null };
  } catch (error) {
    if (!(error instanceof SealedSecretError)) throw error;
    return { value: null, problem: `${what} are ${error.message}` };
  }
}

/**
 * A text that may be sealed (lib/secret_box.ts), opened; or null and why (in a sentence
 * about `what`) when no listed key opens it.
 */
export function readSealedText(
  keys: readonly SecretKey[],
  stored: string | null,
  what: string,
): { value: string | null; problem: string | null } {
  try {
    return { value: stored && open(keys, stored), problem: null };
  } catch (error) {
    if (!(error instanceof SealedSecretError)) throw error;
    return { value: null, problem: `${what} is ${error.message}` };
  }
}
