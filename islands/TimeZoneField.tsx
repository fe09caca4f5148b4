/**
 * The time zone a form's local date-times are in. A new form (`value` empty) is in UTC as
 * the server renders it (and without JavaScript), in the viewer's own zone once the browser
 * says which that is; a form drawn again keeps the zone it was read in.
 */
import { useEffect, useState } from "preact/hooks";

export default function TimeZoneField(props: { value: string }) {
  const [zone, setZone] = useState(props.value || "UTC");
  useEffect(() => {
    if (props.value) return;
    const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (own) setZone(own);
  }, []);
  return (
    <p id="time-zone" class="text-sm text-slate-600 dark:text-slate-400" data-testid="time-zone">
      <input type="hidden" name="timeZone" value={zone} />
      Times are in <span class="font-medium text-slate-800 dark:text-slate-200">{zone}</span>
      {zone === "UTC" ? "." : " (your browser's time zone)."}
    </p>
  );
}
