import type { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import client from 'prom-client';
import type { Db } from '../db/connection';
import { dossierCountsByAgencyStatus, overdueCountsByAgency } from '../db/repositories/supervision';

/**
 * Prometheus metrics of the API at /metrics: HTTP traffic, the BullMQ queues, dossier
 * workflows by status and overdue dossiers per agency (both from the read model, the
 * same numbers supervisors see), collected when scraped. The HTTP layer counts requests
 * into `requests` and `duration` and serves the registry (api/metrics.ts).
 */
export interface MetricsDeps {
  db: Db;
  redis: Redis;
  queuePrefix: string;
  queueNames: readonly string[];
}

export function createMetricsRegistry(deps: MetricsDeps) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'dossier_api_' });
  const requests = new client.Counter({ name: 'http_requests_total', help: 'HTTP requests by method, route and status', labelNames: ['method', 'route', 'status'] as const, registers: [registry] });
  const duration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const queues = new Map<string, Queue>();
  new client.Gauge({
    name: 'queue_jobs',
    help: 'BullMQ jobs by queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const name of deps.queueNames) {
        let q = queues.get(name);
        if (!q) {
          q = new Queue(name, { connection: deps.redis, prefix: deps.queuePrefix });
          queues.set(name, q);
        }
        try {
          const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
          for (const [state, n] of Object.entries(counts)) this.set({ queue: name, state }, n);
        } catch {
          // Redis down: the series is absent, and /health says why.
        }
      }
    },
  });
  new client.Gauge({
    name: 'dossier_workflows',
    help: 'Dossiers (one workflow each) by agency and status, from the read model',
    labelNames: ['agency', 'status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await dossierCountsByAgencyStatus(deps.db);
      for (const r of rows) this.set({ agency: r.eid, status: r.status }, Number(r.count));
    },
  });
  new client.Gauge({
    name: 'dossiers_overdue',
    help: 'Open dossiers past their legal due date, by agency',
    labelNames: ['agency'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await overdueCountsByAgency(deps.db);
      for (const r of rows) this.set({ agency: r.eid }, Number(r.count));
    },
  });
  return { registry, requests, duration, close: async () => Promise.all([...queues.values()].map((q) => q.close())) };
}
