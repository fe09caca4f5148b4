/** `/app/reports/availability.csv?from=&to=&tag=`: the report the page shows, as CSV. */
import { HttpError } from "../../../fresh/mod.ts";
import { define } from "../../../web/define.ts";
import { pageError } from "../../../web/page_errors.ts";
import { readReportQuery } from "../../../web/report_query.ts";
import { availabilityReport } from "../../../services/reports/availability.ts";
import { availabilityCsv } from "../../../services/reports/csv.ts";
import { actorOf } from "../../../services/context.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const { input, errors } = readReportQuery(ctx.url);
    if (!input) throw new HttpError(400, Object.values(errors).join(" "));
    const report = await availabilityReport(ctx.state.services, actorOf(ctx.state.user!), input)
      .catch((error) => {
        throw pageError(error);
      });
    const { filename, csv } = availabilityCsv(report);
    return new Response(csv, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${filename}"`,
        "cache-control": "no-store",
      },
    });
  },
});
