import { Button, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { api, call } from '../../api/client';
import { onInterrupt } from '../../api/interrupts';
import { type Me, meQueryKey } from '../../app/session';
import { AuthErrorNotice } from './AuthErrorNotice';
import { type LoginAnswer, needsChallenge, type SessionAnswer } from './auth-links';
import { refreshMe } from './refresh-me';
import { SecondFactorForm } from './SecondFactorForm';

/**
 * When the session of a signed-in person ends (expired, revoked elsewhere) and a request answers 401,
 * this asks them to sign in again over the page, with the same e-mail: the page and what was typed
 * stay as they are, and the request is repeated once they are back. Cancelling goes to the sign-in
 * page, which brings them back here afterwards.
 */
export function SessionExpiry() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const here = useRef('');
  here.current = `${location.pathname}${location.search}`;
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [challengeId, setChallengeId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const settle = useRef<((done: boolean) => void) | null>(null);

  useEffect(
    () =>
      onInterrupt('unauthenticated', () => {
        const me = queryClient.getQueryData<Me | null>(meQueryKey);
        // Nobody was signed in on this page: nothing to resume, the usual answer stands.
        if (!me) return Promise.resolve(false);
        setEmail(me.email);
        setPassword('');
        setChallengeId(null);
        setError(null);
        setOpen(true);
        return new Promise<boolean>((resolve) => {
          settle.current = resolve;
        });
      }),
    [queryClient],
  );

  const finish = async (answer: SessionAnswer | null) => {
    setOpen(false);
    setPassword('');
    setChallengeId(null);
    const resolve = settle.current;
    settle.current = null;
    if (answer) {
      resolve?.(true);
      await refreshMe(queryClient);
      return;
    }
    resolve?.(false);
    // Cancelled: the session is over; nothing of it stays in memory, and the sign-in page brings the person back.
    queryClient.clear();
    navigate(`/sign-in?next=${encodeURIComponent(here.current)}`, { replace: true });
  };

  const submitPassword = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = (await call(() => api.POST('/api/v1/auth/login', { body: { email, password } }), { interrupts: false })) as LoginAnswer;
      setPassword('');
      if (needsChallenge(answer)) setChallengeId(answer.challengeId);
      else await finish(answer);
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
      onClose={() => void finish(null)}
      title={t('auth:expired.title')}
      zIndex={500}
      centered
      closeOnClickOutside={false}
      data-testid="session-expired"
    >
      <Stack gap="sm">
        <Text size="sm">{t('auth:expired.why')}</Text>
        <Text size="sm" fw={500} data-testid="session-expired-email">
          {t('auth:welcome.as', { email })}
        </Text>
        {challengeId ? (
          <SecondFactorForm challengeId={challengeId} onSignedIn={(answer) => void finish(answer)} onRestart={() => setChallengeId(null)} />
        ) : (
          <form onSubmit={(event) => void submitPassword(event)} noValidate>
            <Stack gap="sm">
              <AuthErrorNotice step="login" error={error} />
              <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
              <PasswordInput
                label={t('auth:signIn.password')}
                autoComplete="current-password"
                value={password}
                onChange={(event) => setPassword(event.currentTarget.value)}
                required
                data-autofocus
                data-testid="expired-password"
              />
              <Group justify="flex-end">
                <Button variant="default" onClick={() => void finish(null)} data-testid="expired-cancel">
                  {t('common:actions.cancel')}
                </Button>
                <Button type="submit" loading={busy} data-testid="expired-submit">
                  {t('auth:signIn.submit')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
        {challengeId ? (
          <Group justify="flex-end">
            <Button variant="default" onClick={() => void finish(null)}>
              {t('common:actions.cancel')}
            </Button>
          </Group>
        ) : null}
      </Stack>
    </Modal>
  );
}
