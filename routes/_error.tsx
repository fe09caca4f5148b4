import { HttpError } from "../fresh/mod.ts";
import { define } from "../web/define.ts";
import { LinkButton } from "../components/ui.tsx";
import { errorHeading } from "../web/page_errors.ts";

export default define.page(({ error, state }) => {
  const status = error instanceof HttpError ? error.status : 500;
  const notFound = status === 404;
  const message = notFound
    ? "There is nothing at this address. It may have been moved or deleted."
    : status < 500 && error instanceof HttpError
    ? error.message
    : "The server could not answer this request. Try again in a moment.";
  return (
    <main class="mx-auto max-w-lg px-6 py-24 text-center">
      <p class="text-sm font-semibold text-slate-600 dark:text-slate-400">Error {status}</p>
      <h1 class="mt-2 text-3xl font-bold tracking-tight">
        {errorHeading(error)}
      </h1>
      <p class="mt-4 text-slate-700 dark:text-slate-300">{message}</p>
      <div class="mt-8 flex justify-center gap-3">
        <LinkButton href={state.user ? "/app" : "/"} variant="secondary">
          {state.user ? "Back to monitors" : "Back to the home page"}
        </LinkButton>
      </div>
    </main>
  );
});
