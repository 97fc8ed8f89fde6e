import { Button, Group, Stack } from '@mantine/core';
import { useState } from 'react';
import { ProblemAlert } from '../../shared/ProblemAlert';
import { FORMS, openForm, type FormName } from './forms';

/**
 * Prints a form of the dossier (the PDF fetched with the token, opened in a new tab), or saves
 * it; a form the dossier does not have yet is explained with the API's Vietnamese reason.
 */
export function PrintButton({ code, form, label, save = false, variant = 'light' }: { code: string; form: FormName; label: string; save?: boolean; variant?: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = () => {
    setBusy(true);
    setError(null);
    openForm(code, form, { save })
      .catch(setError)
      .finally(() => setBusy(false));
  };
  return (
    <Stack gap={4} align="flex-start">
      <Group gap="xs">
        <Button size="xs" variant={variant} onClick={run} loading={busy} data-form={form} data-save={save ? 'true' : undefined} aria-label={`${label}: ${FORMS[form]}`}>
          {label}
        </Button>
      </Group>
      {error !== null && <ProblemAlert error={error} />}
    </Stack>
  );
}
