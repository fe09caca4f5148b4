/** Every provider, by kind. A new provider is one file here and one line below. */
import { discord } from "./discord.ts";
import { email } from "./email.ts";
import { googleChat } from "./google_chat.ts";
import { matrix } from "./matrix.ts";
import { ntfy } from "./ntfy.ts";
import { pagerduty } from "./pagerduty.ts";
import { pushover } from "./pushover.ts";
import { slack } from "./slack.ts";
import { teams } from "./teams.ts";
import { telegram } from "./telegram.ts";
import { twilioSms } from "./twilio_sms.ts";
import { twilioCall } from "./twilio_call.ts";
import { type ChannelKind, KINDS, type Provider } from "./types.ts";
import type { AlertEvent } from "../../../lib/incident_event.ts";
import { webhook } from "./webhook.ts";

export const providers: Record<ChannelKind, Provider> = {
  webhook,
  slack,
  discord,
  email,
  pagerduty,
  teams,
  telegram,
  ntfy,
  google_chat: googleChat,
  pushover,
  matrix,
  twilio_sms: twilioSms,
  twilio_call: twilioCall,
};

/** The kinds of channel an alert of this type does not go to (`Provider.events`). */
export const kindsWithout = (type: AlertEvent["type"]): ChannelKind[] =>
  KINDS.filter((kind) => !(providers[kind].events?.includes(type) ?? true));

/** "Slack", "Webhook", …; "Unknown" for a kind this version no longer has. */
export const kindLabel = (kind: string) => providers[kind as ChannelKind]?.label ?? "Unknown";

export { KINDS } from "./types.ts";
export type { ChannelKind, ConfigField, Outcome, Provider, SendContext } from "./types.ts";
