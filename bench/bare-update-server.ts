import { Client, Connection } from '@temporalio/client';
import express from 'express';

/**
 * A reference of scenario (b), target 1 (not the target's baseline): the bare Update behind the
 * least an HTTP hop can be — Express 5, a JSON body, one `executeUpdate` of the Temporal client,
 * the answered view as JSON; no authentication, no database, no logging. Its own Node process
 * started the way the API is. The difference from the bare Update driven by the harness's own
 * client is the cost of HTTP and of a second Node process on the way. Env: TEMPORAL_ADDRESS, PORT.
 */
async function main(): Promise<void> {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS is required');
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  app.post('/workflows/:id/updates/:name', async (req, res) => {
    try {
      const view = await client.workflow.getHandle(String(req.params.id)).executeUpdate<unknown, [unknown]>(String(req.params.name), { args: [req.body?.command] });
      res.json(view);
    } catch (err) {
      res.status(500).json({ error: (err as Error).message });
    }
  });
  const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const a = server.address();
    process.stdout.write(`bare-update: listening on ${typeof a === 'object' && a ? a.port : ''} (pid ${process.pid})\n`);
  });
  const stop = () => server.close(() => void connection.close().finally(() => process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write(`bare-update: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
