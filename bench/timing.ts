import { generateApiKey, lookalikeApiKey } from "../src/auth/api-key-format";

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function timed(url: string, key: string): Promise<number> {
  const start = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  await res.arrayBuffer();
  const us = (performance.now() - start) * 1000;
  if (res.status !== 401) throw new Error(`expected 401 for a wrong key, got ${res.status}`);
  return us;
}

/**
 * Sequential requests, interleaved so drift hits both kinds alike: a well-formed key nobody has,
 * and one that shares all but its last random characters with a real key. Both must miss the
 * same way (hash, index lookup, constant-time compare), so their medians should be within noise.
 */
export async function measureTimingGap(url: string, realKey: string, pairs = 2000) {
  const unknown: number[] = [];
  const lookalike: number[] = [];
  for (let i = 0; i < 200; i++) await timed(url, generateApiKey());
  for (let i = 0; i < pairs; i++) {
    const [first, second] = i % 2 ? ["u", "l"] : ["l", "u"];
    for (const kind of [first, second]) {
      if (kind === "u") unknown.push(await timed(url, generateApiKey()));
      else lookalike.push(await timed(url, lookalikeApiKey(realKey)));
    }
  }
  const unknownMedianUs = median(unknown);
  const lookalikeMedianUs = median(lookalike);
  return { pairs, unknownMedianUs, lookalikeMedianUs, medianGapUs: unknownMedianUs - lookalikeMedianUs };
}
