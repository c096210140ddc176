/** The source of "now", injected so tests can move time. */
export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };

/** One day in milliseconds: lifetimes, retention and ranges are counted in whole days of UTC time. */
export const DAY_MS = 86_400_000;
