import fs from 'node:fs';
import type { ConnectionOptions } from '@temporalio/client';
import type { NativeConnectionOptions } from '@temporalio/worker';
import type { AppConfig } from './config';

/**
 * Connection options shared by the API (client) and the worker (native connection),
 * covering a local dev server, a self-hosted cluster with mTLS, and Temporal Cloud
 * with an API key.
 */
export function temporalConnectionOptions(
  config: AppConfig,
  address: string,
): ConnectionOptions & NativeConnectionOptions {
  const t = config.temporal;
  const options: ConnectionOptions & NativeConnectionOptions = { address };
  if (t.tls) {
    options.tls = {
      serverNameOverride: t.tlsServerName,
      serverRootCACertificate: t.tlsCaPath ? fs.readFileSync(t.tlsCaPath) : undefined,
      clientCertPair:
        t.tlsCertPath && t.tlsKeyPath
          ? { crt: fs.readFileSync(t.tlsCertPath), key: fs.readFileSync(t.tlsKeyPath) }
          : undefined,
    };
  }
  if (t.apiKey) options.apiKey = t.apiKey;
  return options;
}

/** Address the processes should dial: the configured cluster, or the local dev server. */
export function temporalAddress(config: AppConfig): string {
  return config.temporal.address ?? `127.0.0.1:${config.temporal.devServerPort}`;
}
