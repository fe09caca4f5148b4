import { z } from "zod";
import { hostnameSchema } from "./hostname.ts";

export const addStatusDomainInput = z.strictObject({
  statusPageId: z.uuid({ error: "statusPageId: not a status page id" }),
  hostname: hostnameSchema,
});

export const listStatusDomainsInput = z.strictObject({
  statusPageId: z.uuid({ error: "statusPageId: not a status page id" }),
});

export const domainIdInput = z.strictObject({ id: z.uuid({ error: "id: not a domain id" }) });

export type AddStatusDomainInput = z.infer<typeof addStatusDomainInput>;
