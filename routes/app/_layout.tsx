import { define, type SignedInState } from "../../web/define.ts";
import { teamName, type TeamRef } from "../../services/teams/teams.ts";
import { activeSection, NAV_ITEMS } from "../../components/nav.ts";
import { FOCUS, Notice } from "../../components/ui.tsx";
import LocalTimes from "../../islands/LocalTimes.tsx";

/** Which team this session works in, for a person in more than one; a plain form. */
function TeamSwitch({ teams, current }: { teams: TeamRef[]; current: string }) {
  return (
    <form method="post" action="/app/switch-team" class="flex items-center gap-2">
      <label for="team-switch" class="text-slate-600 dark:text-slate-400">Team</label>
      <select
        id="team-switch"
        name="account"
        class={`max-w-[9rem] rounded-md sm:max-w-[11rem] border border-slate-300 bg-white py-1 pl-2 pr-7 text-sm text-slate-900 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100 ${FOCUS}`}
      >
        {teams.map((team, i) => (
          <option value={team.accountId} selected={team.accountId === current}>
            {i === 0 ? "Your own" : teamName(team.ownerName)}
          </option>
        ))}
      </select>
      <button
        type="submit"
        class={`whitespace-nowrap rounded-md px-2 py-1 font-medium text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-700 ${FOCUS}`}
      >
        Switch
      </button>
    </form>
  );
}

export default define.layout(({ Component, state, url }) => {
  const active = activeSection(url.pathname);
  const teams = (state as Partial<SignedInState>).teams ?? [];
  return (
    <div class="flex min-h-screen flex-col">
      <a
        href="#main"
        class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-slate-900"
      >
        Skip to content
      </a>
      <header class="border-b border-slate-200 bg-white dark:border-slate-700 dark:bg-slate-800">
        <div class="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
          <a href="/app" class={`flex items-center gap-2 rounded font-semibold ${FOCUS}`}>
            <span class="inline-block h-3 w-3 rounded-full bg-emerald-600" aria-hidden="true">
            </span>
            Uptime
          </a>
          <nav aria-label="Main" class="order-last w-full sm:order-none sm:w-auto">
            <ul class="flex flex-wrap gap-1 text-sm">
              {NAV_ITEMS.map((item) => (
                <li>
                  <a
                    href={item.href}
                    aria-current={item.href === active ? "page" : undefined}
                    class={`block whitespace-nowrap rounded-md px-3 py-1.5 font-medium ${FOCUS} ${
                      item.href === active
                        ? "bg-slate-100 text-slate-900 dark:bg-slate-700 dark:text-white"
                        : "text-slate-700 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-700"
                    }`}
                  >
                    {item.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div class="ml-auto flex items-center gap-3 text-sm">
            {teams.length > 1 && <TeamSwitch teams={teams} current={state.user!.accountId} />}
            <span class="hidden max-w-[16rem] truncate text-slate-600 dark:text-slate-400 2xl:inline">
              {state.user?.email}
            </span>
            <form method="post" action="/logout">
              <button
                type="submit"
                class={`whitespace-nowrap rounded-md px-3 py-1.5 font-medium text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-700 ${FOCUS}`}
              >
                Log out
              </button>
            </form>
          </div>
        </div>
      </header>
      <main id="main" class="mx-auto w-full max-w-6xl flex-1 px-4 py-8 sm:px-6">
        {state.user?.viewer && (
          <Notice class="mb-6" id="view-only">
            You can view this team but not change it. Your account, your API tokens and leaving the
            team are still yours to change.
          </Notice>
        )}
        <Component />
      </main>
      <LocalTimes />
    </div>
  );
});
