type Fields = Record<string, unknown>;

/** One JSON line per event. Callers pass only fields that are safe to keep: never bodies or headers. */
export type Logger = { info(fields: Fields): void; warn(fields: Fields): void; error(fields: Fields): void };

export const jsonLogger = (write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Logger => {
  const at = (level: string) => (fields: Fields) => write(JSON.stringify({ level, time: new Date().toISOString(), ...fields }));
  return { info: at("info"), warn: at("warn"), error: at("error") };
};

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
