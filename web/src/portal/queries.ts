import { useQuery } from '@tanstack/react-query';
import { answer, api } from '../api/client';
import type { Procedure } from '../api/types';

export const useProcedures = () =>
  useQuery({
    queryKey: ['procedures'],
    queryFn: async () => (await answer<{ items: Procedure[] }>(api.GET('/api/v1/procedures'))).items,
  });

export const useProcedure = (code: string) =>
  useQuery({
    queryKey: ['procedures', code],
    queryFn: () => answer<Procedure>(api.GET('/api/v1/procedures/{code}', { params: { path: { code } } })),
  });

/** The fee of a channel, the smallest when there are several lines. */
export function feeOf(p: Procedure, channel: 'counter' | 'online' | 'postal'): number | null {
  const lines = p.fees.filter((f) => f.channel === channel);
  return lines.length ? lines.reduce((sum, f) => sum + Number(f.amountVnd), 0) : null;
}
