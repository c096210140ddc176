import ipaddr from "ipaddr.js";

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** A key's allowed addresses, parsed once when the key is cached. */
export type IpAllowlist = readonly Range[];

/** An address as written, IPv4-mapped IPv6 (`::ffff:a.b.c.d`, how Bun reports IPv4 peers) as plain IPv4. */
export function parseAddress(raw: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (!ipaddr.isValid(raw)) return null;
  const parsed = ipaddr.parse(raw);
  return parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
}

/** One allowlist entry (an address or a CIDR range) as a range, or null when it is neither. */
export function parseRange(entry: string): Range | null {
  if (entry.includes("/")) {
    if (!ipaddr.isValidCIDR(entry)) return null;
    const [address, bits] = ipaddr.parseCIDR(entry);
    if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
      return [(address as ipaddr.IPv6).toIPv4Address(), bits - 96];
    }
    return [address, bits];
  }
  const address = parseAddress(entry);
  if (!address) return null;
  return [address, address.kind() === "ipv4" ? 32 : 128];
}

export const parseAllowlist = (entries: readonly string[]): IpAllowlist => entries.map(parseRange).filter((r): r is Range => r !== null);

/** True when `address` falls in one of the ranges; an unknown address (not over TCP, say) never does. */
export function isAllowed(allowlist: IpAllowlist, address: string | null): boolean {
  const parsed = address === null ? null : parseAddress(address);
  if (!parsed) return false;
  return allowlist.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits));
}
