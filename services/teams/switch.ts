/** Which team a session works in. */
import type { Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import { sha256 } from "../users/sessions.ts";

/** Makes the session `sessionToken` of `userId` work in the team `accountId`. */
export async function switchTeam(
  services: Services,
  userId: string,
  sessionToken: string,
  accountId: string,
): Promise<void> {
  const [allowed] = accountId === userId ? [true] : await services.sql`
      select 1 from account_members where account_id = ${accountId} and user_id = ${userId}`;
  if (!allowed) throw new DomainError("BAD_REQUEST", "account: you are not in that team");
  await services.sql`
    update sessions set account_id = ${accountId === userId ? null : accountId}
    where token_hash = ${await sha256(sessionToken)} and user_id = ${userId}`;
}
