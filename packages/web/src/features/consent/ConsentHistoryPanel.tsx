import { Alert, Badge, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { RecordExtensionProps } from '../../app/record-extensions';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { useFormat } from '../../i18n/format';
import { text, useConsentList } from './consent-data';

/** A contact's consent ledger, newest first (append-only: every grant, withdrawal and GPC signal), with an open GPC conflict flagged. */
export function ConsentHistoryPanel({ id }: RecordExtensionProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const { can } = usePermissions();
  const ledger = useConsentList('/api/v1/consents', { contactId: id, sort: 'at', order: 'desc' });
  const conflicts = useConsentList('/api/v1/gpc-conflicts', { contactId: id, status: 'open' }, can('gpc_conflicts.read'));
  if (ledger.isPending) return <Loading />;
  if (ledger.error) return <ErrorNotice error={ledger.error} />;
  const open = conflicts.data?.items.length ?? 0;
  return (
    <>
      {open > 0 ? (
        <Alert color="orange" mb="sm" data-testid="gpc-conflict-flag" title={t('consent:history.conflictFlag')}>
          {t('consent:history.conflictHint')}
        </Alert>
      ) : null}
      {ledger.data.items.length === 0 ? (
        <Text size="sm">{t('consent:history.none')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table withTableBorder data-testid="consent-history">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('consent:history.at')}</Table.Th>
                <Table.Th scope="col">{t('consent:history.purpose')}</Table.Th>
                <Table.Th scope="col">{t('consent:history.channel')}</Table.Th>
                <Table.Th scope="col">{t('consent:history.status')}</Table.Th>
                <Table.Th scope="col">{t('consent:history.basis')}</Table.Th>
                <Table.Th scope="col">{t('consent:history.source')}</Table.Th>
                <Table.Th scope="col">{t('consent:history.givenBy')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {ledger.data.items.map((entry) => (
                <Table.Tr key={entry.id} data-testid="consent-entry">
                  <Table.Td>{format.dateTime(text(entry.at))}</Table.Td>
                  <Table.Td>{t(`consent:purpose.${text(entry.purpose)}`, { defaultValue: text(entry.purpose) })}</Table.Td>
                  <Table.Td>{t(`consent:channel.${text(entry.channel)}`, { defaultValue: text(entry.channel) })}</Table.Td>
                  <Table.Td>
                    <Badge color={entry.status === 'granted' ? 'teal' : 'red'} variant="light" autoContrast>
                      {t(`consent:status.${text(entry.status)}`, { defaultValue: text(entry.status) })}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{t(`consent:basis.${text(entry.lawfulBasis)}`, { defaultValue: text(entry.lawfulBasis) })}</Table.Td>
                  <Table.Td>{t(`consent:source.${text(entry.source)}`, { defaultValue: text(entry.source) })}</Table.Td>
                  <Table.Td>{t(`consent:givenBy.${text(entry.givenBy)}`, { defaultValue: text(entry.givenBy) })}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </>
  );
}
