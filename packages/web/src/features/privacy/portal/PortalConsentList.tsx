import { Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../../i18n/format';
import type { PortalConsentLine, PortalConsentView } from './portal-consents-api';

const separatePurposes = new Set(['sensitive_pi', 'third_party_provision', 'cross_border_transfer']);

interface Props {
  view: PortalConsentView;
  busy: boolean;
  onDecide: (line: PortalConsentLine, status: 'granted' | 'withdrawn') => void;
}

/**
 * The person's consents, one line per purpose and channel: where it stands and since when, with
 * give (only under a current notice) and withdraw. The PIPL separate consents are their own group.
 */
export function PortalConsentList({ view, busy, onDecide }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const groups = [
    { key: 'separate', lines: view.consents.filter((c) => separatePurposes.has(c.purpose)) },
    { key: 'other', lines: view.consents.filter((c) => !separatePurposes.has(c.purpose)) },
  ].filter((g) => g.lines.length > 0);
  if (groups.length === 0) return <Text size="sm">{t('privacy:portalConsents.noLines')}</Text>;
  return (
    <Stack gap="md">
      {groups.map((group) => (
        <Stack gap={4} key={group.key}>
          <Title order={2} size="h4">
            {t(`privacy:portalConsents.groups.${group.key}`)}
          </Title>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('privacy:portalConsents.purpose')}</Table.Th>
                <Table.Th>{t('privacy:portalConsents.state')}</Table.Th>
                <Table.Th>{t('privacy:portalConsents.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {group.lines.map((line) => {
                const id = `${line.purpose}-${line.channel}`;
                const name = `${t(`consent:purpose.${line.purpose}`)}${line.channel === 'any' ? '' : ` · ${t(`consent:channel.${line.channel}`)}`}`;
                const gpcBlocksGrant = line.purpose === 'sale_share' && view.gpcSignal;
                return (
                  <Table.Tr key={id} data-testid={`portal-consent-${id}`} data-state={line.state}>
                    <Table.Td>{name}</Table.Td>
                    <Table.Td>
                      <Stack gap={2}>
                        <Text size="sm" fw={700} c={line.state === 'granted' ? 'green.9' : 'gray.8'}>
                          {t(`privacy:portalConsents.states.${line.state}`)}
                        </Text>
                        {line.since ? <Text size="xs">{format.date(line.since)}</Text> : null}
                      </Stack>
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        {line.state !== 'granted' && line.noticeId && !gpcBlocksGrant ? (
                          <Button
                            size="xs"
                            disabled={busy}
                            onClick={() => onDecide(line, 'granted')}
                            aria-label={t('privacy:portalConsents.giveLabel', { name })}
                            data-testid={`portal-consent-give-${id}`}
                          >
                            {t('privacy:portalConsents.give')}
                          </Button>
                        ) : null}
                        {line.state === 'granted' || (line.purpose === 'sale_share' && line.state === 'none') ? (
                          <Button
                            size="xs"
                            variant="default"
                            disabled={busy}
                            onClick={() => onDecide(line, 'withdrawn')}
                            aria-label={t('privacy:portalConsents.withdrawLabel', { name })}
                            data-testid={`portal-consent-withdraw-${id}`}
                          >
                            {t('privacy:portalConsents.withdraw')}
                          </Button>
                        ) : null}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Stack>
      ))}
    </Stack>
  );
}
