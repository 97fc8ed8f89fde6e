import { Anchor, Loader, Stack, Tabs, Title } from '@mantine/core';
import { Link, useParams, useSearchParams } from 'react-router';
import { ProblemAlert } from '../../shared/ProblemAlert';
import { usePageTitle } from '../../shared/usePageTitle';
import { PATHS } from '../paths';
import { useSession } from '../session';
import { useDossier } from './api';
import { AuditSection } from './AuditSection';
import { DeadlineSection } from './DeadlineSection';
import { DocumentsSection } from './DocumentsSection';
import { DossierHeader } from './DossierHeader';
import { FormsSection } from './FormsSection';
import { LegsSection } from './LegsSection';
import { PaymentsSection } from './PaymentsSection';
import { ProcessControlSection } from './ProcessControlSection';
import { RequestsSection } from './RequestsSection';
import { TimelineSection } from './TimelineSection';

/** The page's sections, by their address (?muc=…): a link or a reload opens the same one. */
const SECTIONS = [
  { id: 'dien-bien', label: 'Diễn biến' },
  { id: 'yeu-cau', label: 'Yêu cầu công dân' },
  { id: 'kiem-soat', label: 'Phiếu kiểm soát' },
  { id: 'lien-thong', label: 'Liên thông' },
  { id: 'giay-to', label: 'Giấy tờ' },
  { id: 'phi', label: 'Phí, lệ phí' },
  { id: 'thoi-han', label: 'Thời hạn' },
  { id: 'nhat-ky', label: 'Nhật ký' },
  { id: 'bieu-mau', label: 'Biểu mẫu' },
] as const;
type SectionId = (typeof SECTIONS)[number]['id'];

/**
 * Hồ sơ: the dossier's page for every staff role. The header (status, holder, time left,
 * applicant, dates) with the actions the officer may take; below it the sections as tabs:
 * timeline, what the citizen was asked, process-control sheet, documents, payments, the deadline
 * explained, the audit log (supervisors, leaders, admins) and the printable forms.
 */
export function DossierPage() {
  const { code = '' } = useParams();
  const dossier = useDossier(code);
  const { has } = useSession();
  const [params, setParams] = useSearchParams();
  usePageTitle(`Hồ sơ ${code}`, 'Phần mềm một cửa');

  const agency = dossier.data?.agency?.eid;
  // The API shows the audit log to the agency's supervisors, leaders and administrators only.
  const auditor = !!agency && (has('supervisor', agency) || has('leader', agency) || has('admin', agency));
  // Liên thông: for dossiers on an internal procedure of their own (steps, legs, consultations).
  const d = dossier.data;
  const routed = !!d && (!!d.step || !!d.legs?.length || (!!d.procedureVersion && !d.procedureVersion.isDefault));
  const sections = SECTIONS.filter((s) => (s.id !== 'nhat-ky' || auditor) && (s.id !== 'lien-thong' || routed));
  const asked = params.get('muc');
  const current: SectionId = sections.some((s) => s.id === asked) ? (asked as SectionId) : 'dien-bien';

  return (
    <Stack gap="md">
      <Anchor component={Link} to={PATHS.worklist} size="sm">
        ← Danh sách hồ sơ
      </Anchor>
      <Title order={1} size="h2">
        Hồ sơ {code}
      </Title>
      {dossier.isPending && <Loader role="status" aria-label="Đang tải hồ sơ" />}
      {dossier.error && <ProblemAlert error={dossier.error} testId="dossier-error" />}
      {dossier.data && (
        <>
          <DossierHeader dossier={dossier.data} />
          <Tabs
            value={current}
            onChange={(v) => {
              if (!v) return;
              const next = new URLSearchParams(params);
              if (v === 'dien-bien') next.delete('muc');
              else next.set('muc', v);
              setParams(next, { replace: true });
            }}
            keepMounted={false}
            variant="outline"
          >
            <Tabs.List aria-label="Các mục của hồ sơ">
              {sections.map((s) => (
                <Tabs.Tab key={s.id} value={s.id} data-section={s.id}>
                  {s.label}
                </Tabs.Tab>
              ))}
            </Tabs.List>
            <Tabs.Panel value="dien-bien" pt="md">
              <TimelineSection dossier={dossier.data} />
            </Tabs.Panel>
            <Tabs.Panel value="yeu-cau" pt="md">
              <RequestsSection dossier={dossier.data} />
            </Tabs.Panel>
            <Tabs.Panel value="kiem-soat" pt="md">
              <ProcessControlSection code={code} />
            </Tabs.Panel>
            {routed && (
              <Tabs.Panel value="lien-thong" pt="md">
                <LegsSection dossier={dossier.data} />
              </Tabs.Panel>
            )}
            <Tabs.Panel value="giay-to" pt="md">
              <DocumentsSection dossier={dossier.data} />
            </Tabs.Panel>
            <Tabs.Panel value="phi" pt="md">
              <PaymentsSection code={code} />
            </Tabs.Panel>
            <Tabs.Panel value="thoi-han" pt="md">
              <DeadlineSection code={code} />
            </Tabs.Panel>
            {auditor && (
              <Tabs.Panel value="nhat-ky" pt="md">
                <AuditSection code={code} />
              </Tabs.Panel>
            )}
            <Tabs.Panel value="bieu-mau" pt="md">
              <FormsSection dossier={dossier.data} />
            </Tabs.Panel>
          </Tabs>
        </>
      )}
    </Stack>
  );
}
