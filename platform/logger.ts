import pino from 'pino';

/**
 * Structured logs (JSON lines) for the API and the worker. LOG_LEVEL sets the level;
 * tests keep it at `warn` so their output stays readable.
 *
 * Written to standard output asynchronously (issue 18, target 3): a line is handed to the
 * operating system off the event loop, and lines logged while a write is under way go out
 * together in the next one, instead of one blocking write per line (an access-log line per
 * request cost the public lookup an eighth of its CPU). Nothing waits for a buffer to fill: a
 * quiet process writes each line at once. What is still buffered is flushed when the process
 * exits (pino's exit handler).
 */
export const logger = pino(
  {
    level: process.env.LOG_LEVEL || (process.env.VITEST ? 'warn' : 'info'),
    base: { service: process.env.SERVICE_NAME || 'dossier-platform' },
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.idNumber', '*.applicant.idNumber'], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  },
  pino.destination({ dest: 1, sync: false }),
);
