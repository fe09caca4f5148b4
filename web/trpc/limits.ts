/**
 * Calls one batched tRPC request may carry. The server refuses more with 400 (a batch
 * of 1,000 calls would otherwise run 1,000 procedures for one request); our client
 * splits its batches at the same size.
 */
export const MAX_BATCH_CALLS = 50;
