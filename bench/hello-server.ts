import express from 'express';

/**
 * The baseline of scenario (a): an Express 5 hello-world route, served the way the API is
 * (its own Node process started with tsx, on 127.0.0.1), answering a small JSON body.
 */
const app = express();
app.disable('x-powered-by');
app.get('/hello', (_req, res) => {
  res.json({ hello: 'world' });
});
const port = Number(process.env.PORT ?? 0);
const server = app.listen(port, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`hello: listening on ${typeof address === 'object' && address ? address.port : port} (pid ${process.pid})\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
