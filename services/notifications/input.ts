/** What callers may send to the notification services, checked before any query runs. */
import { z } from "zod";
import { KINDS } from "./providers/types.ts";

const id = z.uuid({ error: "id: not a valid channel id" });

const name = z.string({ error: "name: expected a string" }).trim()
  .min(1, "name: required")
  .max(100, "name: at most 100 characters");

// The provider's own schema checks the fields; this only bounds the shape and size.
const config = z.record(
  // The API names the field before these ("config.url: must be a string").
  z.string().max(64, "a field name is at most 64 characters"),
  z.union([z.string().max(4096, "at most 4096 characters"), z.null()], {
    error: "must be a string",
  }),
  { error: "config: expected an object of settings" },
).refine((record) => Object.keys(record).length <= 20, { error: "config: at most 20 fields" });

export const createChannelInput = z.strictObject({
  kind: z.enum(KINDS, { error: `kind: expected one of ${KINDS.join(", ")}` }),
  name,
  config: config.default({}),
});

/** `config` is merged into the stored settings; an empty secret keeps the stored one. */
export const updateChannelInput = z.strictObject({
  id,
  name: name.optional(),
  config: config.optional(),
});

export const channelIdInput = z.strictObject({ id });

export type CreateChannelInput = z.output<typeof createChannelInput>;
export type UpdateChannelInput = z.output<typeof updateChannelInput>;
