/**
 * `/invite?token=…`: an invitation to a team. Signed out, it leads to sign-up or log-in
 * and back here; signed in, "Join team" makes the person a member and switches their
 * session to the team.
 */
import { page } from "../../fresh/mod.ts";
import { define } from "../../web/define.ts";
import { readForm, SECRET_PAGE, seeOther } from "../../web/forms.ts";
import { readSessionCookie } from "../../web/trpc/cookies.ts";
import { pageError } from "../../web/page_errors.ts";
import {
  acceptInvitation,
  type Invitation,
  invitationByToken,
} from "../../services/teams/invitations.ts";
import { INVITATION_DAYS, teamName, teamsOf } from "../../services/teams/teams.ts";
import { Button, LINK, LinkButton } from "../../components/ui.tsx";

interface Data {
  token: string;
  invitation: Invitation | null;
  /** The signed-in person's email; null when signed out. */
  you: string | null;
  /** Signed in and already in the team (its owner, or a member). */
  alreadyIn: boolean;
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const { services, user } = ctx.state;
    const token = ctx.url.searchParams.get("token") ?? "";
    const invitation = await invitationByToken(services, token);
    const alreadyIn = !!(invitation && user &&
      (await teamsOf(services.sql, user.id)).some((t) => t.accountId === invitation.accountId));
    ctx.state.title = invitation
      ? `Join ${teamName(invitation.ownerName)}`
      : "This invitation no longer works";
    return page({ token, invitation, you: user?.email ?? null, alreadyIn }, {
      status: invitation ? 200 : 400,
      headers: SECRET_PAGE,
    });
  },
  async POST(ctx) {
    const { services, user } = ctx.state;
    const token = (await readForm(ctx.req)).get("token") ?? "";
    if (!user) return seeOther(`/login?next=${encodeURIComponent(`/invite?token=${token}`)}`);
    await acceptInvitation(services, user, token, readSessionCookie(ctx.req)).catch((error) => {
      throw pageError(error);
    });
    return seeOther("/app/team?done=joined#notice");
  },
});

export default define.page<typeof handler>(({ data }) => {
  const { invitation } = data;
  if (!invitation) {
    return (
      <>
        <h1 class="text-2xl font-semibold tracking-tight">This invitation no longer works</h1>
        <p class="mt-3 text-sm text-slate-700 dark:text-slate-300">
          An invitation to a team works once, for {INVITATION_DAYS}{" "}
          days, until its owner cancels it. Ask them for a new one.
        </p>
        <p class="mt-6 text-sm">
          <a href="/app" class={LINK}>Go to your monitors</a>
        </p>
      </>
    );
  }
  const name = teamName(invitation.ownerName);
  const back = encodeURIComponent(`/invite?token=${data.token}`);
  return (
    <>
      <h1 class="break-words text-2xl font-semibold tracking-tight">Join {name}</h1>
      <p class="mt-3 break-words text-sm text-slate-700 dark:text-slate-300">
        {invitation.ownerName} invites you (as{" "}
        <strong>{invitation.email}</strong>) to their team on Uptime: you will{" "}
        {invitation.role === "viewer" ? "see, but not change," : "see and change"}{" "}
        its monitors, status pages, alert channels and maintenance windows, and keep your own.
      </p>
      {data.alreadyIn
        ? (
          <p class="mt-6 text-sm">
            You are in this team already. <a href="/app/team" class={LINK}>See the team</a>
          </p>
        )
        : data.you
        ? (
          <form method="post" action="/invite" class="mt-6 space-y-3">
            <input type="hidden" name="token" value={data.token} />
            <Button class="w-full">Join team</Button>
            <p class="break-words text-sm text-slate-600 dark:text-slate-400">
              You join as {data.you}, the account you are signed in with.
            </p>
          </form>
        )
        : (
          <div class="mt-6 space-y-3">
            <LinkButton href={`/signup?next=${back}`} class="w-full">Sign up to join</LinkButton>
            <p class="text-sm text-slate-600 dark:text-slate-400">
              Have an account? <a href={`/login?next=${back}`} class={LINK}>Log in to join</a>
            </p>
          </div>
        )}
    </>
  );
});
