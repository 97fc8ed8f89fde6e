import { useEffect } from 'react';

/** The tab's title says the page: "Tra cứu hồ sơ — Cổng dịch vụ công". */
export function usePageTitle(title: string, site = 'Cổng dịch vụ công') {
  useEffect(() => {
    document.title = `${title} — ${site}`;
  }, [title, site]);
}
