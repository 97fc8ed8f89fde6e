import { createDb, ensureDatabase } from '../db/connection';
import { loadConfig } from '../platform/config';

/** `npm run db:migrate | db:rollback | db:seed` */
async function main(command: string | undefined): Promise<void> {
  const config = loadConfig();
  await ensureDatabase(config.databaseUrl);
  const db = createDb(config.databaseUrl);
  try {
    if (command === 'migrate') {
      const [, done] = await db.migrate.latest();
      process.stdout.write(`migrated: ${done.length ? done.join(', ') : 'already up to date'}\n`);
    } else if (command === 'rollback') {
      const [, undone] = await db.migrate.rollback(undefined, true);
      process.stdout.write(`rolled back: ${undone.join(', ') || 'nothing'}\n`);
    } else if (command === 'seed') {
      const [files] = await db.seed.run();
      process.stdout.write(`seeded: ${files.length} files\n`);
    } else {
      throw new Error('usage: db.ts migrate | rollback | seed');
    }
  } finally {
    await db.destroy();
  }
}

main(process.argv[2]).catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
