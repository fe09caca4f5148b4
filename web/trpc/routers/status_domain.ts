import { router } from "../init.ts";

export const statusDomainRouter = router({});
