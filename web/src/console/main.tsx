import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';
import { Providers } from '../shared/Providers';
import { SignInPage } from './SignInPage';

/** The staff console, at `/console/` (the API answers every client route under it with console/index.html). */
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Providers>
      <BrowserRouter basename="/console">
        <Routes>
          <Route path="*" element={<SignInPage />} />
        </Routes>
      </BrowserRouter>
    </Providers>
  </StrictMode>,
);
