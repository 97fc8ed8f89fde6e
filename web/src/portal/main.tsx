import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';
import { Providers } from '../shared/Providers';
import { CataloguePage } from './CataloguePage';
import { IdLookupPage } from './IdLookupPage';
import { Layout } from './Layout';
import { LookupPage } from './LookupPage';
import { MyDossierPage } from './MyDossierPage';
import { MyDossiersPage } from './MyDossiersPage';
import { SessionProvider } from './session';
import { SubmitPage } from './SubmitPage';
import { NotFoundPage } from './NotFoundPage';
import { PaymentResultPage } from './PaymentResultPage';
import { ProcedurePage } from './ProcedurePage';

/** Cổng dịch vụ công, at `/` (the API answers every client route with index.html: api/web.ts). */
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Providers>
      <BrowserRouter>
        <SessionProvider>
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<CataloguePage />} />
            <Route path="thu-tuc/:code" element={<ProcedurePage />} />
            <Route path="thu-tuc/:code/nop-ho-so" element={<SubmitPage />} />
            <Route path="ho-so-cua-toi" element={<MyDossiersPage />} />
            <Route path="ho-so-cua-toi/:code" element={<MyDossierPage />} />
            <Route path="tra-cuu" element={<LookupPage />} />
            <Route path="tra-cuu/cccd" element={<IdLookupPage />} />
            <Route path="thanh-toan/ket-qua" element={<PaymentResultPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
        </SessionProvider>
      </BrowserRouter>
    </Providers>
  </StrictMode>,
);
