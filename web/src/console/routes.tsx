import { Navigate, Route, Routes } from 'react-router';
import { CalendarsPage } from './admin/CalendarsPage';
import { WebhooksPage } from './admin/WebhooksPage';
import { ConsoleLayout } from './ConsoleLayout';
import { DossierPage } from './dossier/DossierPage';
import { CounterIntakePage } from './intake/CounterIntakePage';
import { LegPage } from './interagency/LegPage';
import { LegWorklistPage } from './interagency/LegWorklistPage';
import { NotFoundPage } from './NotFoundPage';
import { PATHS } from './paths';
import { useSession } from './session';
import { SupervisionPage } from './supervision/SupervisionPage';
import { WorklistPage } from './worklist/WorklistPage';


/** Where an officer lands: their queues, or the supervision or administration screens. */
function Home() {
  const { has } = useSession();
  const staff = has('one_stop_officer') || has('specialist') || has('leader');
  const to = staff ? PATHS.worklist : has('supervisor') ? PATHS.supervision : has('admin') ? PATHS.calendars : PATHS.worklist;
  return <Navigate to={to} replace />;
}

export function ConsoleRoutes() {
  return (
    <Routes>
      <Route element={<ConsoleLayout />}>
        <Route index element={<Home />} />
        <Route path={PATHS.worklist} element={<WorklistPage />} />
        <Route path="/ho-so/:code" element={<DossierPage />} />
        <Route path={PATHS.counterIntake} element={<CounterIntakePage />} />
        <Route path={PATHS.legs} element={<LegWorklistPage />} />
        <Route path="/lien-thong/:id" element={<LegPage />} />
        <Route path={PATHS.supervision} element={<SupervisionPage />} />
        <Route path={PATHS.calendars} element={<CalendarsPage />} />
        <Route path={PATHS.webhooks} element={<WebhooksPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
