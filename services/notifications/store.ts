/**
 * Channels in Postgres and the shape the API returns: settings with every secret masked
 * (a webhook secret, bot token, routing key, or a webhook URL that is itself the secret).
 */
import type { z } from "zod";
import { and, eq } from "drizzle-orm";
import { notificationChannels } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import type { Database } from "../../db/postgres/client.ts";
import { DomainError, invalidInput, notFound } from "../errors.ts";
import { acceptTargetUrl } from "../websites/url_policy.ts";
import { type ChannelKind, type Provider, providers } from "./providers/mod.ts";
import { readRecord } from "../../lib/sealed_record.ts";
import type { SecretKey } from "../../lib/secret_box.ts";

export type ChannelRow = typeof notificationChannels.$inferSelect;

export interface Channel {
  id: string;
  kind: ChannelKind;
  name: string;
  /** Settings; secret fields are masked (`…abcd`). */
  config: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

/** At most this many channels per account. */
export const CHANNELS_PER_USER = 50;

/**
 * The channel as the API shows it. Settings no key of `SECRETS_KEY` opens show as none;
 * its deliveries say why they fail.
 */
export function toChannel(row: ChannelRow, keys: readonly SecretKey[], reveal = false): Channel {
  const provider = providers[row.kind as ChannelKind];
  const config = { ...readSettings(row, keys).settings };
  if (!reveal) {
    for (const field of provider?.fields ?? []) {
      if (field.secret && typeof config[field.name] === "string") {
        config[field.name] = mask(config[field.name] as string);
      }
    }
  }
  return {
    id: row.id,
    kind: row.kind as ChannelKind,
    name: row.name,
    config,
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
  };
}

/** Enough to recognise a secret, never enough to use it. */
export function mask(value: string): string {
  const tail = value.length >= 16 ? value.slice(-4) : "";
  try {
    const url = new URL(value);
    if (url.protocol === "http:" || url.protocol === "https:") return `${url.origin}/…${tail}`;
  } catch {
    // Not a URL.
  }
  return `…${tail}`;
}

/**
 * The row's settings opened (lib/sealed_record.ts), or none and why when no key of
 * `SECRETS_KEY` opens them.
 */
export function readSettings(
  row: ChannelRow,
  keys: readonly SecretKey[],
): { settings: Record<string, unknown>; problem: string | null } {
  const { value, problem } = readRecord(keys, row.config, "This channel's settings");
  return { settings: value ?? {}, problem };
}

/**
 * The row with its settings opened (lib/sealed_record.ts), for a change or a test send;
 * refused, saying why, when no key of `SECRETS_KEY` opens them.
 */
export function withOpenSettings(row: ChannelRow, keys: readonly SecretKey[]): ChannelRow {
  const { settings, problem } = readSettings(row, keys);
  if (problem) throw new DomainError("BAD_REQUEST", problem);
  return { ...row, config: settings };
}

/** `db`: `services.readDb` for a read, `services.db` before a write. */
export async function ownedChannel(
  db: Database,
  actor: Actor,
  id: string,
): Promise<ChannelRow> {
  const [row] = await db.select().from(notificationChannels)
    .where(and(eq(notificationChannels.id, id), eq(notificationChannels.ownerId, actor.accountId)));
  if (!row) throw notFound("Notification channel");
  return row;
}

/** "config.to: required", "config: unknown field "x"": where the settings went wrong. */
function settingsProblem(issue: z.core.$ZodIssue, raw: Record<string, unknown>): string {
  if (issue.code === "unrecognized_keys") {
    return `config: unknown field ${
      issue.keys.map((key) => JSON.stringify(key.slice(0, 40))).join(", ")
    }`;
  }
  const field = issue.path.length ? String(issue.path[0]) : "";
  if (!field) return `config.${issue.message}`;
  if (raw[field] === undefined) return `config.${field}: required`;
  // Provider messages already start with their field.
  return issue.message.startsWith(`${field}:`)
    ? `config.${issue.message}`
    : `config.${field}: ${issue.message}`;
}

/**
 * Validates settings with the provider's schema and vets every URL they name with the
 * monitors' SSRF policy; returns what is stored. Messages name the field at fault: all
 * of the schema's problems at once.
 */
export async function acceptSettings(
  services: Services,
  provider: Provider,
  raw: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const { config } = services;
  const unavailable = provider.unavailable?.(config.notifications);
  if (unavailable) throw new DomainError("BAD_REQUEST", `kind: ${unavailable}`);
  const parsed = provider.schema.safeParse(raw);
  if (!parsed.success) {
    // Every problem, so that a form shows each at its field; a field's same words once.
    const problems = parsed.error.issues.map((issue) => settingsProblem(issue, raw));
    throw invalidInput([...new Set(problems)]);
  }
  for (const url of provider.urls(parsed.data, config.notifications)) {
    try {
      await acceptTargetUrl(url, { allowPrivateTargets: config.allowPrivateTargets });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // The policy calls any URL "url"; the refusal belongs at the setting that holds it
      // (a Slack channel's webhookUrl), or a form has no field to show it at. A URL of the
      // deployment's own (TELEGRAM_API_URL) is no setting, and keeps "url".
      const field = Object.keys(parsed.data).find((name) => parsed.data[name] === url);
      const message = field ? error.message.replace(/^url: /, `${field}: `) : error.message;
      throw new DomainError("BAD_REQUEST", `config.${message}`);
    }
  }
  return parsed.data;
}

/** Empty strings and nulls mean "not set", as an empty form field does. */
export function withoutEmpty(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(raw).filter(([, value]) => value !== "" && value !== null),
  );
}
