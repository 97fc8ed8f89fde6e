import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';
import { Providers } from '../shared/Providers';
import { CataloguePage } from './CataloguePage';
import { Layout } from './Layout';
import { LookupPage } from './LookupPage';
import { NotFoundPage } from './NotFoundPage';
import { ProcedurePage } from './ProcedurePage';

/** Cổng dịch vụ công, at `/` (the API answers every client route with index.html: api/web.ts). */
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Providers>
      <BrowserRouter>
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<CataloguePage />} />
            <Route path="thu-tuc/:code" element={<ProcedurePage />} />
            <Route path="tra-cuu" element={<LookupPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </Providers>
  </StrictMode>,
);
