/**
 * `/app/team`: the people of the team this session works in. Its owner invites people by
 * email, as members or as viewers (the link is shown once, on the page the form leads to,
 * as a new API token is), changes their role and removes them; a member sees who is in it
 * and may leave. Removing and leaving ask first.
 */
import { type Context, HttpError, page } from "../../fresh/mod.ts";
import { defineApp, type SignedInState } from "../../web/define.ts";
import { type FieldErrors, fieldErrors, formStatus, readForm, seeOther } from "../../web/forms.ts";
import { flashSecret, takeSecret } from "../../web/secret_flash.ts";
import { pageError } from "../../web/page_errors.ts";
import { actorOf } from "../../services/context.ts";
import { emailSchema } from "../../services/users/accounts.ts";
import {
  removeMember,
  setMemberRole,
  type TeamPerson,
  type TeamView,
  teamView,
} from "../../services/teams/members.ts";
import { cancelInvitation, inviteMember } from "../../services/teams/invitations.ts";
import { INVITATION_DAYS, memberInput, teamName } from "../../services/teams/teams.ts";
import { Time } from "../../components/time.tsx";
import CopyButton from "../../islands/CopyButton.tsx";
import {
  Button,
  Card,
  describedBy,
  Field,
  inputClass,
  LINK,
  LinkButton,
  Notice,
  PageHeader,
} from "../../components/ui.tsx";

const PATH = "/app/team";

interface Invited {
  email: string;
  link: string;
}

interface Data {
  team: TeamView;
  email: string;
  /** The invitation form's role. */
  role: string;
  /** The caller only views this team. */
  youView: boolean;
  errors: FieldErrors;
  /** An invitation just made: its link is shown only now. */
  invited: Invited | null;
  notice: string | null;
  /** Asked first: removing this member, or leaving. */
  confirmRemove: TeamPerson | null;
  confirmLeave: boolean;
  sendsMail: boolean;
}

const NOTICES: Record<string, string> = {
  removed:
    "Removed. They no longer see this team's monitors, pages or alerts, in the dashboard, the API or live updates. Alert channels they added stay with the team: look them over on Notifications.",
  cancelled: "The invitation was cancelled; its link no longer works.",
  "not-member": "They were not in the team any more.",
  "no-invitation": "That invitation no longer exists.",
  left: "You left the team. You are back in your own.",
  "role-changed": "Their access changed. It holds from their next page or API call.",
  joined: "Welcome to the team. You now see its monitors, status pages and alerts.",
};

async function load(ctx: Context<SignedInState>, extra: Partial<Data> = {}): Promise<Data> {
  const { services, user } = ctx.state;
  const team = await teamView(services, actorOf(user));
  ctx.state.title = "Team";
  const remove = ctx.url.searchParams.get("remove");
  return {
    team,
    email: "",
    role: "member",
    youView: user.viewer === true,
    errors: {},
    invited: null,
    notice: NOTICES[ctx.url.searchParams.get("done") ?? ""] ?? null,
    confirmRemove: team.youOwn ? team.members.find((m) => m.userId === remove) ?? null : null,
    confirmLeave: !team.youOwn && ctx.url.searchParams.get("confirm") === "leave",
    sendsMail: services.config.notifications.smtpUrl !== null,
    ...extra,
  };
}

export const handler = defineApp.handlers<Data>({
  async GET(ctx) {
    const flash = takeSecret(ctx.req, PATH);
    // "<email> <link>": neither holds a space.
    const [email, link] = flash?.secret.split(" ") ?? [];
    const data = await load(ctx, { invited: email && link ? { email, link } : null });
    return page(data, flash ? { headers: { "set-cookie": flash.clear } } : undefined);
  },
  async POST(ctx) {
    const form = await readForm(ctx.req);
    const { services, user } = ctx.state;
    const actor = actorOf(user);
    const intent = form.get("intent");
    if (intent === "invite") {
      const email = (form.get("email") ?? "").slice(0, 300);
      const role = (form.get("role") ?? "member").slice(0, 20);
      try {
        const invited = await inviteMember(services, actor, { email, role });
        return seeOther(`${PATH}#invited`, {
          "set-cookie": flashSecret(ctx.req, PATH, `${invited.email} ${invited.link}`),
        });
      } catch (error) {
        const errors = fieldErrors(error);
        if (!errors) throw error;
        return page(await load(ctx, { email, role, errors }), { status: formStatus(error) });
      }
    }
    if (intent === "cancel") {
      const email = emailSchema.safeParse(form.get("email") ?? "");
      if (!email.success) throw new HttpError(400, "Not an invitation's address");
      const cancelled = await cancelInvitation(services, actor, email.data).catch((error) => {
        throw pageError(error);
      });
      return seeOther(`${PATH}?done=${cancelled ? "cancelled" : "no-invitation"}#notice`);
    }
    if (intent === "role") {
      const changed = await setMemberRole(services, actor, {
        userId: form.get("userId"),
        role: form.get("role"),
      }).catch((error) => {
        throw pageError(error);
      });
      return seeOther(`${PATH}?done=${changed ? "role-changed" : "not-member"}#notice`);
    }
    if (intent === "remove" || intent === "leave") {
      const input = memberInput.safeParse({
        userId: intent === "leave" ? user.id : form.get("userId"),
      });
      if (!input.success) throw new HttpError(400, input.error.issues[0].message);
      const removed = await removeMember(services, actor, input.data.userId).catch((error) => {
        throw pageError(error);
      });
      const done = !removed ? "not-member" : intent === "leave" ? "left" : "removed";
      return seeOther(`${PATH}?done=${done}#notice`);
    }
    throw new HttpError(400, "Unknown action");
  },
});

const ROLE_NAMES = { owner: "Owner", member: "Member", viewer: "Viewer" } as const;

function PersonRow({ person, data }: { person: TeamPerson; data: Data }) {
  const { team } = data;
  const role = ROLE_NAMES[person.role];
  const label = person.name ?? person.email;
  const confirming = data.confirmRemove?.userId === person.userId;
  return (
    <li class="px-4 py-4 sm:px-6">
      <div class="flex flex-col gap-x-6 gap-y-3 sm:flex-row sm:items-center sm:justify-between">
        <div class="min-w-0 flex-1">
          <p class="break-words font-semibold text-slate-900 dark:text-white">
            {label}
            <span class="ml-2 rounded bg-slate-100 px-1.5 py-0.5 align-middle text-xs font-medium text-slate-700 dark:bg-slate-700 dark:text-slate-200">
              {role}
            </span>
          </p>
          <p class="mt-1 break-words text-sm text-slate-600 dark:text-slate-400">
            {person.name ? `${person.email} · ` : ""}
            {role === "Owner" ? "owner since " : "joined "}
            <Time at={person.since} />
          </p>
        </div>
        {team.youOwn && person.role !== "owner" && !confirming && (
          <div class="flex flex-wrap gap-2">
            <form method="post" action={PATH}>
              <input type="hidden" name="intent" value="role" />
              <input type="hidden" name="userId" value={person.userId} />
              <input
                type="hidden"
                name="role"
                value={person.role === "viewer" ? "member" : "viewer"}
              />
              <Button variant="secondary">
                {person.role === "viewer" ? "Let change things" : "Make view-only"}
                <span class="sr-only">{` for ${label}`}</span>
              </Button>
            </form>
            <LinkButton
              href={`${PATH}?remove=${person.userId}#confirm-remove`}
              variant="secondary"
            >
              Remove<span class="sr-only">{` ${label} from the team`}</span>
            </LinkButton>
          </div>
        )}
      </div>
      {confirming && (
        <div
          id="confirm-remove"
          class="mt-3 rounded-md border border-rose-300 p-4 dark:border-rose-800"
        >
          <p class="text-sm font-medium">
            Remove {label}{" "}
            from the team? They lose access to everything in it at once, and their API tokens made
            in it stop working.
          </p>
          <form method="post" action={PATH} class="mt-3 flex flex-wrap gap-2">
            <input type="hidden" name="intent" value="remove" />
            <input type="hidden" name="userId" value={person.userId} />
            <Button variant="danger">Yes, remove {label}</Button>
            <LinkButton href={PATH} variant="secondary">Cancel</LinkButton>
          </form>
        </div>
      )}
    </li>
  );
}

export default defineApp.page<typeof handler>(({ data }) => {
  const { team, errors } = data;
  const name = teamName(team.ownerName);
  return (
    <div class="max-w-3xl space-y-6">
      <PageHeader
        title={team.youOwn ? "Your team" : name}
        description={team.youOwn
          ? "Members you invite see and change everything here: monitors, status pages, alert channels and maintenance windows; viewers see it all and change nothing. Only you manage who is in the team."
          : data.youView
          ? `You can view ${name}: you see all of its monitors, incidents, status pages, alert channels and maintenance windows, and change none of them.`
          : `You are a member of ${name}: you see and change all of its monitors, status pages, alert channels and maintenance windows.`}
      />
      {data.notice && <Notice kind="success" id="notice">{data.notice}</Notice>}
      {errors.form && <Notice kind="error">{errors.form}</Notice>}
      {data.invited && (
        <div id="invited">
          <Notice kind={data.sendsMail ? "success" : "warning"}>
            <p>
              {data.sendsMail
                ? (
                  <>
                    We mailed an invitation to <strong>{data.invited.email}</strong>.
                  </>
                )
                : (
                  <>
                    This instance sends no email: send <strong>{data.invited.email}</strong>{" "}
                    this link yourself.
                  </>
                )} The link works once, for {INVITATION_DAYS} days; it is shown only now:
            </p>
            <p class="mt-2 flex flex-wrap items-center gap-3">
              <code class="break-all font-mono" data-testid="invitation-link">
                {data.invited.link}
              </code>
              <CopyButton text={data.invited.link} label="invitation link" />
            </p>
          </Notice>
        </div>
      )}

      <Card title="Members">
        <h2 class="px-4 pt-4 text-lg font-semibold sm:px-6">Members</h2>
        <ul class="divide-y divide-slate-200 dark:divide-slate-700">
          <PersonRow person={team.owner} data={data} />
          {team.members.map((member) => (
            <PersonRow key={member.userId} person={member} data={data} />
          ))}
        </ul>
        {team.youOwn && team.members.length === 0 && (
          <p class="px-4 pb-4 text-sm text-slate-600 dark:text-slate-400 sm:px-6">
            No one else yet. Invite the people who look after your sites, so that they see the same
            monitors and can acknowledge incidents.
          </p>
        )}
      </Card>

      {team.youOwn && (
        <Card title="Invite a teammate" class="p-4 sm:p-6">
          <h2 class="text-lg font-semibold">Invite a teammate</h2>
          <form method="post" action={`${PATH}#invite`} class="mt-4 space-y-4" id="invite">
            <input type="hidden" name="intent" value="invite" />
            <Field
              id="email"
              label="Email"
              error={errors.email}
              hint={data.sendsMail
                ? `They get a link by email that works once, for ${INVITATION_DAYS} days.`
                : `You get a link to send them; it works once, for ${INVITATION_DAYS} days.`}
            >
              <input
                {...describedBy("email", errors.email, true)}
                name="email"
                type="email"
                required
                maxLength={254}
                autoComplete="off"
                value={data.email}
                class={inputClass(errors.email)}
              />
            </Field>
            <Field id="role" label="Access" error={errors.role}>
              <select
                {...describedBy("role", errors.role)}
                name="role"
                class={inputClass(errors.role)}
              >
                <option value="member" selected={data.role !== "viewer"}>
                  Member: sees and changes everything
                </option>
                <option value="viewer" selected={data.role === "viewer"}>
                  Viewer: sees everything, changes nothing
                </option>
              </select>
            </Field>
            <Button>Send invitation</Button>
          </form>
        </Card>
      )}

      {team.youOwn && team.invitations.length > 0 && (
        <Card title="Invitations">
          <h2 class="px-4 pt-4 text-lg font-semibold sm:px-6">Invitations</h2>
          <ul class="divide-y divide-slate-200 dark:divide-slate-700">
            {team.invitations.map((invitation) => (
              <li class="flex flex-col gap-x-6 gap-y-3 px-4 py-4 sm:flex-row sm:items-center sm:justify-between sm:px-6">
                <div class="min-w-0 flex-1">
                  <p class="break-words font-medium">{invitation.email}</p>
                  <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                    {invitation.role === "viewer" ? "as a viewer · " : ""}invited{" "}
                    <Time at={invitation.createdAt} /> · expires <Time at={invitation.expiresAt} />
                  </p>
                </div>
                <form method="post" action={PATH}>
                  <input type="hidden" name="intent" value="cancel" />
                  <input type="hidden" name="email" value={invitation.email} />
                  <Button variant="secondary">
                    Cancel invitation<span class="sr-only">{` for ${invitation.email}`}</span>
                  </Button>
                </form>
              </li>
            ))}
          </ul>
        </Card>
      )}

      {!team.youOwn && (
        <Card title="Leave the team" class="p-4 sm:p-6">
          <h2 class="text-lg font-semibold">Leave the team</h2>
          <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
            You stop seeing everything of{" "}
            {name}; your API tokens made in it stop working. Its owner can invite you again.
          </p>
          {data.confirmLeave
            ? (
              <div
                id="confirm-leave"
                class="mt-4 rounded-md border border-rose-300 p-4 dark:border-rose-800"
              >
                <p class="text-sm font-medium">Leave {name}?</p>
                <form method="post" action={PATH} class="mt-3 flex flex-wrap gap-2">
                  <input type="hidden" name="intent" value="leave" />
                  <Button variant="danger">Yes, leave the team</Button>
                  <LinkButton href={PATH} variant="secondary">Cancel</LinkButton>
                </form>
              </div>
            )
            : (
              <LinkButton
                href={`${PATH}?confirm=leave#confirm-leave`}
                variant="secondary"
                class="mt-4"
              >
                Leave team
              </LinkButton>
            )}
          <p class="mt-4 text-sm">
            Your own monitors are in your own team:{" "}
            <a href="#team-switch" class={LINK}>
              switch to it
            </a>{" "}
            at the top of the page.
          </p>
        </Card>
      )}
    </div>
  );
});
