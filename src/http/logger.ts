type Fields = Record<string, unknown>;

/** One JSON line per event. Callers pass only fields that are safe to keep: never bodies or headers. */
export type Logger = { info(fields: Fields): void; warn(fields: Fields): void; error(fields: Fields): void };

/**
 * Lines written in batches: the lines of one turn of the event loop go out in one write after it,
 * instead of one system call per request; what is still buffered is written when the process exits.
 */
export function batchedStdout(): (line: string) => void {
  let buffer: string[] = [];
  const flush = () => {
    if (buffer.length === 0) return;
    const text = `${buffer.join("\n")}\n`;
    buffer = [];
    process.stdout.write(text);
  };
  process.on("exit", flush);
  return (line) => {
    if (buffer.push(line) === 1) setImmediate(flush);
  };
}

export const jsonLogger = (write: (line: string) => void = batchedStdout()): Logger => {
  const at = (level: string) => (fields: Fields) => write(JSON.stringify({ level, time: new Date().toISOString(), ...fields }));
  return { info: at("info"), warn: at("warn"), error: at("error") };
};

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
