import { extract } from "./extract";
import { storableJson } from "./storable-json";

/**
 * A thread of the extraction pool (extract-pool.ts): parses and extracts one page per message, so
 * a large page never holds the event loop that serves the API. It answers with the extracted
 * fields as JSON text, which the job's result stores as is: a string crosses threads far cheaper
 * than a structured clone of the text and the links, and the main thread never parses it.
 */
declare const self: Worker;

type Request = { id: number; body: ArrayBuffer; contentType: string | null; finalUrl: string; wanted: never; formats: never };

self.onmessage = (event: MessageEvent<Request>) => {
  const { id, body, contentType, finalUrl, wanted, formats } = event.data;
  try {
    self.postMessage({ id, json: storableJson(extract(Buffer.from(body), contentType, finalUrl, wanted, formats)) });
  } catch (error) {
    // Only the class: a message could quote the page.
    self.postMessage({ id, failed: (error as Error)?.name ?? "Error" });
  }
};
