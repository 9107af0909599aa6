import { Anchor, Button, Group, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { startAuthentication } from '@simplewebauthn/browser';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { AuthErrorNotice } from './AuthErrorNotice';
import type { SessionAnswer } from './auth-links';

type Method = 'code' | 'passkey' | 'recovery';

/**
 * The second sign-in step for a challenge of the password step (or of single sign-on): a code from the
 * authenticator app, a passkey, or one of the recovery codes — the person chooses.
 */
export function SecondFactorForm({
  challengeId,
  onSignedIn,
  onRestart,
}: {
  challengeId: string;
  onSignedIn: (answer: SessionAnswer) => void;
  /** The challenge is no longer valid (expired, too many attempts): back to the password. */
  onRestart?: () => void;
}) {
  const { t } = useTranslation();
  const [method, setMethod] = useState<Method>('code');
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [failedStep, setFailedStep] = useState<'code' | 'passkey'>('code');

  const submitCode = async (event: FormEvent) => {
    event.preventDefault();
    const value = method === 'code' ? code.replace(/\s+/g, '') : recovery.trim();
    if (!value) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await call(() => api.POST('/api/v1/auth/mfa', { body: { challengeId, code: value } }), { interrupts: false });
      onSignedIn(answer as SessionAnswer);
    } catch (failure) {
      setFailedStep('code');
      setError(failure);
      if (method === 'code') setCode('');
    } finally {
      setBusy(false);
    }
  };

  const signInWithPasskey = async () => {
    setBusy(true);
    setError(null);
    try {
      const options = await call(() => api.POST('/api/v1/auth/mfa/webauthn/options', { body: { challengeId } }), { interrupts: false });
      const response = await startAuthentication({ optionsJSON: options as never });
      const answer = await call(() => api.POST('/api/v1/auth/mfa/webauthn', { body: { challengeId, response: response as never } }), {
        interrupts: false,
      });
      onSignedIn(answer as SessionAnswer);
    } catch (failure) {
      setFailedStep('passkey');
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const expired = error instanceof Error && /challenge/i.test(error.message);

  return (
    <Stack gap="md" data-testid="second-factor">
      <Text size="sm">{t('auth:second.intro')}</Text>
      <SegmentedControl
        fullWidth
        aria-label={t('auth:second.method')}
        value={method}
        onChange={(value) => {
          setMethod(value as Method);
          setError(null);
        }}
        data={[
          { value: 'code', label: t('auth:second.methods.code') },
          { value: 'passkey', label: t('auth:second.methods.passkey') },
          { value: 'recovery', label: t('auth:second.methods.recovery') },
        ]}
        data-testid="second-factor-method"
      />
      <AuthErrorNotice step={failedStep} error={error} />
      {expired && onRestart ? (
        <Anchor component="button" type="button" onClick={onRestart} size="sm">
          {t('auth:second.restart')}
        </Anchor>
      ) : null}
      {method === 'passkey' ? (
        <Stack gap="sm">
          <Text size="sm">{t('auth:second.passkeyHelp')}</Text>
          <Button onClick={() => void signInWithPasskey()} loading={busy} data-testid="use-passkey">
            {t('auth:second.usePasskey')}
          </Button>
        </Stack>
      ) : (
        <form onSubmit={(event) => void submitCode(event)} noValidate>
          <Stack gap="sm">
            {method === 'code' ? (
              <TextInput
                key="code"
                label={t('auth:second.codeLabel')}
                description={t('auth:second.codeHelp')}
                value={code}
                onChange={(event) => setCode(event.currentTarget.value)}
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={10}
                autoFocus
                required
                data-testid="totp-code"
              />
            ) : (
              <TextInput
                key="recovery"
                label={t('auth:second.recoveryLabel')}
                description={t('auth:second.recoveryHelp')}
                value={recovery}
                onChange={(event) => setRecovery(event.currentTarget.value)}
                autoComplete="off"
                spellCheck={false}
                maxLength={20}
                autoFocus
                required
                data-testid="recovery-code"
              />
            )}
            <Group justify="flex-end">
              <Button type="submit" loading={busy} data-testid="second-factor-submit">
                {t('auth:second.confirm')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Stack>
  );
}
