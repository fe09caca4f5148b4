/** A monitor's tags, each a link to the monitors table filtered by it. */
import { FOCUS } from "../ui.tsx";

export function TagList(props: { tags: string[]; of: string; class?: string }) {
  if (!props.tags.length) return null;
  return (
    <ul class={`flex flex-wrap gap-1 ${props.class ?? ""}`} aria-label={`Tags of ${props.of}`}>
      {props.tags.map((tag) => (
        <li key={tag}>
          <a
            href={`/app?tag=${encodeURIComponent(tag)}`}
            class={`inline-block max-w-full rounded [overflow-wrap:anywhere] bg-slate-100 px-1.5 py-0.5 font-sans text-xs text-slate-700 hover:bg-slate-200 dark:bg-slate-700 dark:text-slate-200 dark:hover:bg-slate-600 ${FOCUS}`}
            title={`Show the monitors tagged ${tag}`}
          >
            {tag}
          </a>
        </li>
      ))}
    </ul>
  );
}
