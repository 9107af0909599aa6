import { Anchor, Stack, Stepper, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { api, call } from '../../api/client';
import { useMe } from '../../app/session';
import { signOut } from '../../app/sign-out';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { AuthFrame } from './AuthFrame';
import { safeNext } from './auth-links';
import { EnrolFactor } from './EnrolFactor';
import { NewPasswordForm } from './NewPasswordForm';
import { RecoveryCodes } from './RecoveryCodes';
import { refreshMe } from './refresh-me';

type Step = 'password' | 'factor' | 'codes';

/**
 * The first sign-in: a one-time (or expired) password is changed, a second factor enrolled, the
 * recovery codes saved, then on to the page the person asked for. What is still due comes from the
 * API (the session kind and the second-factor status in GET /api/v1/me, and what the sign-in answered).
 */
export function WelcomePage() {
  const { t } = useTranslation();
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const next = safeNext(params.get('next'));
  const [passwordDue, setPasswordDue] = useState<boolean>(() =>
    Boolean((location.state as { passwordChangeRequired?: boolean } | null)?.passwordChangeRequired),
  );
  const [codes, setCodes] = useState<string[] | null>(null);
  const [passwordChanged, setPasswordChanged] = useState(false);

  if (me.isPending) return <Loading />;
  if (me.isError) return <ErrorNotice error={me.error} />;
  if (!me.data) return <Navigate to={`/sign-in?next=${encodeURIComponent(`/welcome?next=${encodeURIComponent(next)}`)}`} replace />;
  const restricted = me.data.session?.kind === 'restricted';

  let step: Step | null = null;
  if (codes) step = 'codes';
  else if (restricted && (passwordDue || me.data.mfaEnrolled)) step = 'password';
  else if (!me.data.mfaEnrolled) step = 'factor';
  if (!step) return <Navigate to={next} replace />;

  const steps: Step[] = step === 'password' || passwordChanged ? ['password', 'factor', 'codes'] : ['factor', 'codes'];
  const active = step === 'codes' ? steps.length - 1 : step === 'password' ? 0 : steps.indexOf('factor');
  const email = me.data.email;

  const footer = (
    <Anchor
      component="button"
      type="button"
      size="sm"
      onClick={() => void signOut().finally(() => navigate('/sign-in', { replace: true }))}
      data-testid="welcome-sign-out"
    >
      {t('common:actions.signOut')}
    </Anchor>
  );

  return (
    <AuthFrame title={t(`auth:welcome.${step}.title`)} intro={t(`auth:welcome.${step}.intro`)} footer={footer}>
      <Stepper active={active} size="xs" allowNextStepsSelect={false} aria-label={t('auth:welcome.progress')}>
        {steps.map((s) => (
          <Stepper.Step key={s} label={t(`auth:welcome.steps.${s}`)} />
        ))}
      </Stepper>
      <Stack gap="sm">
        <Text size="sm" c="dimmed" data-testid="welcome-email">
          {t('auth:welcome.as', { email })}
        </Text>
        {step === 'password' ? (
          <NewPasswordForm
            withCurrent
            currentLabel={t('auth:welcome.password.current')}
            submitLabel={t('auth:welcome.password.submit')}
            onSubmit={async ({ currentPassword, newPassword }) => {
              await call(() => api.POST('/api/v1/me/password', { body: { currentPassword, newPassword } }), { interrupts: false });
              setPasswordDue(false);
              setPasswordChanged(true);
              await refreshMe(queryClient);
            }}
          />
        ) : step === 'factor' ? (
          <EnrolFactor
            onEnrolled={({ recoveryCodes }) => {
              setCodes(recoveryCodes);
              void refreshMe(queryClient);
            }}
          />
        ) : (
          <RecoveryCodes codes={codes ?? []} email={email} onDone={() => void refreshMe(queryClient).finally(() => setCodes(null))} />
        )}
      </Stack>
    </AuthFrame>
  );
}
