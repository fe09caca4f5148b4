/**
 * The fields of a maintenance window, for scheduling one and for changing one: title,
 * message, when, in which time zone, and for which monitors.
 */
import type { FieldErrors } from "../../web/forms.ts";
import type { MaintenanceValues } from "../../web/maintenance_form.ts";
import type { Website } from "../../services/websites/store.ts";
import { MonitorChecklist } from "../status_pages/monitor_choices.tsx";
import { Time } from "../time.tsx";
import TimeZoneField from "../../islands/TimeZoneField.tsx";
import { describedBy, Field, inputClass, Notice } from "../ui.tsx";
import { MAX_REPEATS } from "../../services/maintenance/input.ts";

export function MaintenanceFields(props: {
  values: MaintenanceValues;
  errors: FieldErrors;
  websites: Website[];
  /** A window in progress: its start, shown, not asked for. */
  startedAt?: number;
  /** Ids of the time fields filled in UTC, for the browser to show in its own zone. */
  convert?: string[];
  /** Scheduling a new window: it may repeat. */
  repeatable?: boolean;
}) {
  const { values, errors } = props;
  return (
    <>
      {errors.form && <Notice kind="error">{errors.form}</Notice>}
      <Field
        id="title"
        label="Title"
        error={errors.title}
        hint="Shown on the status pages of these monitors, as is the message."
      >
        <input
          {...describedBy("title", errors.title, true)}
          name="title"
          type="text"
          required
          maxLength={100}
          placeholder="Database upgrade"
          value={values.title}
          class={inputClass(errors.title)}
        />
      </Field>
      <Field
        id="message"
        label="Message (optional)"
        error={errors.message}
        hint="What visitors of those status pages read under the title."
      >
        <textarea
          {...describedBy("message", errors.message, true)}
          name="message"
          rows={3}
          maxLength={1000}
          placeholder="We are upgrading our database; the API may be unavailable for a few minutes."
          class={inputClass(errors.message)}
        >
          {values.message}
        </textarea>
      </Field>
      <div class="grid gap-5 md:grid-cols-2">
        {props.startedAt === undefined
          ? (
            <Field
              id="startsAt"
              label="Starts"
              error={errors.startsAt}
              hint="Leave empty to start now."
            >
              <input
                {...describedBy("startsAt", errors.startsAt, true)}
                aria-describedby={`${
                  errors.startsAt ? "startsAt-error" : "startsAt-hint"
                } time-zone`}
                name="startsAt"
                type="datetime-local"
                step={withSeconds(values.startsAt)}
                value={values.startsAt}
                class={inputClass(errors.startsAt)}
              />
            </Field>
          )
          : (
            <div>
              <p class="block text-sm font-medium text-slate-800 dark:text-slate-200">Started</p>
              <p class="mt-1 py-2 text-sm text-slate-700 dark:text-slate-300">
                <Time at={props.startedAt} /> (a window in progress keeps its start)
              </p>
            </div>
          )}
        <Field id="endsAt" label="Ends" error={errors.endsAt}>
          <input
            {...describedBy("endsAt", errors.endsAt)}
            aria-describedby={`${errors.endsAt ? "endsAt-error " : ""}time-zone`}
            name="endsAt"
            type="datetime-local"
            step={withSeconds(values.endsAt)}
            required
            value={values.endsAt}
            class={inputClass(errors.endsAt)}
          />
        </Field>
      </div>
      <TimeZoneField value={values.timeZone} convert={props.convert} />
      {props.repeatable && (
        <div class="grid gap-5 md:grid-cols-2">
          <Field
            id="repeat"
            label="Repeat"
            error={errors.repeat}
            hint="Each repeat is a window of its own, at the same time of day in this time zone."
          >
            <select
              {...describedBy("repeat", errors.repeat, true)}
              name="repeat"
              class={inputClass(errors.repeat)}
            >
              <option value="" selected={!values.repeat}>Does not repeat</option>
              <option value="day" selected={values.repeat === "day"}>Every day</option>
              <option value="week" selected={values.repeat === "week"}>Every week</option>
            </select>
          </Field>
          <Field
            id="times"
            label="How many times"
            error={errors.times}
            hint={`2 to ${MAX_REPEATS}, this one included.`}
          >
            <input
              {...describedBy("times", errors.times, true)}
              name="times"
              type="number"
              min={2}
              max={MAX_REPEATS}
              value={values.times}
              class={inputClass(errors.times)}
            />
          </Field>
        </div>
      )}
      <MonitorChecklist
        websites={props.websites}
        selected={values.websiteIds}
        error={errors.websiteIds}
        legend="Monitors under maintenance"
      />
    </>
  );
}

/** A time with seconds (set through the API) would not fit a field that steps by minutes. */
const withSeconds = (local: string) => local.length > 16 ? 1 : undefined;
