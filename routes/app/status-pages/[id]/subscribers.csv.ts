/** `/app/status-pages/<id>/subscribers.csv`: every subscriber of the page, for its owner. */
import { HttpError } from "../../../../fresh/mod.ts";
import { define } from "../../../../web/define.ts";
import { DomainError } from "../../../../services/errors.ts";
import { subscribersCsv } from "../../../../services/subscribers/list.ts";
import { actorOf } from "../../../../services/context.ts";
import { pageError } from "../../../../web/page_errors.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const id = ctx.params.id;
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new HttpError(404, "No such status page");
    try {
      const { filename, csv } = await subscribersCsv(
        ctx.state.services,
        actorOf(ctx.state.user!),
        id,
      );
      return new Response(csv, {
        headers: {
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": `attachment; filename="${filename}"`,
        },
      });
    } catch (error) {
      if (error instanceof DomainError && error.code === "NOT_FOUND") {
        throw new HttpError(404, "No such status page");
      }
      throw pageError(error);
    }
  },
});
