import { Alert, Anchor, Button, Divider, Group, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../../api/api-error';
import { api, call } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { AuthErrorNotice } from './AuthErrorNotice';
import { AuthFrame } from './AuthFrame';
import { afterSignIn, type LoginAnswer, needsChallenge, readFragment, type SessionAnswer, safeNext } from './auth-links';
import { SecondFactorForm } from './SecondFactorForm';

type Step =
  | { kind: 'password' }
  | { kind: 'second'; challengeId: string }
  | { kind: 'forgot' }
  | { kind: 'forgotSent' }
  | { kind: 'link'; answer: SessionAnswer };

/** Whether single sign-on is configured (the button shows only then). */
function useSso() {
  return useQuery({
    queryKey: ['auth', 'oidc'],
    queryFn: async () => (await call(() => api.GET('/api/v1/auth/oidc'), { interrupts: false })) as { enabled: boolean },
    staleTime: 5 * 60_000,
  });
}

/** Sign-in: e-mail and password, then the second factor the person chooses; forgotten password; single sign-on. */
export function SignInPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const next = safeNext(params.get('next'));
  const [fragment, setFragment] = useState(() => readFragment(location.hash));
  const [step, setStep] = useState<Step>(() => (fragment.mfaChallenge ? { kind: 'second', challengeId: fragment.mfaChallenge } : { kind: 'password' }));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [emailError, setEmailError] = useState<string | undefined>();
  const [linked, setLinked] = useState(false);
  const sso = useSso();

  // The fragment is read once; it leaves the address bar (and the history) at once.
  useEffect(() => {
    if (!location.hash) return;
    const arrived = readFragment(location.hash);
    if (arrived.mfaChallenge || arrived.ssoLinkRequired) {
      setFragment(arrived);
      if (arrived.mfaChallenge) setStep({ kind: 'second', challengeId: arrived.mfaChallenge });
    }
    navigate({ pathname: location.pathname, search: location.search }, { replace: true });
  }, [location.hash, location.pathname, location.search, navigate]);

  const go = (answer: SessionAnswer) => {
    const target = afterSignIn(answer, next);
    // A new person may be signing in: nothing the app held for anyone before stays.
    queryClient.clear();
    navigate(target.path, { replace: true, state: { passwordChangeRequired: target.passwordChangeRequired } });
  };

  const signedIn = (answer: SessionAnswer) => {
    if (fragment.ssoLinkRequired && answer.sessionKind === 'full') setStep({ kind: 'link', answer });
    else go(answer);
  };

  const submitPassword = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setEmailError(undefined);
    try {
      const answer = (await call(() => api.POST('/api/v1/auth/login', { body: { email: email.trim(), password } }), { interrupts: false })) as LoginAnswer;
      setPassword('');
      if (needsChallenge(answer)) setStep({ kind: 'second', challengeId: answer.challengeId });
      else signedIn(answer);
    } catch (failure) {
      if (failure instanceof ApiError && failure.fieldErrors().email) setEmailError(t('auth:signIn.emailInvalid'));
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const submitForgot = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call(() => api.POST('/api/v1/auth/password-reset', { body: { email: email.trim() } }), { interrupts: false });
      setStep({ kind: 'forgotSent' });
    } catch (failure) {
      if (failure instanceof ApiError && failure.fieldErrors().email) setEmailError(t('auth:signIn.emailInvalid'));
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const link = async () => {
    setBusy(true);
    setError(null);
    try {
      await call(() => api.POST('/api/v1/auth/oidc/link'), { interrupts: false });
      setLinked(true);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const ssoNotice = fragment.ssoLinkRequired ? (
    <Alert color="blue" title={t('auth:sso.linkTitle')} data-testid="sso-link-required">
      {t('auth:sso.linkExplain')}
    </Alert>
  ) : null;

  if (step.kind === 'link') {
    return (
      <AuthFrame title={t('auth:sso.linkHeading')}>
        {linked ? (
          <Alert color="green" role="status" data-testid="sso-linked">
            {t('auth:sso.linked')}
          </Alert>
        ) : (
          <Text size="sm">{t('auth:sso.linkOffer')}</Text>
        )}
        <ErrorNotice error={error} />
        <Group justify="flex-end">
          {linked ? (
            <Button onClick={() => go(step.answer)}>{t('auth:sso.continue')}</Button>
          ) : (
            <>
              <Button variant="default" onClick={() => go(step.answer)}>
                {t('auth:sso.notNow')}
              </Button>
              <Button onClick={() => void link()} loading={busy} data-testid="sso-link">
                {t('auth:sso.link')}
              </Button>
            </>
          )}
        </Group>
      </AuthFrame>
    );
  }

  if (step.kind === 'second') {
    return (
      <AuthFrame title={t('auth:second.title')}>
        {ssoNotice}
        <SecondFactorForm
          challengeId={step.challengeId}
          onSignedIn={signedIn}
          onRestart={() => {
            setError(null);
            setStep({ kind: 'password' });
          }}
        />
        <Anchor component="button" type="button" size="sm" onClick={() => setStep({ kind: 'password' })}>
          {t('auth:second.back')}
        </Anchor>
      </AuthFrame>
    );
  }

  if (step.kind === 'forgot' || step.kind === 'forgotSent') {
    return (
      <AuthFrame title={t('auth:forgot.title')} intro={step.kind === 'forgot' ? t('auth:forgot.intro') : undefined}>
        {step.kind === 'forgotSent' ? (
          <Alert color="green" role="status" data-testid="forgot-sent">
            {t('auth:forgot.sent')}
          </Alert>
        ) : (
          <form onSubmit={(event) => void submitForgot(event)} noValidate>
            <Stack gap="sm">
              <ErrorNotice error={emailError ? null : error} />
              <TextInput
                label={t('auth:signIn.email')}
                type="email"
                autoComplete="username"
                value={email}
                onChange={(event) => setEmail(event.currentTarget.value)}
                error={emailError}
                required
                autoFocus
                data-testid="forgot-email"
              />
              <Group justify="flex-end">
                <Button type="submit" loading={busy} data-testid="forgot-submit">
                  {t('auth:forgot.submit')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
        <Anchor
          component="button"
          type="button"
          size="sm"
          onClick={() => {
            setError(null);
            setStep({ kind: 'password' });
          }}
        >
          {t('auth:forgot.back')}
        </Anchor>
      </AuthFrame>
    );
  }

  return (
    <AuthFrame title={t('auth:signIn.title')}>
      {ssoNotice}
      <form onSubmit={(event) => void submitPassword(event)} noValidate>
        <Stack gap="sm">
          <AuthErrorNotice step="login" error={emailError ? null : error} />
          <TextInput
            label={t('auth:signIn.email')}
            type="email"
            autoComplete="username"
            value={email}
            onChange={(event) => setEmail(event.currentTarget.value)}
            error={emailError}
            required
            autoFocus
            data-testid="sign-in-email"
          />
          <PasswordInput
            label={t('auth:signIn.password')}
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            required
            data-testid="sign-in-password"
          />
          <Group justify="space-between">
            <Anchor
              component="button"
              type="button"
              size="sm"
              onClick={() => {
                setError(null);
                setStep({ kind: 'forgot' });
              }}
              data-testid="forgot-password"
            >
              {t('auth:signIn.forgot')}
            </Anchor>
            <Button type="submit" loading={busy} data-testid="sign-in-submit">
              {t('auth:signIn.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
      {sso.data?.enabled ? (
        <>
          <Divider label={t('auth:signIn.or')} labelPosition="center" />
          <Button component="a" href="/api/v1/auth/oidc/start" variant="default" fullWidth data-testid="sso-start">
            {t('auth:signIn.sso')}
          </Button>
        </>
      ) : null}
    </AuthFrame>
  );
}
