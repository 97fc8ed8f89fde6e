import { Badge, Button, FileButton, Group, Loader, Text } from '@mantine/core';
import { useId, useRef, useState } from 'react';
import { ApiProblem } from '../api/client';
import { newKey, sizeText, uploadDocument, type UploadedDocument } from './citizen';

/** What the API accepts (documents/media-types.ts): the file picker offers these. */
const ACCEPT = '.pdf,.jpg,.jpeg,.png,.tif,.tiff,.docx,.xlsx,application/pdf,image/jpeg,image/png,image/tiff';

/**
 * One document of a checklist: its name, "Chọn tệp", and once picked the file uploaded at once
 * (POST /citizen/documents) with its name and size, or why the API refused it.
 */
export function DocumentUpload({
  name,
  index,
  required,
  value,
  onChange,
  error,
  disabled,
  tag,
}: {
  name: string;
  index: number;
  required: boolean;
  value: UploadedDocument | null;
  onChange: (doc: UploadedDocument | null) => void;
  error?: string;
  disabled?: boolean;
  /** Said beside the name instead of "Bắt buộc" / "Nếu có" (e.g. what a supplement asks for). */
  tag?: string;
}) {
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const resetRef = useRef<() => void>(null);
  const pick = async (file: File | null) => {
    if (!file) return;
    setBusy(true);
    setFailed(null);
    try {
      onChange(await uploadDocument(file, name, newKey()));
    } catch (err) {
      setFailed(
        err instanceof ApiProblem && err.problem.detail && /[À-ỹ]/.test(err.problem.detail)
          ? err.problem.detail
          : 'Không tải được tệp lên. Vui lòng thử lại.',
      );
    } finally {
      setBusy(false);
      resetRef.current?.();
    }
  };
  const message = failed ?? error;
  return (
    <li className="checklist-item">
      <Group justify="space-between" align="flex-start" gap="xs" wrap="wrap">
        <div style={{ flex: '1 1 240px', minWidth: 0 }}>
          <Text component="div" fw={500} id={`${id}-name`}>
            {index + 1}. {name}{' '}
            {tag ? (
              <Badge size="sm" variant="light" color="orange">
                {tag}
              </Badge>
            ) : required ? (
              <Badge size="sm" variant="light" color="red">
                Bắt buộc
              </Badge>
            ) : (
              <Badge size="sm" variant="light" color="gray">
                Nếu có
              </Badge>
            )}
          </Text>
          <div aria-live="polite">
            {busy ? (
              <Group gap={6} mt={4}>
                <Loader size="xs" aria-hidden="true" />
                <Text size="sm">Đang tải lên…</Text>
              </Group>
            ) : value ? (
              <Text size="sm" mt={4} c="teal.9" data-testid="uploaded">
                ✓ Đã tải lên: {value.filename} ({sizeText(value.sizeBytes)})
              </Text>
            ) : (
              <Text size="sm" mt={4} c="dimmed">
                Chưa có tệp. Định dạng PDF, JPG, PNG, TIFF, DOCX hoặc XLSX.
              </Text>
            )}
          </div>
          {message ? (
            <Text size="sm" c="var(--mantine-color-error)" mt={4} id={`${id}-error`} role="alert">
              {message}
            </Text>
          ) : null}
        </div>
        <Group gap="xs">
          {value ? (
            <Button variant="default" size="sm" onClick={() => onChange(null)} disabled={disabled || busy} aria-label={`Xóa tệp của ${name}`}>
              Xóa
            </Button>
          ) : null}
          <FileButton onChange={(f) => void pick(f)} accept={ACCEPT} resetRef={resetRef} disabled={disabled || busy} inputProps={{ 'aria-label': `Tệp ${name}`, 'data-testid': `file-${index + 1}` } as never}>
            {(props) => (
              <Button {...props} variant="default" size="sm" disabled={disabled || busy} aria-describedby={`${id}-name`}>
                {value ? 'Chọn tệp khác' : 'Chọn tệp'}
              </Button>
            )}
          </FileButton>
        </Group>
      </Group>
    </li>
  );
}
