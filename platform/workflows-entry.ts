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
