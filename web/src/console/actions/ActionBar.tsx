import { Button, Group, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
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
  const none = useRef<HTMLParagraphElement>(null);
  const lastClosed = useRef<ActionName | null>(null);
  // Where this bar last put the focus: a later refresh may remove that very button.
  const placed = useRef<HTMLElement | null>(null);
  const focusOn = (el: HTMLElement | null | undefined) => {
    el?.focus();
    placed.current = el ?? null;
  };
  const close = (name: ActionName) => {
    setOpen(null);
    lastClosed.current = name;
    // The dialog unmounts as it closes: focus goes back to its button here, not by the modal
    // (or to the first action left, when the action is done and no longer offered).
    const restore = () => focusOn(buttons.current.get(name) ?? buttons.current.values().next().value ?? none.current);
    requestAnimationFrame(restore);
    // The modal's exit transition ends later and takes the focus out of the page with it when its
    // button is gone by then: the focus comes back here if it was lost meanwhile.
    for (const ms of [300, 800]) {
      setTimeout(() => {
        const active = document.activeElement;
        if (!active || active === document.body || !active.isConnected) restore();
      }, ms);
    }
  };
  const actions = offeredActions(dossier.allowedActions);
  const offered = actions.join();
  // The dossier refreshes after the dialog closed: when the action done is no longer offered and
  // its button took the focus with it, the focus goes to the first action left (or the words
  // saying there is none), not back to the top of the page.
  // The same when a later refresh (what continues after an action's answer) removes the button
  // the focus was put on: only when the focus went with it, never taken from where the officer is.
  useEffect(() => {
    const active = document.activeElement;
    const lost = !active || active === document.body || !active.isConnected;
    const done = lastClosed.current;
    if (done && !offered.split(',').includes(done)) {
      lastClosed.current = null;
      if (lost) focusOn(buttons.current.values().next().value ?? none.current);
      return;
    }
    if (lost && placed.current && !placed.current.isConnected) focusOn(buttons.current.values().next().value ?? none.current);
  }, [offered]);
  // The open dialog has one place whatever the buttons: it stays open (with its answer, or a
  // 409's explanation) while the dossier refreshes under it and its action is no longer offered.
  const Dialog = open ? ACTIONS[open]?.dialog : undefined;
  return (
    <>
      {actions.length ? (
        <Group gap="xs" role="group" aria-label="Thao tác với hồ sơ">
          {actions.map((name) => {
            const spec = ACTIONS[name]!;
            return (
              <Button
                key={name}
                ref={(el) => {
                  if (el) buttons.current.set(name, el);
                  else buttons.current.delete(name);
                }}
                variant="light"
                color={spec.color}
                onClick={() => setOpen(name)}
                data-action={name}
              >
                {spec.label}
              </Button>
            );
          })}
        </Group>
      ) : (
        <Text ref={none} tabIndex={-1} size="sm" c="dimmed" data-testid="no-actions">
          Không có thao tác nào dành cho bạn ở bước này.
        </Text>
      )}
      {open && Dialog && <Dialog dossier={dossier} opened onClose={() => close(open)} />}
    </>
  );
}
