import { Button, Group, Modal, PinInput, Stack, Text } from '@mantine/core';
import { startAuthentication } from '@simplewebauthn/browser';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { onInterrupt } from '../../api/interrupts';
import { ErrorNotice } from '../../components/ErrorNotice';
import { meQueryKey } from '../session';

/**
 * The step-up prompt: when the API answers `step_up_required` (a reveal, an export, a role change),
 * the person proves a fresh second factor — a code from the authenticator or a passkey — and the
 * request that asked goes on by itself. Cancelling leaves the request refused, nothing changed.
 */
export function StepUpPrompt() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const settle = useRef<((done: boolean) => void) | null>(null);

  useEffect(
    () =>
      onInterrupt('step_up_required', () => {
        setCode('');
        setError(null);
        setOpen(true);
        return new Promise<boolean>((resolve) => {
          settle.current = resolve;
        });
      }),
    [],
  );

  const finish = (done: boolean) => {
    setOpen(false);
    settle.current?.(done);
    settle.current = null;
    if (done) void queryClient.invalidateQueries({ queryKey: meQueryKey });
  };

  const submitCode = async (value: string) => {
    setBusy(true);
    setError(null);
    try {
      await call(() => api.POST('/api/v1/auth/step-up', { body: { code: value } }), { interrupts: false });
      finish(true);
    } catch (failure) {
      setError(failure);
      setCode('');
    } finally {
      setBusy(false);
    }
  };

  const stepUpWithPasskey = async () => {
    setBusy(true);
    setError(null);
    try {
      const options = await call(() => api.POST('/api/v1/auth/step-up/webauthn/options'), { interrupts: false });
      const response = await startAuthentication({ optionsJSON: options as never });
      await call(() => api.POST('/api/v1/auth/step-up/webauthn', { body: { response: response as never } }), { interrupts: false });
      finish(true);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('common:actions.close') }}
      opened={open}
      onClose={() => finish(false)}
      title={t('common:stepUp.title')}
      zIndex={400}
      centered
      data-testid="step-up"
    >
      <Stack>
        <Text size="sm">{t('common:stepUp.why')}</Text>
        <ErrorNotice error={error} />
        <Text size="sm" fw={500} id="step-up-code-label">
          {t('common:stepUp.code')}
        </Text>
        <PinInput
          length={6}
          type="number"
          oneTimeCode
          autoFocus
          value={code}
          onChange={setCode}
          onComplete={(value) => void submitCode(value)}
          disabled={busy}
          aria-labelledby="step-up-code-label"
          data-testid="step-up-code"
          getInputProps={(index) => ({ 'aria-label': t('common:stepUp.digit', { n: index + 1 }) })}
        />
        <Group justify="space-between">
          <Button variant="subtle" onClick={() => void stepUpWithPasskey()} disabled={busy}>
            {t('common:stepUp.passkey')}
          </Button>
          <Group gap="xs">
            <Button variant="default" onClick={() => finish(false)}>
              {t('common:actions.cancel')}
            </Button>
            <Button onClick={() => void submitCode(code)} loading={busy} disabled={code.length !== 6}>
              {t('common:stepUp.confirm')}
            </Button>
          </Group>
        </Group>
      </Stack>
    </Modal>
  );
}
