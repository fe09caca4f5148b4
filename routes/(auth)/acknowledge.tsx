/**
 * `/acknowledge?token=…`: the Acknowledge link of a down alert or a reminder. Opening it
 * shows the incident and changes nothing (mail scanners follow links); "Acknowledge
 * incident" acknowledges it without signing in, as its signed-in team member when one is,
 * and its reminders and escalation stop (services/incidents/acknowledge_link.ts).
 */
import { type Context, page } from "../../fresh/mod.ts";
import { define, type State } from "../../web/define.ts";
import { readForm, SECRET_PAGE } from "../../web/forms.ts";
import {
  acknowledgeByLink,
  type AckTarget,
  ackTarget,
} from "../../services/incidents/acknowledge_link.ts";
import { Button, LINK } from "../../components/ui.tsx";
import { Time } from "../../components/time.tsx";

interface Data {
  token: string;
  incident: AckTarget | null;
  /** Acknowledged by this very request. */
  done: boolean;
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const token = ctx.url.searchParams.get("token") ?? "";
    const incident = await ackTarget(ctx.state.services.sql, token);
    return answer(ctx, { token, incident, done: false });
  },
  async POST(ctx) {
    const token = ((await readForm(ctx.req)).get("token") ?? "").slice(0, 200);
    const outcome = await acknowledgeByLink(
      ctx.state.services.sql,
      token,
      ctx.state.user?.id ?? null,
    );
    return answer(ctx, {
      token,
      incident: outcome?.incident ?? null,
      done: outcome?.acknowledged ?? false,
    });
  },
});

function answer(ctx: Context<State>, data: Data) {
  ctx.state.title = data.incident
    ? `Incident of ${data.incident.websiteName}`
    : "This link no longer works";
  return page(data, { status: data.incident ? 200 : 400, headers: SECRET_PAGE });
}

export default define.page<typeof handler>(({ data }) => {
  const { incident } = data;
  if (!incident) {
    return (
      <>
        <h1 class="text-2xl font-semibold tracking-tight">This link no longer works</h1>
        <p class="mt-3 text-sm text-slate-700 dark:text-slate-300">
          An alert's Acknowledge link works until its incident is acknowledged or ends. Log in to
          see the incident and what became of it.
        </p>
        <p class="mt-6 text-sm">
          <a href="/app/incidents" class={LINK}>Go to your incidents</a>
        </p>
      </>
    );
  }
  const ended = incident.resolvedAt !== null;
  return (
    <>
      <h1 class="break-words text-2xl font-semibold tracking-tight">
        Incident of {incident.websiteName}
      </h1>
      <p class="mt-3 text-sm text-slate-700 dark:text-slate-300">
        Down since <Time at={incident.startedAt} />
        {ended && (
          <>
            , resolved <Time at={incident.resolvedAt!} />
          </>
        )}.
      </p>
      {data.done
        ? (
          <p role="status" class="mt-6 text-sm font-medium text-emerald-800 dark:text-emerald-300">
            Acknowledged. Its channels are not reminded of it any more, nor does it escalate.
          </p>
        )
        : ended
        ? (
          <p class="mt-6 text-sm text-slate-700 dark:text-slate-300">
            It has ended: there is nothing to acknowledge.
          </p>
        )
        : incident.acknowledgedAt !== null
        ? (
          <p class="mt-6 text-sm text-slate-700 dark:text-slate-300">
            It was acknowledged <Time at={incident.acknowledgedAt} />.
          </p>
        )
        : (
          <form method="post" action="/acknowledge" class="mt-6 space-y-3">
            <input type="hidden" name="token" value={data.token} />
            <Button class="w-full">Acknowledge incident</Button>
            <p class="text-sm text-slate-600 dark:text-slate-400">
              Says you are on it: the team sees it acknowledged, its channels are not reminded of it
              any more, and it does not escalate. It still ends only when its checks pass or someone
              resolves it.
            </p>
          </form>
        )}
      <p class="mt-6 text-sm">
        <a href={`/app/incidents/${incident.incidentId}`} class={LINK}>
          See the incident (log in)
        </a>
      </p>
    </>
  );
});
