type Fields = Record<string, unknown>;

/** One JSON line per event. Callers pass only fields that are safe to keep: never bodies or headers. */
export type Logger = { info(fields: Fields): void; warn(fields: Fields): void; error(fields: Fields): void };

/** How long a line may wait in the buffer; a busy server writes once per this instead of once per event-loop turn. */
const FLUSH_MS = 20;
/** A buffer this large is written at once, whatever the time. */
const FLUSH_BYTES = 64 * 1024;

/**
 * Lines written in batches: the lines of up to FLUSH_MS go out in one write, instead of a system
 * call per request (writes cost a busy server a fifth of its throughput at one per event-loop
 * turn); what is still buffered is written when the process exits.
 */
export function batchedStdout(): (line: string) => void {
  let buffer: string[] = [];
  let bytes = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (buffer.length === 0) return;
    const text = `${buffer.join("\n")}\n`;
    buffer = [];
    bytes = 0;
    process.stdout.write(text);
  };
  process.on("exit", flush);
  return (line) => {
    buffer.push(line);
    bytes += line.length;
    if (bytes >= FLUSH_BYTES) flush();
    else timer ??= setTimeout(flush, FLUSH_MS);
  };
}

/** The time field, formatted once per millisecond however many lines share it. */
let lastMs = 0;
let lastTime = "";
function timeField(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastTime = new Date(ms).toISOString();
  }
  return lastTime;
}

export const jsonLogger = (write: (line: string) => void = batchedStdout()): Logger => {
  // The level and time, then the fields' own JSON spliced in: no copy of the fields per line.
  const at = (level: string) => (fields: Fields) => {
    const rest = JSON.stringify(fields);
    write(`{"level":"${level}","time":"${timeField()}"${rest === "{}" ? "}" : `,${rest.slice(1)}`}`);
  };
  return { info: at("info"), warn: at("warn"), error: at("error") };
};

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
