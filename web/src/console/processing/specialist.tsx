import { Alert, Button, CloseButton, FileButton, Group, List, NumberInput, Radio, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useRef, useState } from 'react';
import { dateTimeVn } from '../../shared/format';
import { useSession } from '../session';
import type { ActionDialogProps } from '../actions/types';
import { ActionModal, lines, optional, useActionForm } from './ActionModal';
import { isPastVn, normaliseTime, todayVn, VnDateInput, VnTimeInput } from './fields';
import { uploadDossierDocument } from './upload';

/** Nhận xử lý: a specialist takes an unassigned dossier. */
export function ClaimDialog({ dossier, onClose }: ActionDialogProps) {
  const f = useActionForm<{ note?: string }>(dossier.code, 'claim');
  const [note, setNote] = useState('');
  return (
    <ActionModal title="Nhận xử lý hồ sơ" onClose={onClose} onSubmit={() => void f.send({ note: optional(note) }, onClose)} pending={f.pending} problem={f.problem} attempt={f.attempt} submitLabel="Nhận xử lý">
      <Text size="sm">
        {dossier.assignee ? `Hồ sơ ${dossier.code} đang do ${dossier.assignee.fullName} thụ lý.` : `Hồ sơ ${dossier.code} chưa được phân công.`} Khi nhận, Ông/Bà là chuyên viên thụ lý và
        chịu trách nhiệm về thời hạn giải quyết.
      </Text>
      <Textarea label="Ghi chú (không bắt buộc)" value={note} onChange={(e) => { setNote(e.currentTarget.value); f.clear('note'); }} error={f.errors.note} autosize minRows={2} data-autofocus />
    </ActionModal>
  );
}

/** Trả lại để phân công lại: the assigned specialist gives the dossier back. */
export function ReleaseDialog({ dossier, onClose }: ActionDialogProps) {
  const f = useActionForm<{ note?: string }>(dossier.code, 'release');
  const [note, setNote] = useState('');
  return (
    <ActionModal
      title="Trả hồ sơ để phân công lại"
      onClose={onClose}
      onSubmit={() => void f.send({ note: optional(note) }, onClose)}
      pending={f.pending}
      problem={f.problem}
      attempt={f.attempt}
      submitLabel="Trả lại"
      
    >
      <Text size="sm">Hồ sơ sẽ chờ lãnh đạo phân công hoặc một chuyên viên khác nhận xử lý. Thời hạn giải quyết vẫn tiếp tục tính.</Text>
      <Textarea label="Lý do trả lại (không bắt buộc)" value={note} onChange={(e) => { setNote(e.currentTarget.value); f.clear('note'); }} error={f.errors.note} autosize minRows={2} data-autofocus />
    </ActionModal>
  );
}

/** Yêu cầu bổ sung trong quá trình giải quyết: once by the specialist; a leader may ask again with a reason. */
export function ProcessingSupplementDialog({ dossier, onClose }: ActionDialogProps) {
  const { has } = useSession();
  const leader = has('leader', dossier.agency?.eid);
  const f = useActionForm<{ items: string[]; reason: string; deadlineWorkingDays: number; overrideReason?: string }>(dossier.code, 'review/supplement-request', (field) => {
    const top = field.split(/[.[]/)[0]!;
    return top === 'deadline' ? 'deadlineWorkingDays' : top;
  });
  const [items, setItems] = useState('');
  const [reason, setReason] = useState('');
  const [days, setDays] = useState<number | string>(15);
  const [override, setOverride] = useState('');
  const submit = () => {
    const ok = f.check({
      items: lines(items).length ? '' : 'Vui lòng liệt kê ít nhất một giấy tờ, nội dung cần bổ sung.',
      reason: reason.trim() ? '' : 'Vui lòng nhập lý do yêu cầu bổ sung.',
      deadlineWorkingDays: typeof days === 'number' && Number.isInteger(days) && days >= 1 && days <= 60 ? '' : 'Thời hạn bổ sung là số ngày làm việc từ 1 đến 60.',
    });
    if (ok) void f.send({ items: lines(items), reason: reason.trim(), deadlineWorkingDays: Number(days), overrideReason: leader ? optional(override) : undefined }, onClose);
  };
  return (
    <ActionModal title="Yêu cầu bổ sung hồ sơ trong quá trình giải quyết" onClose={onClose} onSubmit={submit} pending={f.pending} problem={f.problem} attempt={f.attempt} submitLabel="Gửi yêu cầu bổ sung">
      <Text size="sm">
        Theo Nghị định 118/2025/NĐ-CP, chỉ yêu cầu bổ sung một lần và nêu đầy đủ các nội dung cần bổ sung. Thời gian chờ công dân bổ sung được tính theo quy định của thủ tục.
      </Text>
      <Textarea label="Giấy tờ, nội dung cần bổ sung" description="Mỗi dòng một nội dung" required value={items} onChange={(e) => { setItems(e.currentTarget.value); f.clear('items'); }} error={f.errors.items} autosize minRows={3} data-autofocus />
      <Textarea label="Lý do" required value={reason} onChange={(e) => { setReason(e.currentTarget.value); f.clear('reason'); }} error={f.errors.reason} autosize minRows={2} />
      <NumberInput label="Thời hạn bổ sung (ngày làm việc)" required min={1} max={60} allowDecimal={false} value={days} onChange={(v) => { setDays(v); f.clear('deadlineWorkingDays'); }} error={f.errors.deadlineWorkingDays} w={260} />
      {leader && (
        <Textarea
          label="Lý do yêu cầu bổ sung thêm lần nữa (chỉ lãnh đạo)"
          description="Chỉ điền khi hồ sơ đã được yêu cầu bổ sung một lần; hồ sơ khi đó bị tính là trễ hạn."
          value={override}
          onChange={(e) => {
            setOverride(e.currentTarget.value);
            f.clear('overrideReason');
          }}
          error={f.errors.overrideReason}
          autosize
          minRows={2}
        />
      )}
    </ActionModal>
  );
}

interface VisitBody {
  visit: { date: string; from: string; to: string; place: string; officers: string[] };
  purpose: string;
  exceptionReason?: string;
}

/** Lên lịch xác minh, kiểm tra thực địa: the day, the hours, the place, who goes and why; the citizen is told. */
export function ScheduleVerificationDialog({ dossier, onClose }: ActionDialogProps) {
  const { has, me } = useSession();
  const leader = has('leader', dossier.agency?.eid);
  const f = useActionForm<VisitBody>(dossier.code, 'verification', (field) => {
    const m = /^visit\.(\w+)/.exec(field);
    if (m) return m[1];
    return field.split(/[.[]/)[0];
  });
  const pending = dossier.pendingAction as { kind?: string; visit?: { date: string; from: string; to: string; place?: string } } | undefined;
  const [date, setDate] = useState<string | null>(null);
  const [fromText, setFrom] = useState('08:00');
  const [toText, setTo] = useState('10:00');
  const [place, setPlace] = useState(dossier.applicant?.address ?? '');
  const [officers, setOfficers] = useState(me?.fullName ?? '');
  const [purpose, setPurpose] = useState('');
  const [exception, setException] = useState('');
  const submit = () => {
    const hm = /^([01]\d|2[0-3]):[0-5]\d$/;
    // Submitted by Enter in the field itself: its time is read as it would be once left.
    const from = normaliseTime(fromText);
    const to = normaliseTime(toText);
    const ok = f.check({
      date: !date ? 'Vui lòng chọn ngày xác minh (dd/mm/yyyy).' : '',
      from: !hm.test(from) ? 'Vui lòng nhập giờ bắt đầu (HH:MM).' : date && isPastVn(date, from) ? 'Thời điểm xác minh đã qua; vui lòng chọn thời điểm từ nay về sau.' : '',
      to: !hm.test(to) ? 'Vui lòng nhập giờ kết thúc (HH:MM).' : hm.test(from) && to <= from ? 'Giờ kết thúc phải sau giờ bắt đầu.' : '',
      place: place.trim() ? '' : 'Vui lòng nhập địa điểm xác minh.',
      officers: lines(officers).length ? '' : 'Vui lòng nhập ít nhất một cán bộ đi xác minh.',
      purpose: purpose.trim() ? '' : 'Vui lòng nhập nội dung xác minh.',
    });
    if (!ok) return;
    void f.send(
      { visit: { date: date!, from, to, place: place.trim(), officers: lines(officers) }, purpose: purpose.trim(), ...(leader && exception.trim() ? { exceptionReason: exception.trim() } : {}) },
      onClose,
    );
  };
  return (
    <ActionModal title="Lên lịch xác minh thực địa" onClose={onClose} onSubmit={submit} pending={f.pending} problem={f.problem} attempt={f.attempt} submitLabel="Lên lịch xác minh">
      {pending?.kind === 'site_visit' && pending.visit && (
        <Alert color="blue" variant="light" title="Đã có lịch xác minh">
          Lịch hiện tại: từ {pending.visit.from} đến {pending.visit.to} ngày {pending.visit.date.split('-').reverse().join('/')}. Lịch mới sẽ thay thế và công dân được thông báo lại.
        </Alert>
      )}
      <Text size="sm">Lịch xác minh phải trong giờ làm việc của cơ quan và không ở thời điểm đã qua. Giờ theo giờ Việt Nam.</Text>
      <Group align="flex-start" grow>
        <VnDateInput label="Ngày xác minh" required minDate={todayVn()} value={date} onChange={(v) => { setDate(v); f.clear('date'); }} error={f.errors.date} data-autofocus data-testid="visit-date" />
        <VnTimeInput label="Từ giờ" required value={fromText} onChange={(v) => { setFrom(v); f.clear('from'); }} error={f.errors.from} data-testid="visit-from" />
        <VnTimeInput label="Đến giờ" required value={toText} onChange={(v) => { setTo(v); f.clear('to'); }} error={f.errors.to} data-testid="visit-to" />
      </Group>
      <TextInput label="Địa điểm" required value={place} onChange={(e) => { setPlace(e.currentTarget.value); f.clear('place'); }} error={f.errors.place} />
      <Textarea label="Cán bộ đi xác minh" description="Mỗi dòng một người" required value={officers} onChange={(e) => { setOfficers(e.currentTarget.value); f.clear('officers'); }} error={f.errors.officers} autosize minRows={1} />
      <Textarea label="Nội dung xác minh" required value={purpose} onChange={(e) => { setPurpose(e.currentTarget.value); f.clear('purpose'); }} error={f.errors.purpose} autosize minRows={2} />
      {leader && (
        <Textarea
          label="Lý do lãnh đạo cho phép xác minh ngoài quy định"
          description="Chỉ điền khi thủ tục không quy định xác minh thực địa hoặc lịch nằm ngoài giờ làm việc."
          value={exception}
          onChange={(e) => {
            setException(e.currentTarget.value);
            f.clear('exceptionReason');
          }}
          error={f.errors.exceptionReason}
          autosize
          minRows={2}
        />
      )}
    </ActionModal>
  );
}

const OUTCOMES = [
  { value: 'confirmed', label: 'Đúng như hồ sơ' },
  { value: 'discrepancies', label: 'Có sai khác so với hồ sơ' },
  { value: 'missed', label: 'Không gặp được (cần lên lịch lại)' },
] as const;

/** Biên bản xác minh: the outcome, the findings, the minutes and photos (uploaded to the dossier first); or "not met". */
export function RecordVerificationDialog({ dossier, onClose }: ActionDialogProps) {
  const f = useActionForm<{ outcome: string; findings: string; attachments: Array<{ name: string; fileId: string }> }>(dossier.code, 'verification/record', (field) => field.split(/[.[]/)[0]);
  const [outcome, setOutcome] = useState<string>('confirmed');
  const [findings, setFindings] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const uploadKeys = useRef(new Map<File, string>());
  const resetRef = useRef<() => void>(null);
  const pending = dossier.pendingAction as { kind?: string; visit?: { date: string; from: string; to: string } } | undefined;
  const keyOf = (file: File) => {
    let k = uploadKeys.current.get(file);
    if (!k) uploadKeys.current.set(file, (k = crypto.randomUUID()));
    return k;
  };
  const submit = () => {
    const ok = f.check({
      outcome: outcome ? '' : 'Vui lòng chọn kết quả xác minh.',
      findings: findings.trim() ? '' : outcome === 'missed' ? 'Vui lòng ghi lại việc không gặp được (ai vắng, đã liên hệ thế nào).' : 'Vui lòng nhập nội dung ghi nhận khi xác minh.',
      attachments: outcome !== 'missed' && files.length === 0 ? 'Vui lòng đính kèm biên bản xác minh (và hình ảnh nếu có).' : '',
    });
    if (!ok) return;
    void f.send(async () => {
      const attachments = [];
      // One at a time: each becomes a document of the dossier, named as the officer sees it.
      for (const file of files) {
        const doc = await uploadDossierDocument(dossier.code, file, file.name.replace(/\.[^.]+$/, ''), keyOf(file));
        attachments.push({ name: doc.name, fileId: doc.id });
      }
      return { outcome, findings: findings.trim(), attachments };
    }, onClose);
  };
  return (
    <ActionModal title="Ghi kết quả xác minh thực địa" onClose={onClose} onSubmit={submit} pending={f.pending} problem={f.problem} attempt={f.attempt} submitLabel="Lưu kết quả xác minh">
      {pending?.kind === 'site_visit' && pending.visit && (
        <Text size="sm">
          Lịch xác minh: từ {pending.visit.from} đến {pending.visit.to} ngày {pending.visit.date.split('-').reverse().join('/')}.
        </Text>
      )}
      <Radio.Group label="Kết quả" required value={outcome} onChange={(v) => { setOutcome(v); f.clear('outcome'); }} error={f.errors.outcome}>
        <Stack gap="xs" mt="xs">
          {OUTCOMES.map((o) => (
            <Radio key={o.value} value={o.value} label={o.label} />
          ))}
        </Stack>
      </Radio.Group>
      <Textarea label="Nội dung ghi nhận" required value={findings} onChange={(e) => { setFindings(e.currentTarget.value); f.clear('findings'); }} error={f.errors.findings} autosize minRows={3} />
      <Stack gap={4}>
        <Group gap="sm">
          <FileButton
            resetRef={resetRef}
            multiple
            accept="application/pdf,image/jpeg,image/png"
            onChange={(picked) => {
              setFiles((prev) => [...prev, ...picked.filter((p) => !prev.some((q) => q.name === p.name && q.size === p.size))]);
              resetRef.current?.();
              f.clear('attachments');
            }}
          >
            {(props) => (
              <Button {...props} variant="default" aria-describedby="attachments-help attachments-error" aria-invalid={f.errors.attachments ? true : undefined} data-testid="attach-files">
                Đính kèm biên bản, hình ảnh
              </Button>
            )}
          </FileButton>
          <Text size="xs" c="dimmed" id="attachments-help">
            PDF, JPG hoặc PNG{outcome !== 'missed' ? '; bắt buộc có biên bản' : ''}
          </Text>
        </Group>
        {files.length > 0 && (
          <List size="sm" spacing={2} aria-label="Tệp đính kèm">
            {files.map((file) => (
              <List.Item key={`${file.name}-${file.size}`}>
                <Group gap={4} wrap="nowrap">
                  <span>{file.name}</span>
                  <CloseButton size="sm" aria-label={`Bỏ tệp ${file.name}`} onClick={() => setFiles((prev) => prev.filter((p) => p !== file))} />
                </Group>
              </List.Item>
            ))}
          </List>
        )}
        {f.errors.attachments && (
          <Text size="xs" c="var(--mantine-color-error)" id="attachments-error" role="alert">
            {f.errors.attachments}
          </Text>
        )}
      </Stack>
    </ActionModal>
  );
}

/** Đề xuất: the assigned specialist proposes approval, or denial with the concrete reasons, to the leader. */
export function ProposeDecisionDialog({ dossier, onClose }: ActionDialogProps) {
  const f = useActionForm<{ proposal: string; reasons?: string[]; note?: string }>(dossier.code, 'review/proposal');
  const [proposal, setProposal] = useState('approve');
  const [reasons, setReasons] = useState('');
  const [note, setNote] = useState('');
  const returned = [...(dossier.events ?? [])].reverse().find((e) => e.type === 'returned_to_specialist');
  const submit = () => {
    const ok = f.check({ reasons: proposal === 'deny' && !lines(reasons).length ? 'Đề xuất từ chối phải nêu rõ lý do (mỗi dòng một lý do).' : '' });
    if (ok) void f.send({ proposal, ...(proposal === 'deny' ? { reasons: lines(reasons) } : {}), note: optional(note) }, onClose);
  };
  const returnNote = (returned?.data as { note?: string } | undefined)?.note;
  return (
    <ActionModal title="Đề xuất giải quyết" onClose={onClose} onSubmit={submit} pending={f.pending} problem={f.problem} attempt={f.attempt} submitLabel="Trình lãnh đạo">
      {returnNote && dossier.status.code === 'IN_REVIEW' && (
        <Alert color="orange" variant="light" title={`Lãnh đạo trả lại lúc ${dateTimeVn(returned!.at)}`}>
          {returnNote}
        </Alert>
      )}
      <Radio.Group label="Đề xuất" required value={proposal} onChange={setProposal}>
        <Group mt="xs">
          <Radio value="approve" label="Giải quyết (cấp kết quả)" />
          <Radio value="deny" label="Từ chối giải quyết" />
        </Group>
      </Radio.Group>
      {proposal === 'deny' && (
        <Textarea label="Lý do từ chối" description="Mỗi dòng một lý do; công dân sẽ nhận được các lý do này" required value={reasons} onChange={(e) => { setReasons(e.currentTarget.value); f.clear('reasons'); }} error={f.errors.reasons} autosize minRows={3} />
      )}
      <Textarea label="Ý kiến gửi lãnh đạo (không bắt buộc)" value={note} onChange={(e) => { setNote(e.currentTarget.value); f.clear('note'); }} error={f.errors.note} autosize minRows={2} />
    </ActionModal>
  );
}
