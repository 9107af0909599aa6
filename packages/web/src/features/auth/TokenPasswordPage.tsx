import { Alert, Button, Stack } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { ApiError } from '../../api/api-error';
import { api, call } from '../../api/client';
import { AuthFrame } from './AuthFrame';
import { readFragment } from './auth-links';
import { NewPasswordForm } from './NewPasswordForm';

/**
 * A password set with the token of a link: `/reset-password#token=…` (from the reset e-mail) and
 * `/enrol#token=…` (a new account's first password). The token is read from the fragment once, kept
 * in this page's memory only, and taken out of the address bar at once.
 */
export function TokenPasswordPage({ kind }: { kind: 'reset' | 'enrol' }) {
  const { t } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const [token, setToken] = useState(() => readFragment(location.hash).token ?? null);
  const [done, setDone] = useState(false);
  const [linkInvalid, setLinkInvalid] = useState(false);

  useEffect(() => {
    if (!location.hash) return;
    const fromLink = readFragment(location.hash).token;
    if (fromLink) {
      setToken(fromLink);
      setLinkInvalid(false);
    }
    navigate({ pathname: location.pathname }, { replace: true });
  }, [location.hash, location.pathname, navigate]);

  const title = t(`auth:${kind}.title`);
  if (!token || linkInvalid) {
    return (
      <AuthFrame title={title}>
        <Alert color="red" role="alert" title={t(`auth:${kind}.invalidTitle`)} data-testid="link-invalid">
          {t(`auth:${kind}.invalid`)}
        </Alert>
        <Button component={Link} to="/sign-in" variant="light">
          {t('auth:toSignIn')}
        </Button>
      </AuthFrame>
    );
  }
  if (done) {
    return (
      <AuthFrame title={title}>
        <Alert color="green" role="status" data-testid="password-set">
          {t(`auth:${kind}.done`)}
        </Alert>
        <Button component={Link} to="/sign-in" data-testid="to-sign-in">
          {t('auth:toSignIn')}
        </Button>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title={title} intro={t(`auth:${kind}.intro`)}>
      <Stack gap="sm">
        <NewPasswordForm
          submitLabel={t(`auth:${kind}.submit`)}
          onSubmit={async ({ newPassword }) => {
            try {
              await call(
                () =>
                  kind === 'reset'
                    ? api.POST('/api/v1/auth/password-reset/complete', { body: { token, newPassword } })
                    : api.POST('/api/v1/auth/enrol', { body: { token, newPassword } }),
                { interrupts: false },
              );
              setDone(true);
            } catch (failure) {
              if (failure instanceof ApiError && (failure.status === 401 || failure.fieldErrors().token)) setLinkInvalid(true);
              else throw failure;
            }
          }}
        />
      </Stack>
    </AuthFrame>
  );
}

export const ResetPasswordPage = () => <TokenPasswordPage kind="reset" />;
export const EnrolPage = () => <TokenPasswordPage kind="enrol" />;
