/**
 * A time as the server can write it (UTC, marked as such), which the `LocalTimes` island
 * rewrites into the viewer's time zone, or into a relative time that keeps ticking.
 */
import { formatDateTime, formatRelative } from "../lib/time_format.ts";

export function Time(props: { at: number; relative?: boolean; class?: string }) {
  const iso = new Date(props.at).toISOString();
  return (
    <time
      dateTime={iso}
      data-local={props.relative ? "relative" : "datetime"}
      title={formatDateTime(props.at, "UTC")}
      class={props.class}
    >
      {props.relative ? formatRelative(props.at) : formatDateTime(props.at, "UTC")}
    </time>
  );
}
