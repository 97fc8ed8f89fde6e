import { Badge, Button, Group, Loader, Modal, Stack, Table, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { shortVn } from './time-left';
import { ProblemAlert } from '../../shared/ProblemAlert';
import type { OfficerDossier } from './api';
import { downloadDocument, fetchDocument, useDocuments, type DossierDocument } from './detail-api';
import { UPLOADED_BY } from './labels';

/** 149 → "149 B", 12_345 → "12,1 KB", in Vietnamese number style. */
export function sizeText(bytes: number): string {
  const n = (v: number) => new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 }).format(v);
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${n(bytes / 1024)} KB`;
  return `${n(bytes / 1024 / 1024)} MB`;
}

const previewable = (t: string) => t.startsWith('image/') || t === 'application/pdf';

/** The checklist item each document supplies (Thành phần hồ sơ), by document id. */
function checklistOf(dossier: OfficerDossier): Map<string, string> {
  const m = new Map<string, string>();
  for (const item of dossier.checklist?.items ?? []) {
    for (const doc of item.documents) if (doc.documentId) m.set(doc.documentId, `${item.item}. ${item.name}`);
  }
  return m;
}

/** A document shown in a dialog: fetched with the token into a Blob, shown from an object URL released on close. */
function Preview({ doc, onClose }: { doc: DossierDocument; onClose: () => void }) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let made: string | null = null;
    let live = true;
    fetchDocument(doc.id)
      .then((blob) => {
        made = URL.createObjectURL(blob);
        if (live) setUrl(made);
      })
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [doc.id]);
  return (
    <Modal opened onClose={onClose} title={`Xem giấy tờ: ${doc.name}`} size="xl" centered closeButtonProps={{ 'aria-label': 'Đóng' }}>
      <Stack gap="sm" data-testid="document-preview">
        {!url && !error && <Loader role="status" aria-label="Đang tải giấy tờ" />}
        {error !== null && <ProblemAlert error={error} />}
        {url && doc.mediaType.startsWith('image/') && (
          <img src={url} alt={doc.name} style={{ maxWidth: '100%', maxHeight: '65vh', objectFit: 'contain', alignSelf: 'center', imageRendering: 'auto', minWidth: 64, border: '1px solid var(--mantine-color-gray-3)' }} />
        )}
        {url && doc.mediaType === 'application/pdf' && <iframe src={url} title={doc.name} style={{ width: '100%', height: '65vh', border: '1px solid var(--mantine-color-gray-3)' }} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Đóng
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Giấy tờ: the dossier's files with their checklist item and size; preview (images, PDF) and download. */
export function DocumentsSection({ dossier }: { dossier: OfficerDossier }) {
  const docs = useDocuments(dossier.code);
  const items = checklistOf(dossier);
  const [previewing, setPreviewing] = useState<DossierDocument | null>(null);
  const [error, setError] = useState<unknown>(null);
  const trigger = useRef<HTMLButtonElement | null>(null);
  const papers = (dossier.documents as Array<{ name: string; fileId?: string }> | undefined)?.filter((d) => !d.fileId) ?? [];
  const close = () => {
    setPreviewing(null);
    requestAnimationFrame(() => trigger.current?.focus());
  };
  return (
    <Stack gap="sm">
      {docs.isPending && <Loader size="sm" role="status" aria-label="Đang tải giấy tờ" />}
      {docs.error && <ProblemAlert error={docs.error} />}
      {error !== null && <ProblemAlert error={error} />}
      {docs.data && !docs.data.documents.length && <Text size="sm">Hồ sơ chưa có tệp giấy tờ nào.</Text>}
      {docs.data && docs.data.documents.length > 0 && (
        <Table.ScrollContainer minWidth={800}>
          <Table captionSide="top" striped withTableBorder verticalSpacing="xs" data-testid="documents">
            <Table.Caption>Tệp giấy tờ của hồ sơ</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Tên giấy tờ</Table.Th>
                <Table.Th scope="col">Thành phần hồ sơ</Table.Th>
                <Table.Th scope="col">Tệp</Table.Th>
                <Table.Th scope="col">Dung lượng</Table.Th>
                <Table.Th scope="col">Tải lên</Table.Th>
                <Table.Th scope="col">Thao tác</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {docs.data.documents.map((d) => (
                <Table.Tr key={d.id} data-testid="document" data-document-id={d.id}>
                  <Table.Td fw={500}>{d.name}</Table.Td>
                  <Table.Td>{items.get(d.id) ?? <Text size="sm" c="dimmed" component="span">Giấy tờ khác</Text>}</Table.Td>
                  <Table.Td>
                    <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                      {d.filename}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{sizeText(d.sizeBytes)}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{shortVn(d.createdAt)}</Text>
                    <Text size="xs" c="dimmed">
                      {UPLOADED_BY[d.uploadedBy] ?? d.uploadedBy}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      {previewable(d.mediaType) && (
                        <Button
                          size="xs"
                          variant="light"
                          aria-label={`Xem ${d.name}`}
                          onClick={(e) => {
                            trigger.current = e.currentTarget;
                            setPreviewing(d);
                          }}
                        >
                          Xem
                        </Button>
                      )}
                      <Button size="xs" variant="default" aria-label={`Tải về ${d.name}`} onClick={() => downloadDocument(d).catch(setError)}>
                        Tải về
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {papers.length > 0 && (
        <div>
          <Text size="sm" fw={600}>
            Giấy tờ nộp bản giấy
          </Text>
          <Group gap="xs" mt={4}>
            {papers.map((p, i) => (
              <Badge key={i} variant="outline" color="gray" radius="sm" style={{ textTransform: 'none' }}>
                {p.name}
              </Badge>
            ))}
          </Group>
        </div>
      )}
      {previewing && <Preview doc={previewing} onClose={close} />}
    </Stack>
  );
}
