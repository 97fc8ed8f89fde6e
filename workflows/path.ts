// Not a workflow module: resolves the workflows entry for the bundler, from source (.ts) or compiled (.js).
// eslint-disable-next-line no-restricted-imports
import fs from 'node:fs';
// eslint-disable-next-line no-restricted-imports
import path from 'node:path';

export function workflowsEntry(): string {
  for (const ext of ['.ts', '.js']) {
    const file = path.join(__dirname, `index${ext}`);
    if (fs.existsSync(file)) return file;
  }
  throw new Error(`no workflows entry in ${__dirname}`);
}
