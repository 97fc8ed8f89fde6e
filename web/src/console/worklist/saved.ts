import { useCallback, useState } from 'react';

/**
 * Bộ lọc đã lưu: named searches (the address query of the list) kept in this browser for this
 * officer (localStorage, by username), as Camunda Tasklist's and ZAC's saved filters. The
 * query holds filters only, never a token.
 */
export interface SavedSearch {
  name: string;
  query: string;
}

const keyOf = (username: string) => `console-saved-searches:${username}`;

function load(username: string): SavedSearch[] {
  try {
    const v = JSON.parse(localStorage.getItem(keyOf(username)) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((s): s is SavedSearch => typeof s?.name === 'string' && typeof s?.query === 'string') : [];
  } catch {
    return [];
  }
}

export function useSavedSearches(username: string) {
  const [list, setList] = useState<SavedSearch[]>(() => load(username));
  const store = useCallback(
    (next: SavedSearch[]) => {
      localStorage.setItem(keyOf(username), JSON.stringify(next));
      setList(next);
    },
    [username],
  );
  return {
    list,
    /** Saves (or replaces, by name) a search. */
    save: (name: string, query: string) => store([...list.filter((s) => s.name !== name), { name, query }].sort((a, b) => a.name.localeCompare(b.name, 'vi'))),
    remove: (name: string) => store(list.filter((s) => s.name !== name)),
  };
}
