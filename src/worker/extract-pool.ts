import type { JobOptions } from "../modules/jobs/view";

type Pending = { resolve(json: string): void; reject(error: Error): void };
type Thread = { worker: Worker; pending: Map<number, Pending> };
type Reply = { id: number; json?: string; failed?: string };

/**
 * Extraction (linkedom parse, selectors, Markdown) on `size` threads instead of the event loop:
 * a 2 MB page takes tens of milliseconds to parse, which would otherwise stall every API request
 * of the process for as long. Each page goes to the thread with the fewest pages in hand.
 */
export class ExtractPool {
  private readonly threads: Thread[] = [];
  private nextId = 1;

  constructor(private readonly size: number) {}

  private spawn(): Thread {
    const worker = new Worker(new URL("./extract-thread.ts", import.meta.url).href);
    const thread: Thread = { worker, pending: new Map() };
    worker.onmessage = (event: MessageEvent<Reply>) => {
      const { id, json, failed } = event.data;
      const pending = thread.pending.get(id);
      thread.pending.delete(id);
      if (failed !== undefined) pending?.reject(new Error(`extraction failed (${failed})`));
      else pending?.resolve(json!);
    };
    // A thread that dies takes its pages with it: they fail (as internal errors), and a new thread takes its place.
    worker.onerror = () => {
      for (const pending of thread.pending.values()) pending.reject(new Error("extraction thread crashed"));
      thread.pending.clear();
      worker.terminate();
      const at = this.threads.indexOf(thread);
      if (at >= 0) this.threads[at] = this.spawn();
    };
    // Idle threads must not keep a process alive that has nothing else to do.
    (worker as unknown as { unref(): void }).unref();
    return thread;
  }

  private pick(): Thread {
    while (this.threads.length < this.size) this.threads.push(this.spawn());
    return this.threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  /**
   * Extracts a page on a thread: the fields `extract` (extract.ts) gives, as JSON object text.
   * The thread takes `body`: do not use it afterwards.
   */
  run(
    body: Buffer,
    contentType: string | null,
    finalUrl: string,
    wanted: JobOptions["extract"],
    formats: Partial<JobOptions>,
  ): Promise<string> {
    const thread = this.pick();
    const id = this.nextId++;
    // Memory the thread can own: the body's own when it holds all of it (a page above a few KB
    // does), a copy when it shares Node's buffer pool with other buffers.
    const owned = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
    const copy = owned ? (body.buffer as ArrayBuffer) : new Uint8Array(body).buffer;
    const { onlyMainContent, selectors } = formats;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ id, body: copy, contentType, finalUrl, wanted, formats: { onlyMainContent, selectors } }, [copy]);
    });
  }

  async close(): Promise<void> {
    for (const thread of this.threads.splice(0)) {
      for (const pending of thread.pending.values()) pending.reject(new Error("extraction pool closed"));
      thread.worker.terminate();
    }
  }
}
