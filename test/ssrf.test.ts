import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ApiError } from "../src/http/errors";
import { JobFailure } from "../src/modules/jobs/failure";
import { blockedReason, type Lookup, resolveTarget, type TargetPolicy } from "../src/modules/jobs/ssrf";
import { checkTargetUrl } from "../src/modules/jobs/target-url";
import { fetchTarget } from "../src/worker/fetcher";
import { postWebhook } from "../src/worker/webhook-post";
import { startTargetSite, type TargetSite } from "./helpers/target-site";

let site: TargetSite;
let inside: TargetSite;
beforeAll(() => {
  site = startTargetSite(); // stands in for a public website
  inside = startTargetSite(); // a service on the private network
});
afterAll(() => {
  site.stop();
  inside.stop();
});

/** Private targets refused, except the stand-in public site on its own port. */
const policy = (): TargetPolicy => ({
  allowPrivate: false,
  ports: "any",
  trusted: (address, port) => address === "127.0.0.1" && port === site.port,
});
const fakeDns =
  (answers: Record<string, string[]>): Lookup =>
  async (host) => {
    const found = answers[host];
    if (!found) throw new Error("ENOTFOUND");
    return found.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };

async function failure(promise: Promise<unknown>): Promise<JobFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof JobFailure) return error;
    throw error;
  }
  throw new Error("expected the fetch to fail");
}

describe("address classification (ipaddr.js)", () => {
  test.each([
    "127.0.0.1",
    "127.1.2.3",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd00:ec2::254",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "64:ff9b::a9fe:a9fe",
    "2002:7f00:1::1",
    "100.100.100.200",
    "168.63.129.16",
  ])("%s is refused", (address) => {
    expect(blockedReason(address)).not.toBeNull();
  });

  test.each(["93.184.216.34", "8.8.8.8", "2606:2800:220:1:248:1893:25c8:1946", "::ffff:93.184.216.34"])("%s is allowed", (address) => {
    expect(blockedReason(address)).toBeNull();
  });
});

describe("IPv6 forms that carry an IPv4 address: only public unicast passes", () => {
  test.each([
    ["::7f00:1", "IPv4-compatible loopback"],
    ["::a9fe:a9fe", "IPv4-compatible link-local (cloud metadata)"],
    ["::10.0.0.1", "IPv4-compatible private, dotted"],
    ["::c0a8:101", "IPv4-compatible private"],
    ["::ffff:169.254.169.254", "IPv4-mapped link-local"],
    ["::ffff:0:7f00:1", "IPv4-translated (RFC 6145)"],
    ["64:ff9b::7f00:1", "NAT64 well-known prefix"],
    ["64:ff9b::5db8:d822", "NAT64, even of a public IPv4"],
    ["64:ff9b:1::a9fe:a9fe", "NAT64 local-use prefix (RFC 8215)"],
    ["2002:a9fe:a9fe::1", "6to4"],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"],
    ["2a00:1450:4001::5efe:7f00:1", "ISATAP interface id with a loopback IPv4"],
    ["2a00:1450:4001::200:5efe:a00:1", "ISATAP (universal bit) with a private IPv4"],
  ])("%s (%s) is refused", (address) => {
    expect(blockedReason(address)).not.toBeNull();
  });

  test("the refusal names the embedded IPv4 address and its range", () => {
    expect(blockedReason("::7f00:1")).toBe("embeds the IPv4 address 127.0.0.1, which is in the loopback range");
  });

  test.each(["::5db8:d822", "2a00:1450:4001::5efe:5db8:d822"])("%s embeds a public IPv4 and is allowed", (address) => {
    expect(blockedReason(address)).toBeNull();
  });

  test("a URL or a DNS answer with an IPv4-compatible address is refused before connecting", async () => {
    const literal = await failure(
      fetchTarget({ url: `http://[::7f00:1]:${inside.port}/secret`, timeoutMs: 2000, maxBytes: 1000, headers: {}, policy: policy() }),
    );
    expect(literal.code).toBe("blocked_target");
    const lookup = fakeDns({ "metadata.test": ["::a9fe:a9fe"] });
    await expect(resolveTarget(new URL("http://metadata.test/"), policy(), lookup)).rejects.toMatchObject({ code: "blocked_target" });
    expect(inside.hits.size).toBe(0);
  });
});

describe("the fetcher refuses private targets", () => {
  const get = (url: string, lookup?: Lookup) =>
    fetchTarget({ url, timeoutMs: 5000, maxBytes: 1_000_000, headers: {}, policy: policy(), lookup });

  test("a literal loopback URL and a name resolving to loopback are refused before connecting", async () => {
    expect((await failure(get(`${inside.url}/page`))).code).toBe("blocked_target");
    const viaName = await failure(get(`http://intranet.test:${inside.port}/page`, fakeDns({ "intranet.test": ["127.0.0.1"] })));
    expect(viaName.code).toBe("blocked_target");
    expect(inside.hits.size).toBe(0);
  });

  test("a name with one public and one private answer is refused", async () => {
    const lookup = fakeDns({ "mixed.test": ["93.184.216.34", "10.0.0.1"] });
    await expect(resolveTarget(new URL("http://mixed.test/"), policy(), lookup)).rejects.toMatchObject({ code: "blocked_target" });
  });

  test("a redirect from an allowed site to 127.0.0.1 is re-checked and refused", async () => {
    const result = await failure(get(`${site.url}/to?url=${encodeURIComponent(`${inside.url}/secret`)}`));
    expect(result.code).toBe("blocked_target");
    expect(site.hits.get("/to")).toBe(1);
    expect(inside.hits.get("/secret")).toBeUndefined();
  });

  test("the connection goes to the address that was checked, whatever the name resolves to later", async () => {
    let calls = 0;
    // A rebinding resolver: the checked answer first, a private address on any later question.
    const rebinding: Lookup = async () => [{ address: calls++ === 0 ? "127.0.0.1" : "10.0.0.1", family: 4 }];
    const fetched = await get(`http://rebind.test:${site.port}/page`, rebinding);
    expect(fetched.statusCode).toBe(200);
    expect(calls).toBe(1);
  });

  test("a connection kept open from an earlier job is not reused once the name resolves to a forbidden address", async () => {
    const url = `http://flip.test:${site.port}/kept-alive`;
    expect((await get(url, fakeDns({ "flip.test": ["127.0.0.1"] }))).statusCode).toBe(200);
    const refused = await failure(get(url, fakeDns({ "flip.test": ["10.0.0.1"] })));
    expect(refused.code).toBe("blocked_target");
    expect(site.hits.get("/kept-alive")).toBe(1);
  });

  test("only http and https, on allowed ports", async () => {
    expect((await failure(get("file:///etc/passwd"))).code).toBe("blocked_target");
    const ports = fetchTarget({
      url: "http://example.com:6379/",
      timeoutMs: 1000,
      maxBytes: 1000,
      headers: {},
      policy: { allowPrivate: false, ports: [80, 443] },
    });
    expect((await failure(ports)).message).toContain("Port 6379");
  });

  test("a fetch whose signal has already aborted sends nothing", async () => {
    const shutdown = new Error("shutdown");
    const fetch = fetchTarget({
      url: `${site.url}/aborted`,
      timeoutMs: 5000,
      maxBytes: 1000,
      headers: {},
      policy: policy(),
      signal: AbortSignal.abort(shutdown),
    });
    await expect(fetch).rejects.toBe(shutdown);
    expect(site.hits.get("/aborted")).toBeUndefined();
  });

  test("a page whose body cannot be decompressed fails the fetch with a sentence", async () => {
    expect((await failure(get(`${site.url}/gzip-bogus`))).message).toBe("The response body could not be decompressed.");
  });

  test("an unknown name fails as dns_failed", async () => {
    expect((await failure(get("http://nowhere.test/", fakeDns({})))).code).toBe("dns_failed");
  });
});

describe("webhooks go out through the same pinned request", () => {
  const post = (url: string, lookup?: Lookup, timeoutMs = 5000) =>
    postWebhook({ url, body: "{}", headers: {}, policy: policy(), timeoutMs, maxResponseBytes: 1000, lookup });

  test("a literal loopback URL and a name resolving to a private address are refused before connecting", async () => {
    expect((await post(`${inside.url}/hook`)).error).toBe("The address 127.0.0.1 is in the loopback range; such targets are not fetched.");
    const viaName = await post(`http://hooks.test:${inside.port}/hook`, fakeDns({ "hooks.test": ["10.0.0.1"] }));
    expect(viaName).toMatchObject({
      status: null,
      error: "hooks.test resolves to 10.0.0.1, which is in the private range; such targets are not fetched.",
    });
    expect(inside.hits.size).toBe(0);
  });

  test("a redirect is the attempt's answer, never followed", async () => {
    const answer = await post(`${site.url}/to?url=${encodeURIComponent(`${inside.url}/hook`)}`);
    expect(answer).toMatchObject({ status: 301, error: null });
    expect(inside.hits.size).toBe(0);
  });

  test("an answer compressed without being asked is kept as its text", async () => {
    const answer = await post(`${site.url}/gzip`);
    expect(answer).toMatchObject({ status: 200, error: null });
    expect(answer.body).toContain("<title>Compressed</title>");
  });

  test("a 2xx whose body cannot be decompressed is still the receiver's answer, not a failure", async () => {
    expect(await post(`${site.url}/gzip-empty`)).toMatchObject({ status: 204, body: "", error: null });
    expect(await post(`${site.url}/gzip-bogus`)).toMatchObject({ status: 200, body: "", error: null });
  });

  test("a name that never resolves ends the attempt at its timeout", async () => {
    const silent: Lookup = () => new Promise(() => {});
    expect(await post("http://silent.test/hook", silent, 200)).toMatchObject({ status: null, error: "No answer within 200 ms." });
  });
});

describe("one check for every user-given URL", () => {
  const refusal = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (error instanceof ApiError) return error.message;
      throw error;
    }
    throw new Error("expected a refusal");
  };

  test("a malformed URL's message names the field and shows a URL of its kind", () => {
    expect(refusal(() => checkTargetUrl("nope", policy(), "jobs.2.url", "page"))).toBe(
      "Field 'jobs.2.url' must be an absolute URL such as https://example.com/.",
    );
    expect(refusal(() => checkTargetUrl("nope", policy(), "webhook.url", "webhook"))).toBe(
      "Field 'webhook.url' must be an absolute URL such as https://hooks.example.com/azscraper.",
    );
  });

  test("a refused target's message is the fetcher's, after the field", () => {
    expect(refusal(() => checkTargetUrl("http://10.0.0.1/", policy(), "url", "webhook"))).toBe(
      "Field 'url': The address 10.0.0.1 is in the private range; such targets are not fetched.",
    );
  });
});
