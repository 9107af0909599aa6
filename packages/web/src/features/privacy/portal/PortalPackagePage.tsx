import { Alert, Button, PasswordInput, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import { ApiError } from '../../../api/api-error';
import { call } from '../../../api/client';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { saveFile } from '../../compliance/compliance-api';
import { openAccessPackage, PackageOpenError } from './open-package';
import { PortalForm } from './PortalForm';
import { fragmentValue, PortalFrame } from './PortalFrame';

/** The encrypted package behind a link, once (the server answers 410 after; the token goes in the body). */
async function fetchPackage(token: string): Promise<Uint8Array> {
  return call(
    async () => {
      const response = await fetch('/api/v1/portal/access-packages', {
        method: 'POST',
        credentials: 'omit',
        cache: 'no-store',
        headers: { accept: 'application/octet-stream, application/json', 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      });
      if (response.ok) return { data: new Uint8Array(await response.arrayBuffer()), response };
      let error: unknown;
      try {
        error = await response.json();
      } catch {
        error = undefined;
      }
      return { error, response };
    },
    { interrupts: false },
  );
}

/** What a refused link means, in words that say nothing about whether a person exists. */
const refusalKey = (error: unknown): string | null => {
  if (!(error instanceof ApiError)) return null;
  if (error.code === 'link_used') return 'privacy:portalPackage.used';
  if (error.code === 'link_expired') return 'privacy:portalPackage.expired';
  if (error.status === 404 || error.status === 400 || error.code === 'validation_failed') return 'privacy:portalPackage.invalid';
  return null;
};

/**
 * /privacy/package#token=…: the person's single-use link. The encrypted file is fetched once and
 * opened here with the passphrase (scrypt + AES-GCM in the browser: the passphrase never leaves the
 * page); the file stays in this page's memory so a mistyped passphrase can be tried again, and the
 * opened package is handed to the browser's download. Nothing is written to the browser's storage.
 */
export function PortalPackagePage() {
  const { t } = useTranslation();
  const location = useLocation();
  const [token] = useState(() => fragmentValue(location.hash, 'token'));
  const [passphrase, setPassphrase] = useState('');
  const [sealed, setSealed] = useState<Uint8Array | null>(null);
  const [opened, setOpened] = useState<Blob | null>(null);
  const open = useMutation({
    mutationFn: async () => {
      const file = sealed ?? (await fetchPackage(token));
      if (!sealed) setSealed(file);
      const text = await openAccessPackage(passphrase, file);
      return new Blob([text], { type: 'application/json;charset=utf-8' });
    },
    onSuccess: (blob) => {
      setOpened(blob);
      setPassphrase('');
      saveFile(blob, 'access-package.json');
    },
  });
  const refusal = refusalKey(open.error);
  const openError = open.error instanceof PackageOpenError ? open.error : null;
  return (
    <PortalFrame title={t('privacy:portalPackage.title')} intro={t('privacy:portalPackage.intro')}>
      {!token ? (
        <Text role="alert" size="sm" data-testid="portal-package-refused">
          {t('privacy:portalPackage.invalid')}
        </Text>
      ) : opened ? (
        <Alert color="green" title={t('privacy:portalPackage.openedTitle')} data-testid="portal-package-opened">
          <Stack gap="xs">
            <Text size="sm">{t('privacy:portalPackage.openedHint')}</Text>
            <Button variant="default" onClick={() => saveFile(opened, 'access-package.json')} data-testid="portal-package-save">
              {t('privacy:portalPackage.saveAgain')}
            </Button>
          </Stack>
        </Alert>
      ) : refusal ? (
        <Alert color="orange" title={t('privacy:portalPackage.refusedTitle')} data-testid="portal-package-refused">
          {t(refusal)}
        </Alert>
      ) : (
        <PortalForm onSubmit={() => open.mutate()}>
          {openError ? (
            <Text role="alert" c="red.9" size="sm" data-testid="portal-package-wrong">
              {t(openError.reason === 'not_a_package' ? 'privacy:portalPackage.notAPackage' : 'privacy:portalPackage.wrongPassphrase')}
            </Text>
          ) : (
            <ErrorNotice error={open.error} />
          )}
          <Text size="sm">{sealed ? t('privacy:portalPackage.keptInPage') : t('privacy:portalPackage.once')}</Text>
          <PasswordInput
            label={t('privacy:portalPackage.passphrase')}
            description={t('privacy:portalPackage.passphraseHint')}
            required
            autoComplete="off"
            value={passphrase}
            onChange={(e) => setPassphrase(e.currentTarget.value)}
            data-testid="portal-package-passphrase"
          />
          <Button type="submit" loading={open.isPending} data-testid="portal-package-open">
            {t('privacy:portalPackage.open')}
          </Button>
        </PortalForm>
      )}
    </PortalFrame>
  );
}
