import postgres from "postgres";
import type { Database } from "../db/client";

/**
 * The session setting that tags a process's listening session; see `ListenerSession.listen`. One
 * per process, so that tags of several in-process apps (the test suite) never mix.
 */
export const tagSetting = (processId: string) => `azscraper.listener_${processId}`;

/**
 * The one database session a process LISTENs on. Its heartbeat and acknowledgements run on it too:
 * PostgreSQL hands a session every notification committed before one of its queries started, before
 * that query's result, so a heartbeat answered on this session proves the process has heard all of
 * them. It is a connection of its own, beside the pool.
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
  return postgresSession((database.db as unknown as { $client: postgres.Sql }).$client, handlers);
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
