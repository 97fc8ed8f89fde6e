import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { Providers } from '../shared/Providers';
import { ConsoleRoutes } from './routes';
import { SessionGate } from './session';
import { SignInPage } from './SignInPage';

/** The staff console, at `/console/` (the API answers every client route under it with console/index.html). */
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Providers>
      <BrowserRouter basename="/console">
        <SessionGate signedOut={(state) => <SignInPage state={state} />}>
          <ConsoleRoutes />
        </SessionGate>
      </BrowserRouter>
    </Providers>
  </StrictMode>,
);
