import pino from 'pino';

/**
 * Structured logs (JSON lines) for the API and the worker. LOG_LEVEL sets the level;
 * tests keep it at `warn` so their output stays readable.
 */
export const logger = pino({
  level: process.env.LOG_LEVEL || (process.env.VITEST ? 'warn' : 'info'),
  base: { service: process.env.SERVICE_NAME || 'dossier-platform' },
  redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.idNumber', '*.applicant.idNumber'], censor: '[redacted]' },
  timestamp: pino.stdTimeFunctions.isoTime,
});
