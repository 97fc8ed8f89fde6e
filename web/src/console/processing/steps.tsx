import { Alert, Checkbox, Group, Loader, Radio, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { dateTimeVn } from '../../shared/format';
import { ProblemAlert } from '../../shared/ProblemAlert';
import type { ActionDialogProps } from '../actions/types';
import { agencyNames, LEG_KIND, LEG_STATUS, stepsByKey, useInternalProcedure } from '../interagency/api';
import { ActionModal, optional, useActionForm } from './ActionModal';

/**
 * The actions of a dossier on its pinned internal procedure (issue 17): forward to the next
 * step, send back to an earlier one, number and issue the result, consult other agencies, chase
 * a leg or consultation. Each names the step the officer saw (stepKey): a screen left open while
 * the dossier moved is refused (409) and read again.
 */

/** The step the dossier is at, in words. */
function StepNow({ dossier }: { dossier: ActionDialogProps['dossier'] }) {
  if (!dossier.step) return null;
  return (
    <Text size="sm">
      Bước hiện tại: <b>{dossier.step.name}</b> ({dossier.step.unit}){dossier.step.dueAt ? `, hạn ${dateTimeVn(dossier.step.dueAt)}` : ''}.
    </Text>
  );
}

/** Chuyển bước tiếp theo: the step is done; the next one of the version receives the dossier. */
export function ForwardStepDialog({ dossier, onClose }: ActionDialogProps) {
  const f = useActionForm<{ stepKey: string; note?: string }>(dossier.code, 'steps/forward');
  const procedure = useInternalProcedure(dossier.procedure?.code);
  const [note, setNote] = useState('');
  const steps = procedure.data?.steps ?? [];
  const at = steps.findIndex((s) => s.key === dossier.step?.key);
  const next = at >= 0 ? steps[at + 1] : undefined;
  return (
    <ActionModal
      title="Chuyển bước tiếp theo"
      onClose={onClose}
      onSubmit={() => void f.send({ stepKey: dossier.step?.key ?? '', note: optional(note) }, onClose)}
      pending={f.pending}
      problem={f.problem}
      attempt={f.attempt}
      submitLabel="Chuyển bước"
      testId="forward-step-dialog"
    >
      <StepNow dossier={dossier} />
      {next && (
        <Text size="sm" data-testid="next-step">
          Bước tiếp theo: <b>{next.name}</b> ({next.unit}).
        </Text>
      )}
      <Textarea label="Ghi chú cho bước sau (không bắt buộc)" value={note} onChange={(e) => { setNote(e.currentTarget.value); f.clear('note'); }} error={f.errors.note} autosize minRows={2} data-autofocus />
    </ActionModal>
  );
}

/** Trả lại bước trước: to one of the earlier steps the version names for this step, with the reason. */
export function SendBackDialog({ dossier, onClose }: ActionDialogProps) {
  const f = useActionForm<{ stepKey: string; toStep: string; reason: string }>(dossier.code, 'steps/send-back');
  const procedure = useInternalProcedure(dossier.procedure?.code);
  const byKey = stepsByKey(procedure.data);
  const targets = (byKey.get(dossier.step?.key ?? '')?.sendBackTo ?? []).map((k) => byKey.get(k) ?? { key: k, name: k, unit: '' });
  const [toStep, setToStep] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const picked = toStep ?? (targets.length === 1 ? targets[0]!.key : null);
  const submit = () => {
    const ok = f.check({ toStep: picked ? '' : 'Vui lòng chọn bước trả lại.', reason: reason.trim() ? '' : 'Vui lòng nhập lý do trả lại.' });
    if (ok) void f.send({ stepKey: dossier.step?.key ?? '', toStep: picked!, reason: reason.trim() }, onClose);
  };
  return (
    <ActionModal title="Trả lại bước trước" onClose={onClose} onSubmit={submit} pending={f.pending} problem={f.problem} attempt={f.attempt} submitLabel="Trả lại" testId="send-back-dialog">
      <StepNow dossier={dossier} />
      {procedure.isPending && <Loader size="sm" role="status" aria-label="Đang tải quy trình nội bộ" />}
      {procedure.error && <ProblemAlert error={procedure.error} />}
      {procedure.data && (
        <Radio.Group label="Trả lại bước" required value={picked} onChange={(v) => { setToStep(v); f.clear('toStep'); }} error={f.errors.toStep}>
          <Stack gap="xs" mt="xs">
            {targets.map((t) => (
              <Radio key={t.key} value={t.key} label={t.unit ? `${t.name} (${t.unit})` : t.name} />
            ))}
          </Stack>
        </Radio.Group>
      )}
      <Textarea label="Lý do trả lại" required value={reason} onChange={(e) => { setReason(e.currentTarget.value); f.clear('reason'); }} error={f.errors.reason} autosize minRows={2} data-autofocus />
    </ActionModal>
  );
}

/** Vào số, phát hành kết quả: the result gets its number in the agency's register and is issued. */
export function IssueResultDialog({ dossier, onClose }: ActionDialogProps) {
  const f = useActionForm<{ stepKey: string }>(dossier.code, 'result/issue');
  return (
    <ActionModal title="Vào số, phát hành kết quả" onClose={onClose} onSubmit={() => void f.send({ stepKey: dossier.step?.key ?? '' }, onClose)} pending={f.pending} problem={f.problem} attempt={f.attempt} submitLabel="Vào số, phát hành" testId="issue-result-dialog">
      <StepNow dossier={dossier} />
      <Text size="sm">Hệ thống cấp số kết quả theo sổ của cơ quan và chuyển hồ sơ sang bước trả kết quả. Không thể hoàn tác.</Text>
    </ActionModal>
  );
}

/** Xin ý kiến cơ quan phối hợp: among the consultations the version provides for, a question each, answered in parallel. */
export function ConsultDialog({ dossier, onClose }: ActionDialogProps) {
  const f = useActionForm<{ stepKey: string; requests: Array<{ agencyEid: string; question: string }> }>(dossier.code, 'consultations', (field) => {
    const m = /^requests\[(\d+)\]/.exec(field);
    return m ? 'requests' : field.split(/[.[]/)[0];
  });
  const procedure = useInternalProcedure(dossier.procedure?.code);
  const consultations = procedure.data?.consultations ?? [];
  const asked = new Set((dossier.legs ?? []).filter((l) => l.kind === 'consultation' && l.status === 'open').map((l) => l.agencyEid));
  const [picked, setPicked] = useState<string[]>([]);
  const [questions, setQuestions] = useState<Record<string, string>>({});
  const question = (eid: string) => questions[eid] ?? consultations.find((c) => c.agency.eid === eid)?.subject ?? '';
  const submit = () => {
    const missing = picked.find((eid) => !question(eid).trim());
    const ok = f.check({
      requests: !picked.length ? 'Vui lòng chọn ít nhất một cơ quan cần xin ý kiến.' : missing ? 'Vui lòng nhập nội dung xin ý kiến cho từng cơ quan đã chọn.' : '',
    });
    if (ok) void f.send({ stepKey: dossier.step?.key ?? '', requests: picked.map((eid) => ({ agencyEid: eid, question: question(eid).trim() })) }, onClose);
  };
  return (
    <ActionModal title="Xin ý kiến cơ quan phối hợp" onClose={onClose} onSubmit={submit} pending={f.pending} problem={f.problem} attempt={f.attempt} submitLabel="Gửi xin ý kiến" testId="consult-dialog">
      <StepNow dossier={dossier} />
      <Text size="sm">Các cơ quan được xin ý kiến đồng thời; mỗi cơ quan trả lời trong thời hạn quy định của quy trình nội bộ.</Text>
      {procedure.isPending && <Loader size="sm" role="status" aria-label="Đang tải quy trình nội bộ" />}
      {procedure.error && <ProblemAlert error={procedure.error} />}
      {procedure.data && !consultations.length && (
        <Alert color="gray" variant="light">
          Quy trình nội bộ của thủ tục không quy định việc xin ý kiến cơ quan khác.
        </Alert>
      )}
      {consultations.length > 0 && (
        <Checkbox.Group label="Cơ quan xin ý kiến" required value={picked} onChange={(v) => { setPicked(v); f.clear('requests'); }} error={f.errors.requests}>
          <Stack gap="sm" mt="xs" data-testid="consult-agencies">
            {consultations.map((c, i) => (
              <Stack key={c.agency.eid} gap={4}>
                <Checkbox
                  value={c.agency.eid}
                  disabled={asked.has(c.agency.eid)}
                  data-autofocus={i === 0 ? true : undefined}
                  label={`${c.agency.name} (trả lời trong ${c.budget.text})${asked.has(c.agency.eid) ? ' — đang chờ trả lời' : ''}`}
                />
                {picked.includes(c.agency.eid) && (
                  <Textarea
                    ml="xl"
                    label={`Nội dung xin ý kiến ${c.agency.name}`}
                    required
                    value={question(c.agency.eid)}
                    onChange={(e) => {
                      const value = e.currentTarget.value;
                      setQuestions((q) => ({ ...q, [c.agency.eid]: value }));
                      f.clear('requests');
                    }}
                    autosize
                    minRows={2}
                  />
                )}
              </Stack>
            ))}
          </Stack>
        </Checkbox.Group>
      )}
    </ActionModal>
  );
}

/** Đôn đốc cơ quan phối hợp: the officers of an open leg's or consultation's agency are alerted. */
export function ChaseLegDialog({ dossier, onClose }: ActionDialogProps) {
  const f = useActionForm<{ workflowId: string; note?: string }>(dossier.code, 'legs/chase');
  const procedure = useInternalProcedure(dossier.procedure?.code);
  const names = agencyNames(procedure.data);
  const open = (dossier.legs ?? []).filter((l) => l.status === 'open');
  const [picked, setPicked] = useState<string | null>(open.length === 1 ? open[0]!.workflowId : null);
  const [note, setNote] = useState('');
  const submit = () => {
    if (f.check({ workflowId: picked ? '' : 'Vui lòng chọn cơ quan cần đôn đốc.' })) void f.send({ workflowId: picked!, note: optional(note) }, onClose);
  };
  return (
    <ActionModal title="Đôn đốc cơ quan phối hợp" onClose={onClose} onSubmit={submit} pending={f.pending} problem={f.problem} attempt={f.attempt} submitLabel="Đôn đốc" testId="chase-leg-dialog">
      <Radio.Group label="Phần việc đang chờ" required value={picked} onChange={(v) => { setPicked(v); f.clear('workflowId'); }} error={f.errors.workflowId}>
        <Stack gap="xs" mt="xs">
          {open.map((l, i) => (
            <Radio
              key={l.workflowId}
              value={l.workflowId}
              data-autofocus={i === 0 ? true : undefined}
              label={
                <Group gap="xs">
                  <span>
                    {LEG_KIND[l.kind]}: {names.get(l.agencyEid) ?? l.agencyEid}
                  </span>
                  <Text size="xs" c="dimmed" component="span">
                    {l.dueAt ? `hạn ${dateTimeVn(l.dueAt)}` : ''}
                    {l.late ? ' — quá hạn' : ''}
                    {l.chasedAt ? ` — đã đôn đốc lúc ${dateTimeVn(l.chasedAt)}` : ''}
                  </Text>
                </Group>
              }
            />
          ))}
          {!open.length && <Text size="sm">{LEG_STATUS.open!.label}: không có phần việc nào.</Text>}
        </Stack>
      </Radio.Group>
      <Textarea label="Nội dung đôn đốc (không bắt buộc)" value={note} onChange={(e) => { setNote(e.currentTarget.value); f.clear('note'); }} error={f.errors.note} autosize minRows={2} />
    </ActionModal>
  );
}
