/** One JSON line per event. Callers pass only fields that are safe to keep: never bodies or headers. */
export type Logger = { info(fields: Record<string, unknown>): void; error(fields: Record<string, unknown>): void };

export const jsonLogger = (write: (line: string) => void = (l) => process.stdout.write(l + "\n")): Logger => ({
  info: (fields) => write(JSON.stringify({ level: "info", time: new Date().toISOString(), ...fields })),
  error: (fields) => write(JSON.stringify({ level: "error", time: new Date().toISOString(), ...fields })),
});

export const silentLogger: Logger = { info: () => {}, error: () => {} };
