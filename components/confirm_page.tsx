/** A question with one button that does it and one link that does not, and maybe an option. */
import type { ComponentChildren } from "preact";
import { Button, buttonClass, CHECKBOX } from "./ui.tsx";
import type { ActionCopy } from "../web/monitor_actions.ts";

/** `children`: what it is about, under the explanation; `hidden`: fields the form posts too. */
export function ConfirmPage(props: {
  copy: ActionCopy;
  action: string;
  cancelHref: string;
  hidden?: [name: string, value: string][];
  children?: ComponentChildren;
}) {
  const option = props.copy.option;
  return (
    <div class="mx-auto max-w-lg rounded-lg border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-700 dark:bg-slate-800">
      <h1 class="break-words text-xl font-semibold">{props.copy.title}</h1>
      <p class="mt-3 text-slate-700 dark:text-slate-300">{props.copy.explanation}</p>
      {props.children}
      <form method="post" action={props.action} class="mt-6">
        {props.hidden?.map(([name, value], i) => (
          <input key={i} type="hidden" name={name} value={value} />
        ))}
        {option && (
          <div class="mb-6 flex items-start gap-3">
            <input
              type="checkbox"
              id={option.name}
              name={option.name}
              checked
              class={CHECKBOX}
              aria-describedby={`${option.name}-hint`}
            />
            <div class="text-sm">
              <label for={option.name} class="font-medium">{option.label}</label>
              <p id={`${option.name}-hint`} class="mt-1 text-slate-600 dark:text-slate-400">
                {option.hint}
              </p>
            </div>
          </div>
        )}
        <div class="flex flex-wrap gap-3">
          <Button variant={props.copy.variant}>{props.copy.button}</Button>
          <a href={props.cancelHref} class={buttonClass("ghost")}>Cancel</a>
        </div>
      </form>
    </div>
  );
}
