import { addStatusDomain } from "../../../services/status_domains/add.ts";
import {
  addStatusDomainInput,
  domainIdInput,
  listStatusDomainsInput,
} from "../../../services/status_domains/input.ts";
import { listStatusDomains } from "../../../services/status_domains/list.ts";
import { removeStatusDomain } from "../../../services/status_domains/remove.ts";
import { verifyStatusDomain } from "../../../services/status_domains/verify.ts";
import { authedProcedure, router } from "../init.ts";

export const statusDomainRouter = router({
  add: authedProcedure.input(addStatusDomainInput)
    .mutation(({ ctx, input }) => addStatusDomain(ctx.services, ctx.actor, input)),
  list: authedProcedure.input(listStatusDomainsInput)
    .query(({ ctx, input }) => listStatusDomains(ctx.services, ctx.actor, input.statusPageId)),
  verify: authedProcedure.input(domainIdInput)
    .mutation(({ ctx, input }) => verifyStatusDomain(ctx.services, ctx.actor, input.id)),
  remove: authedProcedure.input(domainIdInput)
    .mutation(({ ctx, input }) => removeStatusDomain(ctx.services, ctx.actor, input.id)),
});
