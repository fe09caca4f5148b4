/**
 * Choosing a status page's monitors: a checklist when creating, and in the editor an
 * ordered list with "Move up"/"Move down" buttons, "Show URL" and a section, all plain
 * form fields.
 */
import type { Website } from "../../services/websites/store.ts";
import type { StatusPageWebsite } from "../../services/status_pages/pages.ts";
import { buttonClass, CHECKBOX, FieldError, INPUT, LINK } from "../ui.tsx";
import { MAX_SECTION_LENGTH } from "../../services/status_pages/input.ts";
import { monitorLabel } from "./monitor_label.ts";

function NoMonitors() {
  return (
    <p class="rounded-md border border-dashed border-slate-300 px-4 py-3 text-sm text-slate-600 dark:border-slate-600 dark:text-slate-400">
      You have no monitors yet.{" "}
      <a href="/app/monitors/new" class={LINK}>Add a monitor</a>, then come back to choose it here.
    </p>
  );
}

function MonitorName(props: { website: Website }) {
  return (
    <span class="min-w-0">
      <span class="block break-words font-medium">{monitorLabel(props.website)}</span>
      <span class="block break-all text-xs text-slate-600 dark:text-slate-400">
        {props.website.type === "heartbeat" ? "Heartbeat" : props.website.url}
      </span>
    </span>
  );
}

/** A monitor's section on the page: a heading the page shows it under ("API"). */
function SectionField(props: { websiteId: string; label: string; value: string }) {
  return (
    <label class="flex items-center gap-2 text-sm">
      Section<span class="sr-only">{` of ${props.label}`}</span>
      <span class="block w-36">
        <input
          type="text"
          name={`section:${props.websiteId}`}
          value={props.value}
          maxLength={MAX_SECTION_LENGTH}
          list="page-sections"
          placeholder="None"
          class={INPUT}
        />
      </span>
    </label>
  );
}

/** The create form's checklist, in the order monitors were added. */
export function MonitorChecklist(
  props: { websites: Website[]; selected: string[]; error?: string; legend?: string },
) {
  const selected = new Set(props.selected);
  return (
    <fieldset
      class="min-w-0"
      aria-describedby={props.error ? "websiteIds-error" : undefined}
    >
      <legend class="text-sm font-medium text-slate-800 dark:text-slate-200">
        {props.legend ?? "Monitors on the page"}
      </legend>
      <div class="mt-1">
        {props.websites.length === 0
          ? <NoMonitors />
          : (
            <ul class="divide-y divide-slate-200 rounded-md border border-slate-300 dark:divide-slate-700 dark:border-slate-600">
              {props.websites.map((website) => (
                <li key={website.id}>
                  <label class="flex cursor-pointer items-start gap-3 px-3 py-2 hover:bg-slate-50 dark:hover:bg-slate-700/40">
                    <input
                      type="checkbox"
                      name="websiteIds"
                      value={website.id}
                      checked={selected.has(website.id)}
                      class={CHECKBOX}
                    />
                    <MonitorName website={website} />
                  </label>
                </li>
              ))}
            </ul>
          )}
      </div>
      <FieldError id="websiteIds" error={props.error} />
    </fieldset>
  );
}

/**
 * The editor's list: the page's monitors first, in their order, then the others. The
 * form lists chosen ids in that order, so saving keeps it; a move button saves too, and
 * the row `moved` says where it went, with focus back on the button pressed (or on the
 * other one, once the row has reached an end), as if the page had not reloaded.
 */
export function MonitorOrder(
  props: {
    websites: Website[];
    onPage: StatusPageWebsite[];
    errors: Record<string, string>;
    moved?: { id: string; by: "up" | "down" } | null;
    /**
     * Where a move posts: the editor's address without a fragment, so the page it comes
     * back to has none (a fragment would cancel the autofocus of the button pressed).
     */
    moveAction: string;
  },
) {
  const byId = new Map(props.websites.map((w) => [w.id, w]));
  const chosen = props.onPage.flatMap((entry) => {
    const website = byId.get(entry.websiteId);
    return website ? [{ website, showUrl: entry.showUrl, section: entry.section }] : [];
  });
  const sections = [...new Set(chosen.map((c) => c.section).filter(Boolean))];
  const chosenIds = new Set(chosen.map((c) => c.website.id));
  const others = props.websites.filter((w) => !chosenIds.has(w.id));
  if (!props.websites.length) return <NoMonitors />;
  const small = buttonClass("secondary", "px-2 py-1 text-xs");
  return (
    <fieldset
      class="min-w-0"
      aria-describedby={props.errors.websiteIds ?? props.errors.showUrls ?? props.errors.sections
        ? "websiteIds-error"
        : undefined}
    >
      <legend class="sr-only">Monitors on the page, in order</legend>
      <ol class="divide-y divide-slate-200 rounded-md border border-slate-300 dark:divide-slate-700 dark:border-slate-600">
        {chosen.map(({ website, showUrl, section }, i) => {
          const label = monitorLabel(website);
          const first = i === 0, last = i === chosen.length - 1;
          const moved = props.moved?.id === website.id ? props.moved.by : null;
          const focusUp = moved === "up" && !first || moved === "down" && last;
          return (
            <li
              key={website.id}
              id={`monitor-${website.id}`}
              class="flex flex-wrap items-start gap-x-4 gap-y-2 px-3 py-3"
              data-monitor={website.id}
            >
              <span class="w-6 shrink-0 pt-0.5 text-right text-sm tabular-nums text-slate-500 dark:text-slate-400">
                {i + 1}.
              </span>
              <label class="flex min-w-0 flex-1 cursor-pointer items-start gap-3">
                <input
                  type="checkbox"
                  name="websiteIds"
                  value={website.id}
                  checked
                  class={CHECKBOX}
                />
                <MonitorName website={website} />
              </label>
              <div class="flex w-full flex-wrap items-center justify-between gap-2 pl-10 sm:w-auto sm:justify-end sm:gap-4 sm:pl-0">
                {/* A heartbeat has no URL to show: its job calls us. */}
                {website.type !== "heartbeat" && (
                  <label class="flex cursor-pointer items-center gap-2 text-sm">
                    <input
                      type="checkbox"
                      name="showUrls"
                      value={website.id}
                      checked={showUrl}
                      class={CHECKBOX}
                    />
                    Show URL<span class="sr-only">{` of ${label}`}</span>
                  </label>
                )}
                <SectionField websiteId={website.id} label={label} value={section} />
                <span class="flex gap-2">
                  <button
                    type="submit"
                    name="move"
                    value={`up:${website.id}`}
                    formAction={props.moveAction}
                    class={small}
                    disabled={first}
                    autofocus={focusUp}
                  >
                    <span aria-hidden="true">↑</span>
                    <span class="sr-only">Move</span> Up<span class="sr-only">{` ${label}`}</span>
                  </button>
                  <button
                    type="submit"
                    name="move"
                    value={`down:${website.id}`}
                    formAction={props.moveAction}
                    class={small}
                    disabled={last}
                    autofocus={moved !== null && !focusUp && !last}
                  >
                    <span aria-hidden="true">↓</span>
                    <span class="sr-only">Move</span> Down<span class="sr-only">{` ${label}`}</span>
                  </button>
                </span>
              </div>
              {moved && (
                <p
                  role="status"
                  class="w-full pl-10 text-sm text-emerald-800 dark:text-emerald-300"
                >
                  {`Order saved: now ${i + 1} of ${chosen.length}.`}
                </p>
              )}
            </li>
          );
        })}
        {others.map((website) => (
          <li
            key={website.id}
            class="flex flex-wrap items-start gap-x-4 gap-y-2 px-3 py-3"
            data-monitor={website.id}
          >
            <span class="w-6 shrink-0" aria-hidden="true"></span>
            <label class="flex min-w-0 flex-1 cursor-pointer items-start gap-3 text-slate-700 dark:text-slate-300">
              <input type="checkbox" name="websiteIds" value={website.id} class={CHECKBOX} />
              <MonitorName website={website} />
            </label>
            {/* Used once it is ticked: a monitor joins the page in its section at once. */}
            <div class="w-full pl-10 sm:w-auto sm:pl-0">
              <SectionField websiteId={website.id} label={monitorLabel(website)} value="" />
            </div>
          </li>
        ))}
      </ol>
      <datalist id="page-sections">
        {sections.map((name) => <option key={name} value={name} />)}
      </datalist>
      <FieldError
        id="websiteIds"
        error={props.errors.websiteIds ?? props.errors.showUrls ?? props.errors.sections}
      />
    </fieldset>
  );
}
