import { Group, Table, Text } from '@mantine/core';
import type { OfficerDossier } from './api';
import { FORMS, type FormName } from './forms';
import { PrintButton } from './PrintButton';

/**
 * Whether the dossier has each form yet, read off its log as the API decides it
 * (forms/documents.ts): the receipt and the process-control sheet once received, Form 02 once a
 * supplement was asked, and so on. The API still has the last word (a 409 is explained).
 */
export function availableForms(d: OfficerDossier): Record<FormName, boolean> {
  const types = new Set((d.events ?? []).map((e) => e.type));
  const any = (...t: string[]) => t.some((x) => types.has(x));
  return {
    receipt: !!d.receivedAt,
    'supplement-request': any('intake_supplement_requested', 'supplement_requested'),
    refusal: any('intake_refused'),
    apology: any('reappointed'),
    'stop-notice': any('withdrawn') && !!d.resultNumber,
    'process-control': !!d.receivedAt,
    'e-receipt': any('fee_paid'),
    result: !!d.resultNumber && !any('withdrawn'),
  };
}

/** Biểu mẫu: the legal forms this dossier has, each printable (PDF in a new tab) or saved. */
export function FormsSection({ dossier }: { dossier: OfficerDossier }) {
  const available = availableForms(dossier);
  const names = (Object.keys(FORMS) as FormName[]).filter((f) => available[f]);
  const missing = (Object.keys(FORMS) as FormName[]).filter((f) => !available[f]);
  return (
    <>
      {names.length === 0 ? (
        <Text size="sm">Hồ sơ chưa có biểu mẫu nào.</Text>
      ) : (
        <Table captionSide="top" withTableBorder verticalSpacing="xs" data-testid="forms">
          <Table.Caption>Biểu mẫu của hồ sơ</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Biểu mẫu</Table.Th>
              <Table.Th scope="col">Thao tác</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {names.map((f) => (
              <Table.Tr key={f} data-testid="form" data-form-name={f}>
                <Table.Td>{FORMS[f]}</Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <PrintButton code={dossier.code} form={f} label="In" />
                    <PrintButton code={dossier.code} form={f} label="Tải PDF" save variant="default" />
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {missing.length > 0 && (
        <Text size="xs" c="dimmed" mt="xs">
          Chưa phát sinh: {missing.map((f) => FORMS[f]).join('; ')}.
        </Text>
      )}
    </>
  );
}
