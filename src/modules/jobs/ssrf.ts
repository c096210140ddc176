import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { JobFailure } from "./failure";

/** What a job may fetch: set from ALLOW_PRIVATE_TARGETS and ALLOWED_TARGET_PORTS. */
export type TargetPolicy = {
  allowPrivate: boolean;
  ports: number[] | "any";
  /** Addresses to treat as public anyway; tests use it to stand a local server in for a public site. */
  trusted?: (address: string, port: number) => boolean;
};
export type Resolved = { address: string; family: 4 | 6 };
export type Lookup = (hostname: string) => Promise<Resolved[]>;

/** Cloud metadata endpoints outside the ranges ipaddr.js already classes as non-unicast. */
const METADATA = new Set(["168.63.129.16", "100.100.100.200", "192.0.0.192", "fd00:ec2::254"]);

function ipv4Reason(ip: ipaddr.IPv4): string | null {
  if (METADATA.has(ip.toString())) return "is a cloud metadata address";
  const range = ip.range();
  return range === "unicast" ? null : `is in the ${range} range`;
}

/**
 * The IPv4 address inside an IPv6 one that ipaddr.js classes as plain unicast: IPv4-compatible
 * (::/96, deprecated but still parsed, e.g. ::7f00:1) and ISATAP interface ids (::5efe:a.b.c.d).
 * The other embedding forms (NAT64, 6to4, Teredo, RFC 6145) have ranges of their own and never pass.
 */
function embeddedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4 | null {
  const p = ip.parts;
  const tail = () => new ipaddr.IPv4([p[6]! >> 8, p[6]! & 0xff, p[7]! >> 8, p[7]! & 0xff]);
  if (p.slice(0, 6).every((x) => x === 0)) return tail();
  if ((p[4] === 0 || p[4] === 0x200) && p[5] === 0x5efe) return tail();
  return null;
}

/**
 * Why an address must not be fetched, or null. An allowlist: only public unicast passes. IPv4 must
 * be in ipaddr.js's `unicast` range (so loopback, private, link-local with 169.254.169.254,
 * carrier-grade NAT, multicast, reserved... are refused). IPv6 must be `unicast` too (which refuses
 * loopback, unique-local, link-local, NAT64, 6to4, Teredo and the other special ranges), and an
 * IPv4 address it carries must pass the IPv4 rule; an IPv4-mapped address is judged as its IPv4.
 */
export function blockedReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return "is not an IP address";
  const ip = ipaddr.parse(address);
  if (ip.kind() === "ipv4") return ipv4Reason(ip as ipaddr.IPv4);
  const v6 = ip as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return ipv4Reason(v6.toIPv4Address());
  if (METADATA.has(v6.toString())) return "is a cloud metadata address";
  const range = v6.range();
  if (range !== "unicast") return `is in the ${range} range`;
  const inner = embeddedIPv4(v6);
  const innerReason = inner && ipv4Reason(inner);
  return innerReason ? `embeds the IPv4 address ${inner}, which ${innerReason}` : null;
}

const defaultPort = (url: URL) => Number(url.port || (url.protocol === "https:" ? 443 : 80));

/** Checks what can be known without DNS: scheme, credentials, port, and a literal IP host. */
export function checkUrl(url: URL, policy: TargetPolicy): void {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new JobFailure("blocked_target", `Only http and https URLs can be fetched, not ${url.protocol.replace(/:$/, "")}.`);
  }
  if (url.username || url.password) throw new JobFailure("blocked_target", "URLs with a user name or password are not fetched.");
  const port = defaultPort(url);
  if (policy.ports !== "any" && !policy.ports.includes(port)) {
    throw new JobFailure("blocked_target", `Port ${port} is not allowed; allowed ports: ${policy.ports.join(", ")}.`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) && !policy.allowPrivate && !policy.trusted?.(host, port)) {
    const reason = blockedReason(host);
    if (reason) throw new JobFailure("blocked_target", `The address ${host} ${reason}; such targets are not fetched.`);
  }
}

export const systemLookup: Lookup = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family as 4 | 6 }));

/**
 * Resolves the host once and returns the address to connect to. Every answer must pass (a name
 * that resolves to one public and one private address is refused), and the caller connects to
 * exactly this address, so a DNS answer that changes after the check is never used.
 */
export async function resolveTarget(url: URL, policy: TargetPolicy, lookup: Lookup = systemLookup): Promise<Resolved> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const literal = isIP(host);
  let answers: Resolved[];
  if (literal) answers = [{ address: host, family: literal as 4 | 6 }];
  else {
    try {
      answers = await lookup(host);
    } catch {
      throw new JobFailure("dns_failed", `The host name ${host} could not be resolved.`);
    }
    if (answers.length === 0) throw new JobFailure("dns_failed", `The host name ${host} has no addresses.`);
  }
  if (!policy.allowPrivate) {
    for (const { address } of answers) {
      const reason = policy.trusted?.(address, defaultPort(url)) ? null : blockedReason(address);
      if (reason) throw new JobFailure("blocked_target", `${host} resolves to ${address}, which ${reason}; such targets are not fetched.`);
    }
  }
  return answers[0]!;
}
