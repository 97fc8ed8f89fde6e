import { Client, Connection } from '@temporalio/client';
import express, { type NextFunction, type Request, type Response } from 'express';
import { authenticate, requireOfficer } from '../api/auth';
import { timed } from '../api/server-timing';
import { createDb } from '../db/connection';
import { DomainError } from '../domain/errors';
import { authConfig } from '../platform/config';
import { officerAccountCache } from '../platform/identity';

/**
 * A floor of scenario (b), target 1 (not the target's baseline): the minimal durable action — what
 * any correct design of an officer's action must pay on this machine. Express 5 and a JSON body as
 * the bare-Update reference (bench/bare-update-server.ts), plus the API's own bearer-token
 * verification (`authenticate` of api/auth.ts, the module the API mounts, with the officer accounts
 * kept in memory as api/app.ts wires them by default: the JWT checked, the officer's account found,
 * through a pool of the API's size) and `requireOfficer`, then one
 * `executeUpdate` of `durableOfficeWorkflow`, whose Update runs ONE local activity that INSERTs
 * the event row in one transaction before it answers the view; the view answered as JSON. No
 * idempotency record, no audit, no logging, no read model. Its own Node process started the way the
 * API is. Env: TEMPORAL_ADDRESS, DATABASE_URL, PORT.
 */
async function main(): Promise<void> {
  const address = process.env.TEMPORAL_ADDRESS;
  const databaseUrl = process.env.DATABASE_URL;
  if (!address || !databaseUrl) throw new Error('TEMPORAL_ADDRESS and DATABASE_URL are required');
  const db = createDb(databaseUrl);
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const app = express();
  app.disable('x-powered-by');
  // As the API: who is calling is known before any work on the body.
  const accounts = officerAccountCache(db);
  app.use(authenticate(db, authConfig(process.env), { accounts }));
  app.use(express.json({ limit: '1mb' }));
  app.post('/workflows/:id/updates/:name', async (req, res, next) => {
    try {
      requireOfficer(req);
      // The Update's own time, named as the API names its own (api/server-timing.ts): the floor's and ours compared.
      // The Idempotency-Key as the update id, as the API derives its own from it: the harness finds each Update in the history by it.
      const updateId = req.get('idempotency-key') || undefined;
      const view = await timed(res, 'update', () =>
        client.workflow.getHandle(String(req.params.id)).executeUpdate<unknown, [unknown]>(String(req.params.name), { args: [req.body?.command], ...(updateId ? { updateId } : {}) }),
      );
      res.json(view);
    } catch (err) {
      next(err);
    }
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = err instanceof DomainError ? (err.kind === 'unauthenticated' ? 401 : 403) : 500;
    res.status(status).json({ error: (err as Error).message });
  });
  const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const a = server.address();
    process.stdout.write(`durable-update: listening on ${typeof a === 'object' && a ? a.port : ''} (pid ${process.pid})\n`);
  });
  const stop = () => server.close(() => void Promise.allSettled([connection.close(), accounts.close().then(() => db.destroy())]).finally(() => process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write(`durable-update: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
