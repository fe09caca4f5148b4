/**
 * Live sockets per client address: one address may hold at most LIVE_SOCKETS_PER_ADDRESS
 * (default {@link MAX_SOCKETS_PER_ADDRESS}), so a single client cannot take the hub's whole budget
 * (every socket costs memory and a share of each broadcast).
 */
export const MAX_SOCKETS_PER_ADDRESS = 64;

export class AddressCap {
  #open = new Map<string, number>();

  constructor(readonly max = MAX_SOCKETS_PER_ADDRESS) {}

  /** Whether another socket from `address` would still fit. */
  hasRoom(address: string): boolean {
    return (this.#open.get(address) ?? 0) < this.max;
  }

  /** Counts a socket in; false (and nothing counted) when the address is full. */
  acquire(address: string): boolean {
    const open = this.#open.get(address) ?? 0;
    if (open >= this.max) return false;
    this.#open.set(address, open + 1);
    return true;
  }

  release(address: string): void {
    const open = (this.#open.get(address) ?? 0) - 1;
    if (open > 0) this.#open.set(address, open);
    else this.#open.delete(address);
  }
}

const caps = new WeakMap<object, AddressCap>();

/** The cap of this app instance (keyed by its services, as the hub is). */
export function addressCap(
  services: { config: { liveSocketsPerAddress: number } },
): AddressCap {
  let cap = caps.get(services);
  if (!cap) caps.set(services, cap = new AddressCap(services.config.liveSocketsPerAddress));
  return cap;
}
