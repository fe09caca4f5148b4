/**
 * A channel's settings as stored: sealed whole under `SECRETS_KEY` (lib/secret_box.ts) as
 * `{"$sealed": "sealed:v1:…"}`, or as given when no key is set. Every reader opens them
 * here, so a channel saved before a key was set (or under an older key still listed)
 * keeps working.
 */
import { isSealed, open, seal, type SecretKey } from "../../lib/secret_box.ts";

const FIELD = "$sealed";

export function sealSettings(
  keys: readonly SecretKey[],
  settings: Record<string, unknown>,
): Record<string, unknown> {
  return keys.length ? { [FIELD]: seal(keys, JSON.stringify(settings)) } : settings;
}

/** The settings of `stored`; throws SealedSecretError when no listed key opens them. */
export function openSettings(
  keys: readonly SecretKey[],
  stored: Record<string, unknown>,
): Record<string, unknown> {
  const sealed = stored[FIELD];
  return isSealed(sealed) ? JSON.parse(open(keys, sealed)) : stored;
}
