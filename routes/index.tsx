import { page } from "../fresh/mod.ts";
import { define } from "../web/define.ts";
import { LinkButton } from "../components/ui.tsx";

const FEATURES = [
  {
    title: "Checks from every region",
    body:
      "Each monitor is checked from every region you run workers in, so a local network problem is not mistaken for an outage.",
  },
  {
    title: "Honest numbers",
    body:
      "Uptime and p50, p95 and p99 response times per region, computed from every stored check, never sampled.",
  },
  {
    title: "Live status",
    body: "Results reach your dashboard the moment a check finishes, over a WebSocket.",
  },
  {
    title: "Public status pages",
    body:
      "Tell your users what is going on, on your own domain, with the certificate handled; they can subscribe to incidents and maintenance by email.",
  },
];

export const handler = define.handlers({
  GET(ctx) {
    ctx.state.title = "Know when your websites go down";
    return page({});
  },
});

export default define.page<typeof handler>(({ state }) => (
  <div class="flex min-h-screen flex-col">
    <header class="mx-auto flex w-full max-w-5xl items-center justify-between px-6 py-6">
      <a href="/" class="flex items-center gap-2 text-lg font-semibold">
        <span class="inline-block h-3 w-3 rounded-full bg-emerald-600" aria-hidden="true"></span>
        Uptime
      </a>
      <nav class="flex items-center gap-3 text-sm">
        {state.user ? <LinkButton href="/app">Go to your monitors</LinkButton> : (
          <>
            <LinkButton href="/login" variant="ghost">Log in</LinkButton>
            <LinkButton href="/signup">Sign up</LinkButton>
          </>
        )}
      </nav>
    </header>
    <main class="mx-auto w-full max-w-5xl flex-1 px-6">
      <section class="py-16 text-center md:py-24">
        <h1 class="text-4xl font-bold tracking-tight md:text-6xl">
          Know when your websites go down.
        </h1>
        <p class="mx-auto mt-6 max-w-2xl text-lg text-slate-700 dark:text-slate-300">
          Uptime checks your sites from several regions, shows every result live with honest
          response times, and tells your users what is going on with a status page on your own
          domain. Open source; runs on a laptop or in many regions on Fly.io.
        </p>
        <div class="mt-10 flex flex-wrap justify-center gap-4">
          <LinkButton
            href={state.user ? "/app/monitors/new" : "/signup"}
            class="px-6 py-3 text-base"
          >
            Monitor a website
          </LinkButton>
          {!state.user && (
            <LinkButton href="/login" variant="secondary" class="px-6 py-3 text-base">
              Log in
            </LinkButton>
          )}
        </div>
      </section>
      <section class="grid gap-6 pb-16 md:grid-cols-2" aria-label="Features">
        {FEATURES.map((feature) => (
          <div class="rounded-lg border border-slate-200 bg-white p-6 dark:border-slate-700 dark:bg-slate-800">
            <h2 class="font-semibold">{feature.title}</h2>
            <p class="mt-2 text-sm text-slate-700 dark:text-slate-300">{feature.body}</p>
          </div>
        ))}
      </section>
    </main>
    <footer class="border-t border-slate-200 py-8 text-center text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400">
      Uptime — open-source uptime monitoring
    </footer>
  </div>
));
