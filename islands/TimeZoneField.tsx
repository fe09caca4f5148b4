/**
 * The time zone a form's local date-times are in. A form drawn fresh (`value` empty) is in
 * UTC as the server renders it (and without JavaScript), in the viewer's own zone once the
 * browser says which that is; the fields named in `convert` (ids of `datetime-local`
 * inputs the server filled in UTC) are rewritten to that zone then. A form drawn again
 * keeps the zone it was read in.
 */
import { useEffect, useState } from "preact/hooks";
import { formatLocalInput } from "../lib/time_format.ts";

export default function TimeZoneField(props: { value: string; convert?: string[] }) {
  const [zone, setZone] = useState(props.value || "UTC");
  useEffect(() => {
    if (props.value) return;
    const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!own || own === "UTC") return;
    for (const id of props.convert ?? []) {
      const input = document.getElementById(id) as HTMLInputElement | null;
      const at = input?.value ? Date.parse(`${input.value}Z`) : NaN;
      if (input && Number.isFinite(at)) input.value = formatLocalInput(at, own);
    }
    setZone(own);
  }, []);
  return (
    <p id="time-zone" class="text-sm text-slate-600 dark:text-slate-400" data-testid="time-zone">
      <input type="hidden" name="timeZone" value={zone} />
      Times are in <span class="font-medium text-slate-800 dark:text-slate-200">{zone}</span>
      {zone === "UTC" ? "." : " (your browser's time zone)."}
    </p>
  );
}
