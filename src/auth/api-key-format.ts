import { randomInt } from "node:crypto";

/**
 * Key format, as GitHub's tokens: a readable prefix, 36 base62 random characters (214 bits) and
 * a 6-character base62 CRC32 of the random part. The prefix makes leaked keys easy to scan for;
 * the checksum lets a typo or a made-up key be refused before any database work.
 */
export const KEY_PREFIX = "azs_";
const RANDOM_LENGTH = 36;
const CHECKSUM_LENGTH = 6;
export const KEY_LENGTH = KEY_PREFIX.length + RANDOM_LENGTH + CHECKSUM_LENGTH;

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BODY = new RegExp(`^${KEY_PREFIX}[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}$`);

function base62(value: number, width: number): string {
  let out = "";
  for (let i = 0; i < width; i++) {
    out = ALPHABET[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

function checksum(random: string): string {
  return base62(Bun.hash.crc32(random), CHECKSUM_LENGTH);
}

/** A new random key; the caller shows it once and stores only its hash and hint. */
export function generateApiKey(): string {
  let random = "";
  for (let i = 0; i < RANDOM_LENGTH; i++) random += ALPHABET[randomInt(62)];
  return KEY_PREFIX + random + checksum(random);
}

/**
 * A well-formed key that shares all but the last `change` random characters with `key`: what a
 * guess at a real key looks like. For the timing benchmark, which checks that such a near miss
 * is answered as fast as a key with nothing in common.
 */
export function lookalikeApiKey(key: string, change = 6): string {
  let random = key.slice(KEY_PREFIX.length, KEY_PREFIX.length + RANDOM_LENGTH - change);
  while (random.length < RANDOM_LENGTH) random += ALPHABET[randomInt(62)];
  return KEY_PREFIX + random + checksum(random);
}

/** True when the string has the key's shape and its checksum matches. */
export function isWellFormedApiKey(candidate: string): boolean {
  if (candidate.length !== KEY_LENGTH || !BODY.test(candidate)) return false;
  const random = candidate.slice(KEY_PREFIX.length, KEY_PREFIX.length + RANDOM_LENGTH);
  return candidate.slice(-CHECKSUM_LENGTH) === checksum(random);
}

/** The last 4 characters: safe to display, as the seed page promises. */
export const keyHint = (key: string) => key.slice(-4);

/** Keys carry ≥192 random bits, so a fast unsalted hash is right (a slow one would only cost CPU). */
export function hashApiKey(key: string): string {
  return new Bun.CryptoHasher("sha256").update(key).digest("hex");
}
