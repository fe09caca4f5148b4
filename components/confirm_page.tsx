/** A question with one button that does it and one link that does not. */
import { Button, buttonClass } from "./ui.tsx";
import type { ActionCopy } from "../web/monitor_actions.ts";

export function ConfirmPage(props: { copy: ActionCopy; action: string; cancelHref: string }) {
  return (
    <div class="mx-auto max-w-lg rounded-lg border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-700 dark:bg-slate-800">
      <h1 class="break-words text-xl font-semibold">{props.copy.title}</h1>
      <p class="mt-3 text-slate-700 dark:text-slate-300">{props.copy.explanation}</p>
      <form method="post" action={props.action} class="mt-6 flex flex-wrap gap-3">
        <Button variant={props.copy.variant}>{props.copy.button}</Button>
        <a href={props.cancelHref} class={buttonClass("ghost")}>Cancel</a>
      </form>
    </div>
  );
}
