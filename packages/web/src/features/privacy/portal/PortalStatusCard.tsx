import { Badge, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../../i18n/format';

export interface PortalStatus {
  reference: string;
  kind: string;
  law: string;
  status: string;
  receivedAt: string;
  dueDay: string | null;
  extended: boolean;
  extensionReason: string | null;
  response: string | null;
}

/** What the person sees of their own request: kind, law, status, due day, extension and the answer. */
export function PortalStatusCard({ status }: { status: PortalStatus }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <Stack gap="sm" data-testid="portal-status">
      <Badge variant="filled" color="indigo.9" size="lg" data-testid="portal-status-value">
        {t(`privacy:statuses.${status.status}`)}
      </Badge>
      <Table>
        <Table.Tbody>
          <Table.Tr>
            <Table.Th scope="row">{t('privacy:portal.reference')}</Table.Th>
            <Table.Td>{status.reference}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th scope="row">{t('privacy:fields.kind')}</Table.Th>
            <Table.Td>{t(`privacy:kinds.${status.kind}`)}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th scope="row">{t('privacy:fields.law')}</Table.Th>
            <Table.Td>{t(`privacy:laws.${status.law}`)}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th scope="row">{t('privacy:fields.receivedAt')}</Table.Th>
            <Table.Td>{format.date(status.receivedAt)}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th scope="row">{t('privacy:fields.dueDay')}</Table.Th>
            <Table.Td>{status.dueDay ?? t('privacy:portal.noDueYet')}</Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      {status.extended ? <Text size="sm">{t('privacy:portal.extended', { reason: status.extensionReason ?? '' })}</Text> : null}
      {status.response ? (
        <Stack gap={4}>
          <Text fw={600}>{t('privacy:fields.response')}</Text>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {status.response}
          </Text>
        </Stack>
      ) : null}
    </Stack>
  );
}
