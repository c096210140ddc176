import { describe, expect, test } from "bun:test";
import { AckBook, AckOutbox, ackChannel, ackPayload } from "../../src/auth/acks";

describe("acknowledgements of invalidations", () => {
  test("a burst of notifications is acknowledged in one query, each payload within PostgreSQL's 8,000 bytes", async () => {
    const sent: [string, string][][] = [];
    const outbox = new AckOutbox("peer", async (notifications) => void sent.push(notifications));
    for (let i = 1; i <= 1000; i++) outbox.add("publisher", String(i));
    outbox.add("other", "7");
    await Bun.sleep(0);
    expect(sent.length).toBe(1);
    const toPublisher = sent[0]!.filter(([channel]) => channel === ackChannel("publisher"));
    expect(toPublisher.every(([, payload]) => payload.startsWith("peer:") && payload.length < 8000)).toBe(true);
    expect(toPublisher.flatMap(([, payload]) => payload.slice("peer:".length).split(",")).length).toBe(1000);
    expect(sent[0]).toContainEqual([ackChannel("other"), "peer:7"]);
  });

  test("acknowledgements queued while one is being sent go out in the next query, and a failed send stops nothing", async () => {
    const sent: string[][] = [];
    const outbox = new AckOutbox("peer", async (notifications) => {
      sent.push(notifications.map(([, payload]) => payload));
      await Bun.sleep(10);
      if (sent.length === 1) throw new Error("connection lost");
    });
    outbox.add("publisher", "1");
    await Bun.sleep(1);
    outbox.add("publisher", "2");
    outbox.add("publisher", "3");
    await Bun.sleep(50);
    expect(sent).toEqual([["peer:1"], ["peer:2,3"]]);
  });

  test("waiting ends as soon as every peer confirmed, or at the deadline with those that did not", async () => {
    let now = 0;
    const book = new AckBook(() => now);
    const id = book.open();
    const waiting = book.waitFor(id, ["p1", "p2"], 50);
    book.record(ackPayload("p1", [id]));
    book.record(ackPayload("p2", ["999", id]));
    expect(await waiting).toEqual([]);

    const late = book.open();
    const timedOut = book.waitFor(late, ["p1", "p2"], 20);
    book.record(ackPayload("p1", [late]));
    now = 20;
    expect(await timedOut).toEqual(["p2"]);
    book.close(late);
    expect(() => book.record(ackPayload("p2", [late]))).not.toThrow(); // after close: ignored
  });
});
