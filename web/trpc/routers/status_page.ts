import { router } from "../init.ts";

export const statusPageRouter = router({});
