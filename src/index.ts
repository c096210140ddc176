import { runServer } from "./server";

// `npm start`: the API with its worker, configured from the environment (see README.md).
await runServer();
