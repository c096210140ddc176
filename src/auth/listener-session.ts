import type { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import type { Database } from "../db/client";

/**
 * The session setting that tags a process's listening session; see `ListenerSession.listen`. One
 * per process, since on PGlite every process in the test suite shares the one session.
 */
export const tagSetting = (processId: string) => `azscraper.listener_${processId}`;

/**
 * The one database session a process LISTENs on. Its heartbeat and acknowledgements run on it too:
 * PostgreSQL hands a session every notification committed before one of its queries started, before
 * that query's result, so a heartbeat answered on this session proves the process has heard all of
 * them. On PostgreSQL it is a connection of its own; on PGlite, the in-process client (one session).
 */
export type ListenerSession = {
  /**
   * LISTENs on `channels` and sets the `setting` to `tag`, on one session in one round trip: a
   * query that later reads the tag back ran on a session that has been listening since.
   */
  listen(channels: string[], setting: string, tag: string): Promise<void>;
  query(text: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
};

type Handlers = { appName: string; onNotify(channel: string, payload: string): void; onLost(): void };

export function openListenerSession(database: Database, handlers: Handlers): ListenerSession {
  const client = (database.db as unknown as { $client: unknown }).$client;
  return database.kind === "pglite" ? pgliteSession(client as PGlite, handlers) : postgresSession(client as postgres.Sql, handlers);
}

// Channel names and tags are our own lowercase identifiers and hex, never user input.
const tagStatement = (setting: string, tag: string) => `select set_config('${setting}', '${tag}', false)`;

function postgresSession(pool: postgres.Sql, handlers: Handlers): ListenerSession {
  const options = pool.options;
  const listener = postgres({
    ...options,
    max: 1,
    idle_timeout: null,
    max_lifetime: null,
    fetch_types: false,
    // Its own retry count: sharing the pool's would lengthen the pool's back-off during outages.
    shared: { retries: 0, typeArrayMap: {} },
    // Shown in pg_stat_activity, so an operator (or a fault test) can find a process's listener.
    connection: { ...options.connection, application_name: handlers.appName },
    onnotify: handlers.onNotify,
    onclose: handlers.onLost,
  } as unknown as postgres.Options<Record<string, never>>);
  return {
    // Without parameters postgres.js sends one simple query: the statements share one session.
    listen: async (channels, setting, tag) =>
      void (await listener.unsafe(`${channels.map((c) => `listen "${c}";`).join(" ")} ${tagStatement(setting, tag)}`)),
    query: async (text, params) => [...(await listener.unsafe(text, params as postgres.ParameterOrJSON<never>[]))],
    close: () => listener.end({ timeout: 1 }),
  };
}

function pgliteSession(client: PGlite, handlers: Handlers): ListenerSession {
  const unlisteners = new Map<string, () => Promise<void>>();
  return {
    async listen(channels, setting, tag) {
      for (const channel of channels) {
        if (!unlisteners.has(channel))
          unlisteners.set(channel, await client.listen(channel, (payload) => handlers.onNotify(channel, payload)));
      }
      await client.exec(tagStatement(setting, tag));
    },
    query: async (text, params) => (await client.query<Record<string, unknown>>(text, params)).rows,
    async close() {
      for (const unlisten of unlisteners.values()) await unlisten().catch(() => {});
    },
  };
}
