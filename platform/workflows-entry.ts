import fs from 'node:fs';
import path from 'node:path';

/** The workflows entry for the bundler and replayer, from source (.ts) or compiled (.js). */
export function workflowsEntry(): string {
  for (const ext of ['.ts', '.js']) {
    const file = path.join(__dirname, '..', 'workflows', `index${ext}`);
    if (fs.existsSync(file)) return file;
  }
  throw new Error(`no workflows entry next to ${__dirname}`);
}

/** Workflow interceptor modules (request ids into activities), for the bundler and the worker. */
export function workflowInterceptorModules(): string[] {
  for (const ext of ['.ts', '.js']) {
    const file = path.join(__dirname, '..', 'workflows', `request-context${ext}`);
    if (fs.existsSync(file)) return [file];
  }
  throw new Error(`no workflow interceptors next to ${__dirname}`);
}
