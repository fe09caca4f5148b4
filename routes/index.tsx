const FEATURES = [
  {
    title: "Checks from every region",
    body: "Each website is checked from all the regions you run workers in, every cycle.",
  },
  {
    title: "Live status",
    body: "Results reach your dashboard the moment a check finishes, over a WebSocket.",
  },
  {
    title: "Public status pages",
    body: "Share uptime and incidents on your own domain, with the certificate handled.",
  },
];

const SAMPLE = [
  { name: "api.example.com", region: "ams", status: "up", latency: 84 },
  { name: "www.example.com", region: "iad", status: "up", latency: 121 },
  { name: "shop.example.com", region: "sin", status: "down", latency: null },
];

// A whole document: there is no _app yet, and this page wants its own title.
export default function Landing() {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Uptime — know when your websites go down</title>
        <meta
          name="description"
          content="Uptime monitoring from many regions, with live status and public status pages."
        />
      </head>
      <body class="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <header class="max-w-5xl mx-auto px-6 py-6 flex items-center justify-between">
          <a href="/" class="flex items-center gap-2 font-semibold text-lg">
            <span class="inline-block w-3 h-3 rounded-full bg-emerald-500"></span>
            Uptime
          </a>
          <nav class="flex items-center gap-6 text-sm text-slate-600">
            <a href="/login" class="hover:text-slate-900">Log in</a>
            <a
              href="/signup"
              class="rounded-md bg-slate-900 px-4 py-2 font-medium text-white hover:bg-slate-700"
            >
              Start monitoring
            </a>
          </nav>
        </header>

        <main class="max-w-5xl mx-auto px-6">
          <section class="py-16 md:py-24 text-center">
            <p class="inline-flex items-center gap-2 rounded-full bg-emerald-100 px-3 py-1 text-xs font-medium text-emerald-800">
              <span class="w-2 h-2 rounded-full bg-emerald-500"></span>
              All systems operational
            </p>
            <h1 class="mt-6 text-4xl md:text-6xl font-bold tracking-tight">
              Know when your websites go down.
            </h1>
            <p class="mt-6 text-lg text-slate-600 max-w-2xl mx-auto">
              Uptime checks your sites from several regions every few minutes, shows the results
              live, and tells your users what is going on with a status page.
            </p>
            <div class="mt-10 flex justify-center gap-4">
              <a
                href="/signup"
                class="rounded-md bg-emerald-600 px-6 py-3 font-semibold text-white shadow hover:bg-emerald-500"
              >
                Monitor a website
              </a>
              <a
                href="/status"
                class="rounded-md border border-slate-300 bg-white px-6 py-3 font-semibold text-slate-700 hover:border-slate-400"
              >
                See a status page
              </a>
            </div>
          </section>

          <section class="rounded-xl border border-slate-200 bg-white shadow-sm overflow-hidden">
            <table class="w-full text-sm">
              <thead class="bg-slate-50 text-left text-slate-500">
                <tr>
                  <th class="px-6 py-3 font-medium">Website</th>
                  <th class="px-6 py-3 font-medium">Region</th>
                  <th class="px-6 py-3 font-medium">Status</th>
                  <th class="px-6 py-3 font-medium text-right">Response</th>
                </tr>
              </thead>
              <tbody>
                {SAMPLE.map((row) => (
                  <tr class="border-t border-slate-100">
                    <td class="px-6 py-3 font-medium">{row.name}</td>
                    <td class="px-6 py-3 uppercase text-slate-500">{row.region}</td>
                    <td class="px-6 py-3">
                      <span
                        class={row.status === "up"
                          ? "rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800"
                          : "rounded-full bg-rose-100 px-2 py-0.5 text-xs font-medium text-rose-800"}
                      >
                        {row.status === "up" ? "Up" : "Down"}
                      </span>
                    </td>
                    <td class="px-6 py-3 text-right tabular-nums text-slate-600">
                      {row.latency === null ? "—" : `${row.latency} ms`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>

          <section class="grid gap-6 md:grid-cols-3 py-16">
            {FEATURES.map((feature) => (
              <div class="rounded-xl bg-white p-6 border border-slate-200">
                <h2 class="font-semibold">{feature.title}</h2>
                <p class="mt-2 text-sm text-slate-600">{feature.body}</p>
              </div>
            ))}
          </section>
        </main>

        <footer class="border-t border-slate-200 py-8 text-center text-sm text-slate-500">
          Uptime — open source uptime monitoring
        </footer>
      </body>
    </html>
  );
}
