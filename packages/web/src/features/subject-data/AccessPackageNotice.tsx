import { Alert, Code, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** An access package just built: what the server answers once (the passphrase is never shown again). */
export interface BuiltPackage {
  passphrase: string;
  downloadPath: string;
  portalPath: string;
  expiresAt: string;
  bytes: number;
}

/** The passphrase (shown once), the staff download link and the person's portal link of a package just built. */
export function AccessPackageNotice({ built }: { built: BuiltPackage }) {
  const { t } = useTranslation();
  return (
    <Alert color="blue" title={t('subjects:package.ready')} data-testid="access-package">
      <Stack gap={4}>
        <Text size="sm">{t('subjects:package.passphraseOnce')}</Text>
        <Code data-testid="package-passphrase">{built.passphrase}</Code>
        <Text size="sm">{t('subjects:package.link', { expiresAt: new Date(built.expiresAt).toLocaleString() })}</Text>
        <Code>{new URL(built.downloadPath, window.location.origin).toString()}</Code>
        <Text size="sm">{t('subjects:package.portalLink')}</Text>
        <Code data-testid="package-portal-link">{new URL(built.portalPath, window.location.origin).toString()}</Code>
      </Stack>
    </Alert>
  );
}
