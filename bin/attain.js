#!/usr/bin/env node
// Runs the TypeScript command line in this very process through tsx's loader: no build step to
// forget, and no child process in between, so a supervisor's SIGTERM reaches the process doing
// the work (its shutdown handler stops the worker) and a SIGKILL leaves nothing running.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
register();
await import(pathToFileURL(path.join(root, 'jobs/main.ts')).href);
