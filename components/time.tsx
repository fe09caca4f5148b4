/**
 * A time as the server can write it (UTC, marked as such), which the `LocalTimes` island
 * rewrites into the viewer's time zone, or into a relative time that keeps ticking.
 */
import { formatDateTime, formatRelative } from "../lib/time_format.ts";

/** `seconds`: to the second, for rows that can be seconds apart (a list of checks). */
export function Time(props: { at: number; relative?: boolean; seconds?: boolean; class?: string }) {
  const iso = new Date(props.at).toISOString();
  const seconds = props.seconds ?? false;
  return (
    <time
      dateTime={iso}
      data-local={props.relative ? "relative" : seconds ? "seconds" : "datetime"}
      title={formatDateTime(props.at, "UTC", true)}
      class={props.class}
    >
      {props.relative ? formatRelative(props.at) : formatDateTime(props.at, "UTC", seconds)}
    </time>
  );
}
