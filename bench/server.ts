import { runServer } from "../src/server";
import { publicTwin } from "./public-twin";

// The server `bun run bench` starts: the real one, plus the unauthenticated twin to compare with.
await runServer((app, deps) => app.use(publicTwin(deps)));
