import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { answer, api, ApiProblem } from '../../api/client';
import { currentToken } from '../../auth/oidc';
import type { paths } from '../../api/schema';
import type { WorklistQuery } from './params';

export type WorklistPage = paths['/api/v1/dossiers']['get']['responses'][200]['content']['application/json'];
export type WorklistRow = WorklistPage['dossiers'][number];

/**
 * Pages already read, by query and cursor, with their ETag: asking again sends If-None-Match
 * and a 304 (nothing changed in the agencies) costs the API one indexed read and no list.
 * Memory only (the API says no-store: names and ID numbers on shared counter computers).
 */
const pages = new Map<string, { etag: string; body: WorklistPage }>();

async function readPage(query: WorklistQuery, cursor: string | undefined): Promise<WorklistPage> {
  const key = JSON.stringify([query, cursor ?? null]);
  const known = pages.get(key);
  let result;
  try {
    result = await api.GET('/api/v1/dossiers', {
      params: { query: { ...query, ...(cursor ? { cursor } : {}) }, header: known ? { 'If-None-Match': known.etag } : {} },
    });
  } catch {
    return answer<WorklistPage>(Promise.reject(new Error('network')));
  }
  if (result.response.status === 304 && known) return known.body;
  const body = await answer<WorklistPage>(Promise.resolve(result));
  const etag = result.response.headers.get('etag');
  if (etag) pages.set(key, { etag, body });
  return body;
}

/** The worklist for the filters: pages one after another ("Tải thêm"), refreshed when the queue changes. */
export function useWorklist(query: WorklistQuery) {
  return useInfiniteQuery({
    queryKey: ['worklist', query],
    queryFn: ({ pageParam }) => readPage(query, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
    // A safety net behind the live stream: with the ETag, a check costs a 304 when nothing changed.
    refetchInterval: 60_000,
  });
}

export type LiveState = 'connecting' | 'live' | 'retrying';

/**
 * Hàng đợi trực tiếp: the API's server-sent events (GET /api/v1/dossiers/events) read with
 * fetch and a ReadableStream, because EventSource cannot send the Authorization header and
 * the API takes no token in the URL. Each change of a dossier of the officer's agencies (and
 * the `ready` after every (re)connection, which may follow missed changes) makes the lists
 * read again, with their ETags; the dossier named is read again too. The stream ends with the
 * token, the API or the network: it is opened again after the `retry` the API asks for.
 */
export function useLiveQueue(): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    const abort = new AbortController();
    let retryMs = 5000;
    // Several changes at once (an acceptance writes a few rows) make one refresh.
    const refresh = (code?: string) => {
      if (code) void queryClient.invalidateQueries({ queryKey: ['dossier', code] });
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void queryClient.invalidateQueries({ queryKey: ['worklist'] }), 150);
    };

    async function listen(): Promise<void> {
      const response = await fetch('/api/v1/dossiers/events', {
        headers: { Authorization: `Bearer ${currentToken() ?? ''}`, Accept: 'text/event-stream' },
        signal: abort.signal,
        cache: 'no-store',
      });
      if (!response.ok || !response.body) throw new ApiProblem(response.status, {});
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
          let event = 'message';
          let data = '';
          for (const line of block.split(/\r?\n/)) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data += line.slice(5).trim();
            else if (line.startsWith('retry:')) retryMs = Number(line.slice(6)) || retryMs;
          }
          if (event === 'ready') {
            setState('live');
            refresh();
          } else if (event === 'dossier') {
            try {
              refresh((JSON.parse(data) as { code?: string }).code);
            } catch {
              refresh();
            }
          } else if (event === 'expired') return;
        }
      }
    }

    void (async () => {
      while (!abort.signal.aborted) {
        try {
          await listen();
        } catch {
          // Reconnected below; the lists are read again after `ready`.
        }
        if (abort.signal.aborted) return;
        setState('retrying');
        await new Promise((r) => setTimeout(r, retryMs));
      }
    })();
    return () => {
      abort.abort();
      clearTimeout(timer.current);
    };
  }, [queryClient]);

  return state;
}
