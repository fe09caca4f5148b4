/**
 * Whether a request to a phone call's keypad answer (routes/api/twilio/acknowledge.ts)
 * comes from Twilio. Twilio signs what it posts with the account's auth token, in
 * `X-Twilio-Signature`: the base64 HMAC-SHA1 of the URL it posted to (query included)
 * followed by each POST field's name and value, sorted by name. The call's TwiML names the
 * channel it was made through (providers/twilio_call.ts), whose auth token checks it.
 */
import { Buffer } from "node:buffer";
import { createHmac, timingSafeEqual } from "node:crypto";
import type postgres from "postgres";
import { openRecord } from "../../lib/sealed_record.ts";
import { SealedSecretError, type SecretKey } from "../../lib/secret_box.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function twilioSignature(authToken: string, url: string, fields: URLSearchParams): string {
  const sorted = [...fields].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
  const signed = url + sorted.map(([name, value]) => name + value).join("");
  return createHmac("sha1", authToken).update(signed).digest("base64");
}

/** True when `signature` is Twilio's for this URL and these fields, by the call channel's token. */
export async function signedByTwilio(
  sql: postgres.Sql,
  keys: readonly SecretKey[],
  channelId: string,
  url: string,
  fields: URLSearchParams,
  signature: string,
): Promise<boolean> {
  if (!UUID.test(channelId) || !signature) return false;
  const [channel] = await sql`
    select config from notification_channels where id = ${channelId} and kind = 'twilio_call'`;
  if (!channel) return false;
  let token: unknown;
  try {
    token = openRecord(keys, channel.config).authToken;
  } catch (error) {
    if (error instanceof SealedSecretError) return false;
    throw error;
  }
  if (typeof token !== "string" || !token) return false;
  const expected = Buffer.from(twilioSignature(token, url, fields));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
