/** Alert channels (per account), their deliveries, and the dispatcher that sends them. */
export { createChannel } from "./create.ts";
export { listChannels } from "./list.ts";
export { updateChannel } from "./update.ts";
export { deleteChannel } from "./delete.ts";
export { testChannel } from "./test.ts";
export { listDeliveries } from "./deliveries.ts";
export * from "./input.ts";
export type { Channel } from "./store.ts";
export type { Delivery } from "./deliveries.ts";
