import { Button, Group, Text } from '@mantine/core';
import { useRef, useState } from 'react';
import type { OfficerDossier } from '../dossier/api';
import { ACTIONS, offeredActions } from './registry';
import type { ActionName } from './types';

/**
 * The buttons of what the signed-in officer may do now (`allowedActions`, computed by the API
 * from the workflow's own rules), each opening its dialog; the dialog gives focus back to its
 * button when it closes.
 */
export function ActionBar({ dossier }: { dossier: OfficerDossier }) {
  const [open, setOpen] = useState<ActionName | null>(null);
  const buttons = useRef(new Map<ActionName, HTMLButtonElement>());
  const close = (name: ActionName) => {
    setOpen(null);
    // The dialog unmounts as it closes: focus goes back to its button here, not by the modal.
    requestAnimationFrame(() => buttons.current.get(name)?.focus());
  };
  const actions = offeredActions(dossier.allowedActions);
  if (!actions.length) {
    return (
      <Text size="sm" c="dimmed" data-testid="no-actions">
        Không có thao tác nào dành cho bạn ở bước này.
      </Text>
    );
  }
  return (
    <Group gap="xs" role="group" aria-label="Thao tác với hồ sơ">
      {actions.map((name) => {
        const spec = ACTIONS[name]!;
        const Dialog = spec.dialog;
        return (
          <span key={name}>
            <Button
              ref={(el) => {
                if (el) buttons.current.set(name, el);
              }}
              variant="light"
              color={spec.color}
              onClick={() => setOpen(name)}
              data-action={name}
            >
              {spec.label}
            </Button>
            {open === name && <Dialog dossier={dossier} opened onClose={() => close(name)} />}
          </span>
        );
      })}
    </Group>
  );
}
