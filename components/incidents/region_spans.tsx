/** Each region's checks during an incident: how many failed of all, the first and last failure. */
import type { RegionSpan } from "../../services/incidents/mod.ts";
import { Card } from "../ui.tsx";
import { Time } from "../time.tsx";

export function RegionSpans(props: { regions: RegionSpan[] }) {
  return (
    <Card>
      <div class="overflow-x-auto">
        <table class="w-full text-left text-sm">
          <caption class="sr-only">
            Each region's checks from the start of the incident to its end
          </caption>
          <thead class="border-b border-slate-200 text-xs uppercase text-slate-600 dark:border-slate-700 dark:text-slate-400">
            <tr>
              <th scope="col" class="px-4 py-2 sm:px-6">Region</th>
              <th scope="col" class="px-4 py-2">Failed checks</th>
              <th scope="col" class="hidden px-4 py-2 sm:table-cell">First failure</th>
              <th scope="col" class="hidden px-4 py-2 sm:table-cell sm:pr-6">
                Last failure
              </th>
            </tr>
          </thead>
          <tbody class="divide-y divide-slate-100 dark:divide-slate-700">
            {props.regions.map((span) => (
              <tr key={span.region} class="align-top">
                <td class="px-4 py-3 font-mono sm:px-6">{span.region}</td>
                <td class="px-4 py-3">
                  {span.checks ? `${span.failed} of ${span.checks}` : "No checks stored"}
                </td>
                <td class="hidden px-4 py-3 whitespace-nowrap sm:table-cell">
                  {span.firstFailureAt === null ? "—" : <Time at={span.firstFailureAt} seconds />}
                </td>
                <td class="hidden px-4 py-3 whitespace-nowrap sm:table-cell sm:pr-6">
                  {span.lastFailureAt === null ? "—" : <Time at={span.lastFailureAt} seconds />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
