import { randomBytes } from "node:crypto";

/**
 * A 24-hex id like the hosted service's: 4 bytes of seconds then 8 random bytes, so ids sort
 * roughly by creation time and cannot be guessed.
 */
export function newId(now: Date = new Date()): string {
  const seconds = Math.floor(now.getTime() / 1000)
    .toString(16)
    .padStart(8, "0");
  return seconds + randomBytes(8).toString("hex");
}
