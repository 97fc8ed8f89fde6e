import { Anchor, Badge, Button, Card, Group, Loader, Radio, SimpleGrid, Stack, Table, Text, Textarea, Timeline, Title, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useRef, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { answer, api } from '../../api/client';
import { dateTimeVn } from '../../shared/format';
import { ProblemAlert } from '../../shared/ProblemAlert';
import { usePageTitle } from '../../shared/usePageTitle';
import { roleLabel } from '../dossier/labels';
import { PATHS } from '../paths';
import { ActionModal, lines, optional, useFormOf } from '../processing/ActionModal';
import { useSession } from '../session';
import { DUE_COLOR, dueWords } from '../worklist/due';
import { LEG_EVENT_LABEL, LEG_KIND, LEG_STATUS, stepsByKey, useInternalProcedure, useLeg, useLegAction, type LegDetail } from './api';

type LegAction = 'forward' | 'sendBack' | 'assign' | 'finish' | 'refuse' | 'answer';

const ACTION_LABEL: Record<LegAction, { label: string; color?: string }> = {
  answer: { label: 'Trả lời xin ý kiến' },
  forward: { label: 'Chuyển bước tiếp theo' },
  assign: { label: 'Phân công chuyên viên' },
  finish: { label: 'Ra kết quả giải quyết' },
  sendBack: { label: 'Trả lại bước trước', color: 'orange' },
  refuse: { label: 'Trả lại cơ quan chủ trì', color: 'red' },
};

function Item({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={500}>
        {label}
      </Text>
      <Text size="sm" fw={500} component="div" data-testid={testId}>
        {children}
      </Text>
    </div>
  );
}

/**
 * Một phần việc liên thông (GET /legs/{id}): the dossier it belongs to, what is asked, the step
 * it is at in this agency and its due time; the actions of this agency's officers (forward, send
 * back, assign a specialist, the result or a refusal, the opinion asked for); its own log and its
 * rows of the process-control sheet.
 */
export function LegPage() {
  const { id = '' } = useParams();
  const leg = useLeg(id);
  usePageTitle(leg.data ? `Liên thông hồ sơ ${leg.data.dossier.code}` : 'Hồ sơ liên thông', 'Phần mềm một cửa');
  return (
    <Stack gap="md">
      <Anchor component={Link} to={PATHS.legs} size="sm">
        ← Hồ sơ liên thông
      </Anchor>
      <Title order={1} size="h2">
        {leg.data ? `${LEG_KIND[leg.data.kind]}: hồ sơ ${leg.data.dossier.code}` : 'Hồ sơ liên thông'}
      </Title>
      {leg.isPending && <Loader role="status" aria-label="Đang tải phần việc liên thông" />}
      {leg.error && <ProblemAlert error={leg.error} testId="leg-error" />}
      {leg.data && <LegView leg={leg.data} />}
    </Stack>
  );
}

function LegView({ leg }: { leg: LegDetail }) {
  const { has } = useSession();
  const procedure = useInternalProcedure(leg.procedure.code);
  const steps = stepsByKey(procedure.data);
  const [open, setOpen] = useState<LegAction | null>(null);
  const buttons = useRef(new Map<LegAction, HTMLButtonElement>());
  const status = LEG_STATUS[leg.status] ?? { label: leg.status, color: 'gray' };
  const due = dueWords(leg.status === 'open' ? leg.dueAt : null);
  const eid = leg.agency.eid;
  const member = (['one_stop_officer', 'specialist', 'leader', 'supervisor', 'admin'] as const).some((r) => has(r, eid));

  // What this agency's officers may do now, from the step's kind and actions in the version.
  const actions: LegAction[] = [];
  if (leg.status === 'open' && member) {
    if (leg.kind === 'consultation') actions.push('answer');
    else if (leg.step) {
      const legStep = (procedure.data?.steps ?? []).find((s) => s.key === leg.stepKey);
      const own = legStep?.steps ?? [];
      const at = own.findIndex((s) => s.key === leg.step!.key);
      const info = steps.get(leg.step.key);
      const hasDecision = own.some((s) => s.kind === 'decision');
      const last = at === own.length - 1;
      if (leg.step.kind === 'assignment' && has('leader', eid)) actions.push('assign');
      if (info?.actions?.includes('forward') && !last) actions.push('forward');
      if (leg.step.kind === 'decision' || (!hasDecision && last)) actions.push('finish');
      if (info?.actions?.includes('send_back') && info.sendBackTo?.length) actions.push('sendBack');
      actions.push('refuse');
    }
  }
  const close = (name: LegAction) => {
    setOpen(null);
    requestAnimationFrame(() => (buttons.current.get(name) ?? buttons.current.values().next().value)?.focus());
  };
  const dialogProps = { leg, onClose: () => open && close(open) };

  return (
    <>
      <Card withBorder padding="md" component="section" aria-labelledby="leg-summary-heading">
        <Stack gap="sm">
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <div>
              <Text id="leg-summary-heading" fw={700} size="lg" component="h2" m={0}>
                {leg.procedure.name}
              </Text>
              <Text size="sm" c="dimmed">
                Cơ quan chủ trì: {leg.dossier.leadAgency.name} · Cơ quan phối hợp: {leg.agency.name}
              </Text>
            </div>
            <Badge size="lg" variant="light" color={status.color} radius="sm" style={{ textTransform: 'none' }} data-testid="leg-status">
              {status.label}
            </Badge>
          </Group>
          <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="md" verticalSpacing="sm">
            <Item label="Loại">{LEG_KIND[leg.kind]}</Item>
            <Item label="Bước của hồ sơ">{steps.get(leg.stepKey)?.name ?? leg.stepKey}</Item>
            {leg.kind === 'consultation' ? (
              <Item label="Nội dung xin ý kiến" testId="leg-question">
                {leg.question ?? '—'}
              </Item>
            ) : (
              <Item label="Đang ở bước" testId="leg-step">
                {leg.step ? leg.step.name : '—'}
                {leg.step && (
                  <Text size="xs" c="dimmed" component="div">
                    {leg.step.unit}
                    {leg.step.dueAt ? ` · hạn bước ${dateTimeVn(leg.step.dueAt)}` : ''}
                  </Text>
                )}
              </Item>
            )}
            <Item label="Hạn" testId="leg-due">
              {leg.status === 'open' && (
                <Badge variant="light" color={DUE_COLOR[due.tone]} radius="sm" style={{ textTransform: 'none' }}>
                  {due.text}
                </Badge>
              )}
              {leg.late && (
                <Badge ml={4} variant="filled" color="red.9" radius="sm" style={{ textTransform: 'none' }}>
                  Quá hạn
                </Badge>
              )}
              <Text size="xs" c="dimmed" component="div">
                {leg.dueAt ? dateTimeVn(leg.dueAt) : 'Chưa có hạn'}
                {leg.chasedAt ? ` · cơ quan chủ trì đôn đốc lúc ${dateTimeVn(leg.chasedAt)}` : ''}
              </Text>
            </Item>
            <Item label="Chuyên viên xử lý">{leg.assignee?.fullName ?? 'Chưa phân công'}</Item>
            <Item label="Nhận lúc">{dateTimeVn(leg.startedAt)}</Item>
            {leg.opinion && (
              <Item label="Ý kiến đã trả lời" testId="leg-opinion">
                {leg.agrees === true ? 'Đồng ý. ' : leg.agrees === false ? 'Không đồng ý. ' : ''}
                {leg.opinion}
              </Item>
            )}
            {leg.resultNumber && <Item label="Số kết quả">{leg.resultNumber}</Item>}
            {leg.reasons?.length ? <Item label="Lý do">{leg.reasons.join('; ')}</Item> : null}
          </SimpleGrid>
          {member && leg.status === 'open' ? (
            <Group gap="xs" role="group" aria-label="Thao tác với phần việc liên thông">
              {actions.map((a) => (
                <Button
                  key={a}
                  ref={(el) => {
                    if (el) buttons.current.set(a, el);
                    else buttons.current.delete(a);
                  }}
                  variant="light"
                  color={ACTION_LABEL[a].color}
                  onClick={() => setOpen(a)}
                  data-leg-action={a}
                >
                  {ACTION_LABEL[a].label}
                </Button>
              ))}
            </Group>
          ) : (
            <Text size="sm" c="dimmed" data-testid="no-leg-actions">
              {leg.status === 'open' ? 'Cơ quan phối hợp đang xử lý; Ông/Bà chỉ xem được tiến độ.' : 'Phần việc này đã kết thúc.'}
            </Text>
          )}
        </Stack>
      </Card>

      {open === 'answer' && <AnswerDialog {...dialogProps} />}
      {open === 'forward' && <LegForwardDialog {...dialogProps} />}
      {open === 'sendBack' && <LegSendBackDialog {...dialogProps} targets={(steps.get(leg.step?.key ?? '')?.sendBackTo ?? []).map((k) => ({ key: k, name: steps.get(k)?.name ?? k }))} />}
      {open === 'assign' && <LegAssignDialog {...dialogProps} />}
      {(open === 'finish' || open === 'refuse') && <LegFinishDialog {...dialogProps} refuse={open === 'refuse'} />}

      <Title order={2} size="h3">
        Diễn biến
      </Title>
      {leg.events.length ? (
        <Timeline bulletSize={14} lineWidth={2} data-testid="leg-events">
          {leg.events.map((e) => (
            <Timeline.Item key={e.seq} title={LEG_EVENT_LABEL[e.type] ?? e.type.replace(/_/g, ' ')}>
              <Text size="xs" c="dimmed">
                {dateTimeVn(e.at)}
                {e.actor ? ` · ${e.actor.fullName ?? ''}${e.actor.role ? ` (${roleLabel(e.actor.role)})` : ''}` : ''}
              </Text>
              {typeof e.data.note === 'string' && e.data.note && <Text size="sm">Ghi chú: {e.data.note}</Text>}
              {typeof e.data.reason === 'string' && e.data.reason && <Text size="sm">Lý do: {e.data.reason}</Text>}
              {typeof e.data.opinion === 'string' && <Text size="sm">Ý kiến: {e.data.opinion}</Text>}
            </Timeline.Item>
          ))}
        </Timeline>
      ) : (
        <Text size="sm" c="dimmed">
          Chưa có diễn biến.
        </Text>
      )}

      {leg.handoffs.length > 0 && (
        <>
          <Title order={2} size="h3">
            Phiếu kiểm soát tại cơ quan phối hợp
          </Title>
          <Table.ScrollContainer minWidth={800}>
            <Table verticalSpacing="xs" data-testid="leg-handoffs">
              <VisuallyHidden component="caption">Các bước đã nhận, hạn và kết quả</VisuallyHidden>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Bước</Table.Th>
                  <Table.Th scope="col">Người, bộ phận nhận</Table.Th>
                  <Table.Th scope="col">Nhận lúc</Table.Th>
                  <Table.Th scope="col">Hạn</Table.Th>
                  <Table.Th scope="col">Hoàn thành</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {leg.handoffs.map((h, i) => (
                  <Table.Tr key={i}>
                    <Table.Td>{h.stepName ?? (h.stepKey ? (steps.get(h.stepKey)?.name ?? h.stepKey) : '—')}</Table.Td>
                    <Table.Td>{agencyOr(h.receiver.name ?? h.receiver.unit, leg.agency)}</Table.Td>
                    <Table.Td>{dateTimeVn(h.receivedAt)}</Table.Td>
                    <Table.Td>{h.dueAt ? dateTimeVn(h.dueAt) : '—'}</Table.Td>
                    <Table.Td>
                      {h.doneAt ? dateTimeVn(h.doneAt) : 'Đang xử lý'}
                      {h.outcome === 'late' ? ' (quá hạn)' : ''}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </>
  );
}

/** A receiver the sheet names by the agency's code: the agency's name. */
const agencyOr = (who: string | null, agency: { eid: string; name: string }) => (!who ? '—' : who === agency.eid ? agency.name : who);

interface LegDialogProps {
  leg: LegDetail;
  onClose(): void;
}

/** Trả lời xin ý kiến: the agency's opinion, and whether it agrees. */
function AnswerDialog({ leg, onClose }: LegDialogProps) {
  const f = useFormOf<{ opinion: string; agrees: boolean }>(useLegAction(String(leg.id), 'answer'));
  const [agrees, setAgrees] = useState<string | null>(null);
  const [opinion, setOpinion] = useState('');
  const submit = () => {
    const ok = f.check({ agrees: agrees ? '' : 'Vui lòng chọn đồng ý hoặc không đồng ý.', opinion: opinion.trim() ? '' : 'Vui lòng nhập ý kiến của cơ quan.' });
    if (ok) void f.send({ opinion: opinion.trim(), agrees: agrees === 'yes' }, onClose);
  };
  return (
    <ActionModal title="Trả lời xin ý kiến" onClose={onClose} onSubmit={submit} pending={f.pending} problem={f.problem} attempt={f.attempt} submitLabel="Gửi ý kiến" testId="answer-dialog">
      <Text size="sm">
        {leg.dossier.leadAgency.name} xin ý kiến: <b>{leg.question}</b>
      </Text>
      <Radio.Group label="Ý kiến của cơ quan" required value={agrees} onChange={(v) => { setAgrees(v); f.clear('agrees'); }} error={f.errors.agrees}>
        <Group mt="xs">
          <Radio value="yes" label="Đồng ý" data-autofocus />
          <Radio value="no" label="Không đồng ý" />
        </Group>
      </Radio.Group>
      <Textarea label="Nội dung ý kiến" required value={opinion} onChange={(e) => { setOpinion(e.currentTarget.value); f.clear('opinion'); }} error={f.errors.opinion} autosize minRows={3} />
    </ActionModal>
  );
}

function LegForwardDialog({ leg, onClose }: LegDialogProps) {
  const f = useFormOf<{ stepKey: string; note?: string }>(useLegAction(String(leg.id), 'forward'));
  const [note, setNote] = useState('');
  return (
    <ActionModal title="Chuyển bước tiếp theo" onClose={onClose} onSubmit={() => void f.send({ stepKey: leg.step?.key ?? '', note: optional(note) }, onClose)} pending={f.pending} problem={f.problem} attempt={f.attempt} submitLabel="Chuyển bước" testId="leg-forward-dialog">
      {leg.step && (
        <Text size="sm">
          Bước hiện tại: <b>{leg.step.name}</b> ({leg.step.unit}).
        </Text>
      )}
      <Textarea label="Ghi chú cho bước sau (không bắt buộc)" value={note} onChange={(e) => { setNote(e.currentTarget.value); f.clear('note'); }} error={f.errors.note} autosize minRows={2} data-autofocus />
    </ActionModal>
  );
}

function LegSendBackDialog({ leg, onClose, targets }: LegDialogProps & { targets: Array<{ key: string; name: string }> }) {
  const f = useFormOf<{ stepKey: string; toStep: string; reason: string }>(useLegAction(String(leg.id), 'send-back'));
  const [toStep, setToStep] = useState<string | null>(targets.length === 1 ? targets[0]!.key : null);
  const [reason, setReason] = useState('');
  const submit = () => {
    const ok = f.check({ toStep: toStep ? '' : 'Vui lòng chọn bước trả lại.', reason: reason.trim() ? '' : 'Vui lòng nhập lý do trả lại.' });
    if (ok) void f.send({ stepKey: leg.step?.key ?? '', toStep: toStep!, reason: reason.trim() }, onClose);
  };
  return (
    <ActionModal title="Trả lại bước trước" onClose={onClose} onSubmit={submit} pending={f.pending} problem={f.problem} attempt={f.attempt} submitLabel="Trả lại" testId="leg-send-back-dialog">
      <Radio.Group label="Trả lại bước" required value={toStep} onChange={(v) => { setToStep(v); f.clear('toStep'); }} error={f.errors.toStep}>
        <Stack gap="xs" mt="xs">
          {targets.map((t) => (
            <Radio key={t.key} value={t.key} label={t.name} />
          ))}
        </Stack>
      </Radio.Group>
      <Textarea label="Lý do trả lại" required value={reason} onChange={(e) => { setReason(e.currentTarget.value); f.clear('reason'); }} error={f.errors.reason} autosize minRows={2} data-autofocus />
    </ActionModal>
  );
}

interface OfficerLoad {
  id: number;
  username: string;
  fullName: string;
  openLoadInAgency: number;
}

/** Phân công: a leader of the coordinating agency gives the leg to one of its specialists. */
function LegAssignDialog({ leg, onClose }: LegDialogProps) {
  const eid = leg.agency.eid;
  const officers = useQuery({
    queryKey: ['officers', eid, 'specialist'],
    queryFn: () => answer<{ officers: OfficerLoad[] }>(api.GET('/api/v1/agencies/{eid}/officers', { params: { path: { eid }, query: { role: 'specialist' } } })),
    staleTime: 0,
  });
  const f = useFormOf<{ specialist: number; note?: string }>(useLegAction(String(leg.id), 'assignment'));
  const [picked, setPicked] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const submit = () => {
    if (f.check({ specialist: picked ? '' : 'Vui lòng chọn chuyên viên thụ lý.' })) void f.send({ specialist: Number(picked), note: optional(note) }, onClose);
  };
  return (
    <ActionModal title="Phân công chuyên viên thụ lý" onClose={onClose} onSubmit={submit} pending={f.pending} problem={f.problem} attempt={f.attempt} submitLabel="Phân công" testId="leg-assign-dialog">
      {officers.isPending && <Loader size="sm" role="status" aria-label="Đang tải danh sách chuyên viên" />}
      {officers.error && <ProblemAlert error={officers.error} />}
      {officers.data && (
        <Radio.Group label="Chuyên viên" required value={picked} onChange={(v) => { setPicked(v); f.clear('specialist'); }} error={f.errors.specialist}>
          <Stack gap="xs" mt="xs">
            {officers.data.officers.map((o, i) => (
              <Radio key={o.id} value={String(o.id)} data-autofocus={i === 0 ? true : undefined} label={`${o.fullName} (${o.openLoadInAgency} hồ sơ đang xử lý)`} />
            ))}
          </Stack>
        </Radio.Group>
      )}
      <Textarea label="Ghi chú cho chuyên viên (không bắt buộc)" value={note} onChange={(e) => { setNote(e.currentTarget.value); f.clear('note'); }} error={f.errors.note} autosize minRows={2} />
    </ActionModal>
  );
}

/**
 * Kết thúc phần liên thông: at the decision step, the result (numbered by this agency when its
 * result is the dossier's decision) or a reasoned denial; at any step, a refusal back to the
 * lead agency with the reasons.
 */
function LegFinishDialog({ leg, onClose, refuse }: LegDialogProps & { refuse: boolean }) {
  const f = useFormOf<{ stepKey: string; outcome: string; reasons?: string[]; note?: string }>(useLegAction(String(leg.id), 'finish'));
  const [outcome, setOutcome] = useState<string>(refuse ? 'refuse' : 'approve');
  const [reasons, setReasons] = useState('');
  const [note, setNote] = useState('');
  const needsReasons = outcome !== 'approve';
  const submit = () => {
    const ok = f.check({ reasons: needsReasons && !lines(reasons).length ? 'Vui lòng nêu ít nhất một lý do (mỗi dòng một lý do).' : '' });
    if (ok) void f.send({ stepKey: leg.step?.key ?? '', outcome, ...(needsReasons ? { reasons: lines(reasons) } : {}), note: optional(note) }, onClose);
  };
  return (
    <ActionModal
      title={refuse ? 'Trả lại cơ quan chủ trì' : 'Ra kết quả giải quyết liên thông'}
      onClose={onClose}
      onSubmit={submit}
      pending={f.pending}
      problem={f.problem}
      attempt={f.attempt}
      submitLabel={refuse ? 'Trả lại' : 'Ghi kết quả'}
      submitColor={refuse ? 'red.9' : undefined}
      testId="leg-finish-dialog"
    >
      {!refuse && (
        <Radio.Group label="Kết quả" required value={outcome} onChange={setOutcome}>
          <Stack gap="xs" mt="xs">
            <Radio value="approve" label="Phê duyệt, ban hành kết quả" data-autofocus />
            <Radio value="deny" label="Không giải quyết (nêu lý do)" />
          </Stack>
        </Radio.Group>
      )}
      {refuse && <Text size="sm">Hồ sơ được trả lại {leg.dossier.leadAgency.name} kèm lý do; phần việc liên thông kết thúc.</Text>}
      {needsReasons && (
        <Textarea label="Lý do" description="Mỗi dòng một lý do" required value={reasons} onChange={(e) => { setReasons(e.currentTarget.value); f.clear('reasons'); }} error={f.errors.reasons} autosize minRows={3} data-autofocus={refuse ? true : undefined} />
      )}
      <Textarea label="Ghi chú (không bắt buộc)" value={note} onChange={(e) => { setNote(e.currentTarget.value); f.clear('note'); }} error={f.errors.note} autosize minRows={2} />
    </ActionModal>
  );
}
