import { page } from "../../fresh/mod.ts";
import { define } from "../../web/define.ts";
import { EmptyState, LinkButton, PageHeader } from "../../components/ui.tsx";

export const handler = define.handlers({
  GET(ctx) {
    ctx.state.title = "Monitors";
    return page({});
  },
});

export default define.page<typeof handler>(() => (
  <>
    <PageHeader
      title="Monitors"
      actions={<LinkButton href="/app/monitors/new">Add monitor</LinkButton>}
    />
    <EmptyState
      title="No monitors yet"
      action={<LinkButton href="/app/monitors/new">Add your first monitor</LinkButton>}
    >
      A monitor checks a URL from every region on a schedule and tells you when it goes down.
    </EmptyState>
  </>
));
