/**
 * The dashboard's building blocks, so every page looks and behaves the same: buttons
 * and links with a visible focus ring, labelled fields that show their error beside
 * them, cards, page headers, empty states and notices.
 */
import type { ComponentChildren, JSX } from "preact";

export const FOCUS =
  "focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:ring-offset-2 dark:focus-visible:ring-offset-slate-900";

const BUTTON_BASE =
  `inline-flex items-center justify-center gap-2 rounded-md px-4 py-2 text-sm font-medium transition-colors disabled:opacity-50 ${FOCUS}`;

const VARIANTS = {
  primary: "bg-emerald-700 text-white hover:bg-emerald-800",
  secondary:
    "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700",
  danger: "bg-rose-700 text-white hover:bg-rose-800",
  ghost: "text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800",
};

export type Variant = keyof typeof VARIANTS;

export function buttonClass(variant: Variant = "primary", extra = ""): string {
  return `${BUTTON_BASE} ${VARIANTS[variant]} ${extra}`;
}

export function Button(
  props: JSX.ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant },
) {
  const { variant, class: extra, type, ...rest } = props;
  return (
    <button type={type ?? "submit"} class={buttonClass(variant, String(extra ?? ""))} {...rest} />
  );
}

export function LinkButton(
  props: JSX.AnchorHTMLAttributes<HTMLAnchorElement> & { variant?: Variant; href: string },
) {
  const { variant, class: extra, ...rest } = props;
  return <a class={buttonClass(variant, String(extra ?? ""))} {...rest} />;
}

export const LINK =
  `font-medium text-sky-700 underline-offset-2 hover:underline dark:text-sky-400 rounded ${FOCUS}`;

/** An input's look without its border colour, which says whether it holds a mistake. */
const INPUT_SHAPE =
  `block w-full rounded-md border bg-white px-3 py-2 text-sm text-slate-900 placeholder-slate-400 shadow-sm dark:bg-slate-900 dark:text-slate-100 ${FOCUS}`;

export const INPUT = `${INPUT_SHAPE} border-slate-300 dark:border-slate-600`;
export const CHECKBOX = "mt-0.5 h-4 w-4 shrink-0 rounded border-slate-400 accent-emerald-700";

/** Alone, not after INPUT's grey: of two border colours the stylesheet's order would win. */
const INPUT_INVALID = `${INPUT_SHAPE} border-rose-600 dark:border-rose-500`;

/** A label, the control, a hint and the field's error, tied together for screen readers. */
export function Field(props: {
  id: string;
  label: ComponentChildren;
  error?: string | null;
  hint?: ComponentChildren;
  children: ComponentChildren;
  class?: string;
}) {
  return (
    <div class={props.class ?? ""}>
      <label for={props.id} class="block text-sm font-medium text-slate-800 dark:text-slate-200">
        {props.label}
      </label>
      <div class="mt-1">{props.children}</div>
      {props.hint && !props.error && (
        <p id={`${props.id}-hint`} class="mt-1 text-xs text-slate-600 dark:text-slate-400">
          {props.hint}
        </p>
      )}
      <FieldError id={props.id} error={props.error} />
    </div>
  );
}

export function FieldError(props: { id: string; error?: string | null }) {
  return (
    <p
      id={`${props.id}-error`}
      class={props.error ? "mt-1 text-sm text-rose-700 dark:text-rose-400" : "hidden"}
      role={props.error ? "alert" : undefined}
    >
      {props.error ? `⚠ ${props.error}` : ""}
    </p>
  );
}

/** Attributes an input needs to point at its hint and error. */
export function describedBy(id: string, error?: string | null, hint?: boolean) {
  return {
    id,
    "aria-invalid": error ? "true" : undefined,
    "aria-describedby": error ? `${id}-error` : hint ? `${id}-hint` : undefined,
  } as const;
}

export function inputClass(error?: string | null, extra = ""): string {
  return `${error ? INPUT_INVALID : INPUT} ${extra}`;
}

export function Card(props: { children: ComponentChildren; class?: string; title?: string }) {
  return (
    <section
      class={`rounded-lg border border-slate-200 bg-white shadow-sm dark:border-slate-700 dark:bg-slate-800 ${
        props.class ?? ""
      }`}
      aria-label={props.title}
    >
      {props.children}
    </section>
  );
}

export function PageHeader(
  props: {
    title: ComponentChildren;
    description?: ComponentChildren;
    actions?: ComponentChildren;
    /** Under the title and description, before the actions (which wrap below on a phone). */
    below?: ComponentChildren;
  },
) {
  return (
    <div class="mb-6 flex flex-wrap items-start justify-between gap-4">
      <div class="min-w-0">
        <h1 class="break-words text-2xl font-semibold tracking-tight text-slate-900 dark:text-white">
          {props.title}
        </h1>
        {props.description && (
          <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">{props.description}</p>
        )}
        {props.below}
      </div>
      {props.actions && <div class="flex flex-wrap items-center gap-2">{props.actions}</div>}
    </div>
  );
}

export function EmptyState(
  props: { title: string; children?: ComponentChildren; action?: ComponentChildren },
) {
  return (
    <div class="rounded-lg border-2 border-dashed border-slate-300 px-6 py-12 text-center dark:border-slate-600">
      <h2 class="text-lg font-semibold text-slate-900 dark:text-white">{props.title}</h2>
      {props.children && (
        <p class="mx-auto mt-2 max-w-md text-sm text-slate-600 dark:text-slate-400">
          {props.children}
        </p>
      )}
      {props.action && <div class="mt-6">{props.action}</div>}
    </div>
  );
}

// Twind's palette stops at 900 (no 950): a 950 class would get no CSS at all.
const NOTICE = {
  error:
    "border-rose-300 bg-rose-50 text-rose-900 dark:border-rose-800 dark:bg-rose-900 dark:text-rose-100",
  success:
    "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-900 dark:text-emerald-100",
  info:
    "border-sky-300 bg-sky-50 text-sky-900 dark:border-sky-800 dark:bg-sky-900 dark:text-sky-100",
  warning:
    "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-900 dark:text-amber-100",
};

export function Notice(
  props: { kind?: keyof typeof NOTICE; children: ComponentChildren; class?: string; id?: string },
) {
  const kind = props.kind ?? "info";
  return (
    <div
      id={props.id}
      role={kind === "error" ? "alert" : "status"}
      class={`rounded-md border px-4 py-3 text-sm ${NOTICE[kind]} ${props.class ?? ""}`}
    >
      {props.children}
    </div>
  );
}

/** Figures as tiles: a label, the value large, a note under it; two a row, four from `sm`. */
export function Tiles(props: { tiles: { label: string; value: string; note: string }[] }) {
  return (
    <dl class="grid grid-cols-2 gap-3 sm:grid-cols-4">
      {props.tiles.map((tile) => (
        <div
          key={tile.label}
          class="rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm dark:border-slate-700 dark:bg-slate-800"
          data-tile={tile.label}
        >
          <dt class="text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">
            {tile.label}
          </dt>
          <dd class="mt-1 text-2xl font-semibold tabular-nums text-slate-900 dark:text-white">
            {tile.value}
          </dd>
          <dd class="text-xs text-slate-600 dark:text-slate-400">{tile.note}</dd>
        </div>
      ))}
    </dl>
  );
}
