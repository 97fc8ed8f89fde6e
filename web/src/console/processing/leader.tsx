import { Alert, Badge, Button, Group, Loader, NumberInput, Radio, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { answer, api } from '../../api/client';
import { dateTimeVn } from '../../shared/format';
import { ProblemAlert } from '../../shared/ProblemAlert';
import { openForm } from '../dossier/forms';
import type { ActionDialogProps } from '../actions/types';
import { ActionModal, lines, optional, useActionForm } from './ActionModal';
import { isPastVn, normaliseTime, todayVn, vnInstant, VnDateInput, VnTimeInput } from './fields';

const lastEvent = (dossier: ActionDialogProps['dossier'], types: string[]) => [...(dossier.events ?? [])].reverse().find((e) => types.includes(e.type));

/** Quyết định: approve, deny with the reasons, or return to the specialist with a required comment. */
export function DecideDialog({ dossier, onClose }: ActionDialogProps) {
  const f = useActionForm<{ decision: string; reasons?: string[]; note?: string }>(dossier.code, 'decision');
  const [decision, setDecision] = useState('approve');
  const [reasons, setReasons] = useState('');
  const [note, setNote] = useState('');
  const proposal = lastEvent(dossier, ['approval_proposed', 'denial_proposed']);
  const proposed = proposal?.data as { proposal?: string; reasons?: string[] | null; note?: string | null } | undefined;
  const submit = () => {
    const ok = f.check({
      reasons: decision === 'deny' && !lines(reasons).length ? 'Từ chối phải nêu rõ lý do (mỗi dòng một lý do).' : '',
      note: decision === 'return' && !note.trim() ? 'Vui lòng ghi ý kiến cho chuyên viên khi trả lại hồ sơ.' : '',
    });
    if (ok) void f.send({ decision, ...(decision === 'deny' ? { reasons: lines(reasons) } : {}), note: optional(note) }, onClose);
  };
  const submitLabel = decision === 'approve' ? 'Phê duyệt' : decision === 'deny' ? 'Từ chối giải quyết' : 'Trả lại chuyên viên';
  return (
    <ActionModal
      title="Quyết định giải quyết hồ sơ"
      onClose={onClose}
      onSubmit={submit}
      pending={f.pending}
      problem={f.problem}
      attempt={f.attempt}
      submitLabel={submitLabel}
      submitColor={decision === 'deny' ? 'red.9' : undefined}
    >
      {proposal && (
        <Alert color={proposed?.proposal === 'deny' ? 'red' : 'blue'} variant="light" title={`${proposal.actor?.fullName ?? 'Chuyên viên'} đề xuất ${proposed?.proposal === 'deny' ? 'từ chối' : 'giải quyết'} lúc ${dateTimeVn(proposal.at)}`}>
          {proposed?.reasons?.length ? (
            <Text size="sm">Lý do: {proposed.reasons.join('; ')}</Text>
          ) : null}
          {proposed?.note ? <Text size="sm">Ý kiến: {proposed.note}</Text> : null}
        </Alert>
      )}
      <Radio.Group label="Quyết định" required value={decision} onChange={setDecision}>
        <Stack gap="xs" mt="xs">
          <Radio value="approve" label="Phê duyệt, cấp kết quả" />
          <Radio value="deny" label="Từ chối giải quyết (nêu lý do)" />
          <Radio value="return" label="Trả lại chuyên viên xem xét lại" />
        </Stack>
      </Radio.Group>
      {decision === 'deny' && (
        <Textarea label="Lý do từ chối" description="Mỗi dòng một lý do; ghi trong văn bản trả lời công dân" required value={reasons} onChange={(e) => { setReasons(e.currentTarget.value); f.clear('reasons'); }} error={f.errors.reasons} autosize minRows={3} />
      )}
      <Textarea
        label={decision === 'return' ? 'Ý kiến cho chuyên viên' : 'Ý kiến (không bắt buộc)'}
        required={decision === 'return'}
        value={note}
        onChange={(e) => {
          setNote(e.currentTarget.value);
          f.clear('note');
        }}
        error={f.errors.note}
        autosize
        minRows={2}
      />
    </ActionModal>
  );
}

interface OfficerLoad {
  id: number;
  username: string;
  fullName: string;
  openLoad: number;
  openLoadInAgency: number;
}

/** Phân công: the leader picks a specialist of the agency, each shown with the dossiers they hold open. */
export function AssignDialog({ dossier, onClose }: ActionDialogProps) {
  const eid = dossier.agency?.eid ?? '';
  const officers = useQuery({
    queryKey: ['officers', eid, 'specialist'],
    queryFn: () => answer<{ officers: OfficerLoad[] }>(api.GET('/api/v1/agencies/{eid}/officers', { params: { path: { eid }, query: { role: 'specialist' } } })),
    staleTime: 0,
  });
  const f = useActionForm<{ specialist: number; note?: string }>(dossier.code, 'assignment');
  const current = dossier.assignee?.userId;
  const [picked, setPicked] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const submit = () => {
    if (f.check({ specialist: picked ? '' : 'Vui lòng chọn chuyên viên thụ lý.' })) void f.send({ specialist: Number(picked), note: optional(note) }, onClose);
  };
  return (
    <ActionModal title={current ? 'Phân công lại chuyên viên thụ lý' : 'Phân công chuyên viên thụ lý'} onClose={onClose} onSubmit={submit} pending={f.pending} problem={f.problem} attempt={f.attempt} submitLabel="Phân công">
      {dossier.assignee && <Text size="sm">Đang thụ lý: {dossier.assignee.fullName}</Text>}
      {officers.isPending && <Loader size="sm" role="status" aria-label="Đang tải danh sách chuyên viên" />}
      {officers.error && <ProblemAlert error={officers.error} />}
      {officers.data && (
        <Radio.Group label="Chuyên viên" description="Số hồ sơ đang xử lý (chưa có quyết định) của mỗi người" required value={picked} onChange={(v) => { setPicked(v); f.clear('specialist'); }} error={f.errors.specialist}>
          <Stack gap="xs" mt="xs" data-testid="specialists">
            {officers.data.officers.map((o) => (
              <Radio
                key={o.id}
                value={String(o.id)}
                disabled={o.id === current}
                data-autofocus={o.id === officers.data.officers.find((x) => x.id !== current)?.id ? true : undefined}
                label={
                  <Group gap="xs">
                    <span>{o.fullName}</span>
                    <Badge variant="light" color={o.openLoadInAgency > 10 ? 'orange' : 'gray'} data-testid={`load-${o.username}`}>
                      {o.openLoadInAgency} hồ sơ đang xử lý
                    </Badge>
                    {o.id === current && <Text size="xs">(đang thụ lý)</Text>}
                  </Group>
                }
              />
            ))}
          </Stack>
        </Radio.Group>
      )}
      <Textarea label="Ghi chú cho chuyên viên (không bắt buộc)" value={note} onChange={(e) => { setNote(e.currentTarget.value); f.clear('note'); }} error={f.errors.note} autosize minRows={2} />
    </ActionModal>
  );
}

/** Gia hạn: more working days or hours, with the reason and its legal basis, before the due date. */
export function ExtendDeadlineDialog({ dossier, onClose }: ActionDialogProps) {
  const f = useActionForm<{ workingDays?: number; workingHours?: number; reason: string; legalBasis: string }>(dossier.code, 'deadline/extension', (field) => {
    const top = field.split(/[.[]/)[0]!;
    return top === 'workingDays' || top === 'workingHours' ? 'amount' : top;
  });
  const [unit, setUnit] = useState<'days' | 'hours'>('days');
  const [amount, setAmount] = useState<number | string>('');
  const [reason, setReason] = useState('');
  const [basis, setBasis] = useState('');
  const deadline = dossier.deadline as { dueAt?: string } | null | undefined;
  const submit = () => {
    const n = typeof amount === 'number' ? amount : NaN;
    const max = unit === 'days' ? 60 : 480;
    const ok = f.check({
      amount: !(n > 0) ? 'Vui lòng nhập thời gian gia hạn lớn hơn 0.' : n > max ? `Gia hạn tối đa ${max} ${unit === 'days' ? 'ngày' : 'giờ'} làm việc.` : '',
      reason: reason.trim() ? '' : 'Vui lòng nhập lý do gia hạn.',
      legalBasis: basis.trim() ? '' : 'Vui lòng nhập căn cứ pháp lý của việc gia hạn.',
    });
    if (ok) void f.send({ ...(unit === 'days' ? { workingDays: n } : { workingHours: n }), reason: reason.trim(), legalBasis: basis.trim() }, onClose);
  };
  return (
    <ActionModal title="Gia hạn thời gian giải quyết" onClose={onClose} onSubmit={submit} pending={f.pending} problem={f.problem} attempt={f.attempt} submitLabel="Gia hạn">
      <Text size="sm">
        Hạn giải quyết hiện tại: <b>{dateTimeVn(deadline?.dueAt ?? dossier.appointmentAt)}</b>. Gia hạn phải thực hiện trước hạn và có căn cứ pháp lý; khi đã quá hạn chỉ có thể xin lỗi và hẹn lại.
      </Text>
      <Stack gap={4}>
        <Text size="sm" fw={500} id="extension-unit">
          Đơn vị
        </Text>
        <SegmentedControl
          aria-labelledby="extension-unit"
          value={unit}
          onChange={(v) => setUnit(v as 'days' | 'hours')}
          data={[
            { value: 'days', label: 'Ngày làm việc' },
            { value: 'hours', label: 'Giờ làm việc' },
          ]}
          w={320}
        />
      </Stack>
      <NumberInput label={`Thời gian gia hạn (${unit === 'days' ? 'ngày' : 'giờ'} làm việc)`} required min={0} max={unit === 'days' ? 60 : 480} decimalScale={2} value={amount} onChange={(v) => { setAmount(v); f.clear('amount'); }} error={f.errors.amount} w={320} data-autofocus />
      <Textarea label="Lý do gia hạn" required value={reason} onChange={(e) => { setReason(e.currentTarget.value); f.clear('reason'); }} error={f.errors.reason} autosize minRows={2} />
      <Textarea label="Căn cứ pháp lý" description="Ví dụ: Khoản 2 Điều 21 Nghị định 118/2025/NĐ-CP" required value={basis} onChange={(e) => { setBasis(e.currentTarget.value); f.clear('legalBasis'); }} error={f.errors.legalBasis} autosize minRows={1} />
    </ActionModal>
  );
}

/** Tạm dừng tính thời hạn: a clock-excluded step (e.g. the citizen paying land obligations). */
export function PauseClockDialog({ dossier, onClose }: ActionDialogProps) {
  const f = useActionForm<{ reason: string; legalBasis: string }>(dossier.code, 'clock/pause');
  const [reason, setReason] = useState('');
  const [basis, setBasis] = useState('');
  const submit = () => {
    const ok = f.check({ reason: reason.trim() ? '' : 'Vui lòng nhập lý do tạm dừng.', legalBasis: basis.trim() ? '' : 'Vui lòng nhập căn cứ pháp lý.' });
    if (ok) void f.send({ reason: reason.trim(), legalBasis: basis.trim() }, onClose);
  };
  return (
    <ActionModal title="Tạm dừng tính thời hạn giải quyết" onClose={onClose} onSubmit={submit} pending={f.pending} problem={f.problem} attempt={f.attempt} submitLabel="Tạm dừng" >
      <Text size="sm">Chỉ dùng cho bước không tính vào thời hạn giải quyết theo quy định (ví dụ: thời gian công dân thực hiện nghĩa vụ tài chính). Hạn trả kết quả lùi tương ứng khi tiếp tục.</Text>
      <Textarea label="Lý do tạm dừng" required value={reason} onChange={(e) => { setReason(e.currentTarget.value); f.clear('reason'); }} error={f.errors.reason} autosize minRows={2} data-autofocus />
      <Textarea label="Căn cứ pháp lý" required value={basis} onChange={(e) => { setBasis(e.currentTarget.value); f.clear('legalBasis'); }} error={f.errors.legalBasis} autosize minRows={1} />
    </ActionModal>
  );
}

/** Tiếp tục tính thời hạn after a clock-excluded step. */
export function ResumeClockDialog({ dossier, onClose }: ActionDialogProps) {
  const f = useActionForm<{ note?: string }>(dossier.code, 'clock/resume');
  const [note, setNote] = useState('');
  const deadline = dossier.deadline as { pausedSince?: string | null } | null | undefined;
  return (
    <ActionModal title="Tiếp tục tính thời hạn giải quyết" onClose={onClose} onSubmit={() => void f.send({ note: optional(note) }, onClose)} pending={f.pending} problem={f.problem} attempt={f.attempt} submitLabel="Tiếp tục tính thời hạn">
      {deadline?.pausedSince && <Text size="sm">Thời hạn đang tạm dừng từ {dateTimeVn(deadline.pausedSince)}.</Text>}
      <Textarea label="Ghi chú (không bắt buộc)" value={note} onChange={(e) => { setNote(e.currentTarget.value); f.clear('note'); }} error={f.errors.note} autosize minRows={2} data-autofocus />
    </ActionModal>
  );
}

/**
 * Thư xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04): once, at least one working day before the
 * due date; a number of working days after it, or a date and hour. Then Form 04 to print.
 */
export function ReappointDialog({ dossier, onClose }: ActionDialogProps) {
  const f = useActionForm<{ reason: string; appointmentAt?: string; workingDaysAfterDue?: number }>(dossier.code, 'deadline/reappointment', (field) => {
    const top = field.split(/[.[]/)[0]!;
    return top === 'appointmentAt' ? 'date' : top;
  });
  const [mode, setMode] = useState<'days' | 'date'>('days');
  const [days, setDays] = useState<number | string>(2);
  const [date, setDate] = useState<string | null>(null);
  const [timeText, setTime] = useState('16:00');
  const [reason, setReason] = useState('');
  const [done, setDone] = useState(false);
  const [printProblem, setPrintProblem] = useState<unknown>(null);
  const printButton = useRef<HTMLButtonElement>(null);
  // The form gives way to the offer to print: focus goes to it, not back to the page behind.
  useEffect(() => {
    if (done) printButton.current?.focus();
  }, [done]);
  const deadline = dossier.deadline as { dueAt?: string } | null | undefined;
  const submit = () => {
    const time = normaliseTime(timeText);
    const ok = f.check({
      reason: reason.trim() ? '' : 'Vui lòng nhập lý do chậm trả kết quả (ghi trong Phiếu xin lỗi).',
      workingDaysAfterDue: mode === 'days' && !(typeof days === 'number' && Number.isInteger(days) && days >= 1 && days <= 60) ? 'Số ngày làm việc sau hạn từ 1 đến 60.' : '',
      date: mode === 'date' && !date ? 'Vui lòng chọn ngày hẹn trả mới (dd/mm/yyyy).' : '',
      time: mode === 'date' && !/^([01]\d|2[0-3]):[0-5]\d$/.test(time) ? 'Vui lòng nhập giờ hẹn (HH:MM).' : mode === 'date' && date && isPastVn(date, time) ? 'Ngày giờ hẹn mới phải sau hạn hiện tại.' : '',
    });
    if (!ok) return;
    void f.send({ reason: reason.trim(), ...(mode === 'days' ? { workingDaysAfterDue: Number(days) } : { appointmentAt: vnInstant(date!, time) }) }, () => setDone(true));
  };
  const print = () => {
    setPrintProblem(null);
    openForm(dossier.code, 'apology').catch(setPrintProblem);
  };
  return (
    <ActionModal
      title="Xin lỗi và hẹn lại ngày trả kết quả"
      onClose={onClose}
      onSubmit={submit}
      pending={f.pending}
      problem={f.problem}
      attempt={f.attempt}
      submitLabel="Hẹn lại ngày trả"
      done={
        done ? (
          <Stack gap="md" data-testid="reappointed">
            <Alert color="green" variant="light" title="Đã hẹn lại ngày trả kết quả" role="status">
              Hãy in Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04), ký và gửi công dân.
            </Alert>
            {printProblem ? <ProblemAlert error={printProblem} /> : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Đóng
              </Button>
              <Button ref={printButton} onClick={print}>
                In Phiếu xin lỗi (Mẫu 04)
              </Button>
            </Group>
          </Stack>
        ) : undefined
      }
    >
      <Text size="sm">
        Hạn giải quyết hiện tại: <b>{dateTimeVn(deadline?.dueAt ?? dossier.appointmentAt)}</b>. Phiếu xin lỗi phải gửi chậm nhất 01 ngày làm việc trước hạn và chỉ hẹn lại một lần.
      </Text>
      <Textarea label="Lý do chậm trả kết quả" required value={reason} onChange={(e) => { setReason(e.currentTarget.value); f.clear('reason'); }} error={f.errors.reason} autosize minRows={2} data-autofocus />
      <Radio.Group label="Ngày hẹn trả mới" required value={mode} onChange={(v) => setMode(v as 'days' | 'date')}>
        <Group mt="xs">
          <Radio value="days" label="Số ngày làm việc sau hạn" />
          <Radio value="date" label="Chọn ngày giờ" />
        </Group>
      </Radio.Group>
      {mode === 'days' ? (
        <NumberInput label="Số ngày làm việc sau hạn hiện tại" required min={1} max={60} allowDecimal={false} value={days} onChange={(v) => { setDays(v); f.clear('workingDaysAfterDue'); }} error={f.errors.workingDaysAfterDue} w={320} />
      ) : (
        <Group align="flex-start" grow>
          <VnDateInput label="Ngày hẹn trả mới" required minDate={todayVn()} value={date} onChange={(v) => { setDate(v); f.clear('date'); }} error={f.errors.date} />
          <VnTimeInput label="Giờ hẹn" required value={timeText} onChange={(v) => { setTime(v); f.clear('time'); }} error={f.errors.time} />
        </Group>
      )}
    </ActionModal>
  );
}

/** Dừng giải quyết: the officer stops the dossier with a reason (stop notice, Form 05). */
export function CancelDialog({ dossier, onClose }: ActionDialogProps) {
  const f = useActionForm<{ reason: string }>(dossier.code, 'cancel');
  const [reason, setReason] = useState('');
  const submit = () => {
    if (f.check({ reason: reason.trim() ? '' : 'Vui lòng nhập lý do dừng giải quyết.' })) void f.send({ reason: reason.trim() }, onClose);
  };
  return (
    <ActionModal title="Dừng giải quyết hồ sơ" onClose={onClose} onSubmit={submit} pending={f.pending} problem={f.problem} attempt={f.attempt} submitLabel="Dừng giải quyết" submitColor="red.9">
      <Alert color="red" variant="light" title="Không thể hoàn tác">
        Hồ sơ {dossier.code} sẽ kết thúc; hệ thống cấp Thông báo dừng giải quyết (Mẫu 05) có số và báo cho công dân.
      </Alert>
      <Textarea label="Lý do dừng giải quyết" required value={reason} onChange={(e) => { setReason(e.currentTarget.value); f.clear('reason'); }} error={f.errors.reason} autosize minRows={3} data-autofocus />
    </ActionModal>
  );
}
