import { router } from "../init.ts";

export const websiteRouter = router({});
