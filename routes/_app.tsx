import { define } from "../web/define.ts";
import { errorHeading } from "../web/page_errors.ts";

export default define.layout(({ Component, state, error }) => {
  // An error page's own heading wins over a title its route set before failing.
  const title = error === null || error === undefined ? state.title : errorHeading(error);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{title ? `${title} · Uptime` : "Uptime"}</title>
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
      </head>
      <body class="min-h-screen bg-slate-50 text-slate-900 antialiased dark:bg-slate-900 dark:text-slate-100">
        <Component />
      </body>
    </html>
  );
});
