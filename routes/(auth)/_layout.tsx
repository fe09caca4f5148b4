import { define } from "../../web/define.ts";

export default define.layout(({ Component }) => (
  <div class="flex min-h-screen flex-col items-center px-4 py-12 sm:py-20">
    <a
      href="/"
      class="mb-8 flex items-center gap-2 rounded text-lg font-semibold focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
    >
      <span class="inline-block h-3 w-3 rounded-full bg-emerald-600" aria-hidden="true"></span>
      Uptime
    </a>
    <main class="w-full max-w-sm">
      <Component />
    </main>
  </div>
));
