import { Anchor, Button, Code, Group, Image, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { startRegistration } from '@simplewebauthn/browser';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { AuthErrorNotice } from './AuthErrorNotice';

/** An SVG (the QR code the API made) as a data: address for an <img>: never put into the page as markup. */
export function svgDataUri(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

interface Enrolled {
  recoveryCodes: string[];
}

/** The first second factor: an authenticator app (QR code or the secret typed in) or a passkey. */
export function EnrolFactor({ onEnrolled, interrupts = false }: { onEnrolled: (result: Enrolled) => void; interrupts?: boolean }) {
  const { t } = useTranslation();
  const [method, setMethod] = useState<'totp' | 'passkey'>('totp');
  const [totp, setTotp] = useState<{ secret: string; otpauthUri: string; qrSvg: string } | null>(null);
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [errorStep, setErrorStep] = useState<'code' | 'passkey'>('code');

  const startTotp = async () => {
    setBusy(true);
    setError(null);
    try {
      setTotp(await call(() => api.POST('/api/v1/me/mfa/totp'), { interrupts }));
    } catch (failure) {
      setErrorStep('code');
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const confirmTotp = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await call(() => api.POST('/api/v1/me/mfa/totp/confirm', { body: { code: code.replace(/\s+/g, '') } }), { interrupts });
      setTotp(null);
      onEnrolled({ recoveryCodes: answer.recoveryCodes });
    } catch (failure) {
      setErrorStep('code');
      setError(failure);
      setCode('');
    } finally {
      setBusy(false);
    }
  };

  const registerPasskey = async () => {
    setBusy(true);
    setError(null);
    try {
      const options = await call(() => api.POST('/api/v1/me/mfa/webauthn/options'), { interrupts });
      const response = await startRegistration({ optionsJSON: options as never });
      const answer = await call(
        () => api.POST('/api/v1/me/mfa/webauthn', { body: { response: response as never, ...(name.trim() ? { name: name.trim() } : {}) } }),
        { interrupts },
      );
      onEnrolled({ recoveryCodes: answer.recoveryCodes });
    } catch (failure) {
      setErrorStep('passkey');
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack gap="md" data-testid="enrol-factor">
      <SegmentedControl
        fullWidth
        aria-label={t('auth:enrolFactor.method')}
        value={method}
        onChange={(value) => {
          setMethod(value as 'totp' | 'passkey');
          setError(null);
        }}
        data={[
          { value: 'totp', label: t('auth:enrolFactor.totp') },
          { value: 'passkey', label: t('auth:enrolFactor.passkey') },
        ]}
        data-testid="enrol-method"
      />
      <AuthErrorNotice step={errorStep} error={error} />
      {method === 'passkey' ? (
        <Stack gap="sm">
          <Text size="sm">{t('auth:enrolFactor.passkeyHelp')}</Text>
          <TextInput
            label={t('auth:enrolFactor.passkeyName')}
            description={t('auth:enrolFactor.passkeyNameHelp')}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            maxLength={64}
            data-testid="passkey-name"
          />
          <Group justify="flex-end">
            <Button onClick={() => void registerPasskey()} loading={busy} data-testid="register-passkey">
              {t('auth:enrolFactor.registerPasskey')}
            </Button>
          </Group>
        </Stack>
      ) : totp ? (
        <form onSubmit={(event) => void confirmTotp(event)} noValidate>
          <Stack gap="sm">
            <Text size="sm">{t('auth:enrolFactor.scan')}</Text>
            <Image src={svgDataUri(totp.qrSvg)} alt={t('auth:enrolFactor.qrAlt')} w={200} h={200} fit="contain" data-testid="totp-qr" />
            <Text size="sm">{t('auth:enrolFactor.manual')}</Text>
            <Code block data-testid="totp-secret" aria-label={t('auth:enrolFactor.secretLabel')}>
              {totp.secret.replace(/(.{4})/g, '$1 ').trim()}
            </Code>
            <Anchor href={totp.otpauthUri} size="sm">
              {t('auth:enrolFactor.openApp')}
            </Anchor>
            <TextInput
              label={t('auth:enrolFactor.codeLabel')}
              description={t('auth:second.codeHelp')}
              value={code}
              onChange={(event) => setCode(event.currentTarget.value)}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={10}
              required
              data-testid="totp-confirm-code"
            />
            <Group justify="flex-end">
              <Button type="submit" loading={busy} disabled={code.trim().length < 6} data-testid="totp-confirm">
                {t('auth:enrolFactor.confirm')}
              </Button>
            </Group>
          </Stack>
        </form>
      ) : (
        <Stack gap="sm">
          <Text size="sm">{t('auth:enrolFactor.totpHelp')}</Text>
          <Group justify="flex-end">
            <Button onClick={() => void startTotp()} loading={busy} data-testid="start-totp">
              {t('auth:enrolFactor.startTotp')}
            </Button>
          </Group>
        </Stack>
      )}
    </Stack>
  );
}
