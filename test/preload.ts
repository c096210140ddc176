import { afterAll } from "bun:test";
import { stopSharedTestServer } from "./helpers/database";

// A preload's afterAll runs once, after every test file: the run's embedded PostgreSQL stops here.
afterAll(() => stopSharedTestServer());
