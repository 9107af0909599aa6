import { Alert, Badge, Button, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import { ApiError } from '../../../api/api-error';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { PortalCodeInput } from './PortalCodeInput';
import { PortalConsentList } from './PortalConsentList';
import { PortalForm } from './PortalForm';
import { fragmentValue, PortalFrame } from './PortalFrame';
import { browserSendsGpc, type ConsentSession, type PortalConsentView, portalConsents } from './portal-consents-api';

/**
 * /privacy/consents: the person asks for a code to their e-mail (the same answer whoever asks),
 * enters it, then sees the current notices in their language and their consents, and gives or
 * withdraws each (a new ledger entry every time). The session id may come in the fragment of the
 * e-mailed link; the session key lives in this page's memory only. A browser sending Global Privacy
 * Control is told that its signal was recorded as an opt-out of sale / sharing.
 */
export function PortalConsentsPage() {
  const { t, i18n } = useTranslation();
  const location = useLocation();
  const zh = (i18n.resolvedLanguage ?? 'en').startsWith('zh');
  const [email, setEmail] = useState('');
  const [code, setCode] = useState('');
  const [session, setSession] = useState(() => fragmentValue(location.hash, 'session'));
  const [signedIn, setSignedIn] = useState<ConsentSession | null>(null);
  const [view, setView] = useState<PortalConsentView | null>(null);

  const open = useMutation({
    mutationFn: () => portalConsents.open(email.trim()),
    onSuccess: (r) => {
      setEmail('');
      setSession(r.session);
    },
  });
  const verify = useMutation({
    mutationFn: () => portalConsents.verify(session, code.trim()),
    onSuccess: (r) => {
      setCode('');
      setSignedIn({ session, sessionKey: r.sessionKey });
    },
  });
  const load = useMutation({ mutationFn: (s: ConsentSession) => portalConsents.view(s), onSuccess: setView });
  const decide = useMutation({
    mutationFn: (d: { purpose: string; channel: string; status: 'granted' | 'withdrawn' }) => portalConsents.decide(signedIn as ConsentSession, d),
    onSuccess: setView,
  });
  const { mutate: loadView } = load;
  useEffect(() => {
    if (signedIn) loadView(signedIn);
  }, [signedIn, loadView]);

  const lapsed = [load.error, decide.error].some((e) => e instanceof ApiError && e.status === 404);
  const startAgain = () => {
    setSignedIn(null);
    setView(null);
    setSession('');
    load.reset();
    decide.reset();
    verify.reset();
    open.reset();
  };

  if (signedIn) {
    return (
      <PortalFrame title={t('privacy:portalConsents.title')} intro={t('privacy:portalConsents.signedInIntro')}>
        {lapsed ? (
          <Alert color="orange" title={t('privacy:portalConsents.lapsedTitle')} data-testid="portal-consents-lapsed">
            <Stack gap="xs">
              <Text size="sm">{t('privacy:portalConsents.lapsed')}</Text>
              <Button variant="default" onClick={startAgain}>
                {t('privacy:portalConsents.startAgain')}
              </Button>
            </Stack>
          </Alert>
        ) : (
          <ErrorNotice error={decide.error ?? load.error} />
        )}
        {view && (view.gpcSignal || browserSendsGpc()) ? (
          <Alert color="indigo" title={t('privacy:portalConsents.gpcTitle')} data-testid="portal-gpc">
            {view.gpcSignal ? t('privacy:portalConsents.gpcRecorded') : t('privacy:portalConsents.gpcBrowserOnly')}
          </Alert>
        ) : null}
        {view ? (
          <Stack gap="md" data-testid="portal-consents">
            {view.optedOutOfSaleShare ? <Text size="sm">{t('privacy:portalConsents.optedOut')}</Text> : null}
            {view.notices.length > 0 ? (
              <Stack gap="sm" data-testid="portal-notices">
                <Title order={2} size="h4">
                  {t('privacy:portalConsents.notices')}
                </Title>
                {view.notices.map((n) => (
                  <Stack gap={4} key={n.id} data-testid={`portal-notice-${n.purpose}`}>
                    <Group gap="xs">
                      <Title order={3} size="h5">
                        {zh ? n.titleZh : n.titleEn}
                      </Title>
                      <Badge variant="outline" color="gray.8">
                        {t('privacy:portalConsents.version', { version: n.version })}
                      </Badge>
                    </Group>
                    <Text size="sm">{zh ? n.textZh : n.textEn}</Text>
                  </Stack>
                ))}
              </Stack>
            ) : null}
            <PortalConsentList
              view={view}
              busy={decide.isPending}
              onDecide={(line, status) => decide.mutate({ purpose: line.purpose, channel: line.channel, status })}
            />
          </Stack>
        ) : null}
      </PortalFrame>
    );
  }

  if (session) {
    return (
      <PortalFrame title={t('privacy:portalConsents.title')} intro={t('privacy:portalConsents.codeIntro')}>
        <PortalForm onSubmit={() => verify.mutate()}>
          <ErrorNotice error={verify.error} />
          <PortalCodeInput value={code} onChange={setCode} testId="portal-consents-code" />
          <Button type="submit" loading={verify.isPending} data-testid="portal-consents-verify">
            {t('privacy:portal.verify')}
          </Button>
          <Text size="sm">{t('privacy:portalConsents.codeHint')}</Text>
          <Button variant="subtle" onClick={startAgain}>
            {t('privacy:portalConsents.newCode')}
          </Button>
        </PortalForm>
      </PortalFrame>
    );
  }

  return (
    <PortalFrame title={t('privacy:portalConsents.title')} intro={t('privacy:portalConsents.intro')}>
      <PortalForm onSubmit={() => open.mutate()}>
        <ErrorNotice error={open.error} />
        <TextInput
          label={t('privacy:fields.requesterEmail')}
          type="email"
          required
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          data-testid="portal-consents-email"
        />
        <Button type="submit" loading={open.isPending} data-testid="portal-consents-send">
          {t('privacy:portalConsents.sendCode')}
        </Button>
      </PortalForm>
    </PortalFrame>
  );
}
