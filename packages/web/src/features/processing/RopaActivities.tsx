import { Badge, Group, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { objectName } from './object-name';
import type { RopaActivity } from './processing-types';

/** The activities of one RoPA version: purpose, subjects, personal data with its protection, recipients, retention. */
export function RopaActivities({ activities }: { activities: RopaActivity[] }) {
  const { t, i18n } = useTranslation();
  const zh = (i18n.resolvedLanguage ?? 'en').startsWith('zh');
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped aria-label={t('processing:ropa.activities')} data-testid="ropa-activities">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('processing:ropa.columns.activity')}</Table.Th>
            <Table.Th>{t('processing:ropa.columns.subjects')}</Table.Th>
            <Table.Th>{t('processing:ropa.columns.data')}</Table.Th>
            <Table.Th>{t('processing:ropa.columns.recipients')}</Table.Th>
            <Table.Th>{t('processing:ropa.columns.retention')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {activities.map((a) => (
            <Table.Tr key={a.key} data-testid="ropa-activity">
              <Table.Td>
                <Text fw={600}>{objectName(t, a.key)}</Text>
                <Text size="sm">{a.purpose ? (zh ? a.purpose.zh : a.purpose.en) : t('processing:ropa.undeclared')}</Text>
                <Text size="xs" c="dimmed">
                  {t('processing:ropa.lawfulBases')}: {a.lawfulBases.map((b) => t(`processing:basis.${b}`, { defaultValue: b })).join(', ')}
                </Text>
                {a.pipiaTriggers.length ? (
                  <Group gap={4} mt={4}>
                    {a.pipiaTriggers.map((trigger) => (
                      <Badge key={trigger} size="xs" color="orange" variant="light">
                        {t(`processing:trigger.${trigger}`)}
                      </Badge>
                    ))}
                  </Group>
                ) : null}
              </Table.Td>
              <Table.Td>{a.subjects.map((s) => t(`processing:subject.${s}`, { defaultValue: s })).join(', ')}</Table.Td>
              <Table.Td>
                {a.categories.map((c) => (
                  <Badge key={c.category} size="sm" mr={4} color={c.sensitive ? 'red' : 'gray'} variant="light">
                    {t(`incidents:category.${c.category}`, { defaultValue: c.category })}
                    {c.sensitive ? ` · ${t('processing:sensitive')}` : ''}
                  </Badge>
                ))}
                <Text size="xs" c="dimmed" mt={4}>
                  {t('processing:ropa.protected', { count: a.fields.filter((f) => f.measures.includes('encrypted_at_rest')).length, total: a.fields.length })}
                </Text>
              </Table.Td>
              <Table.Td>
                {a.recipients.length
                  ? a.recipients.map((r) => (
                      <Text key={r.transferId} size="sm">
                        {r.recipient} ({r.country}
                        {r.mechanism ? ` · ${t(`processing:mechanism.${r.mechanism}`)}` : ''})
                      </Text>
                    ))
                  : '—'}
              </Table.Td>
              <Table.Td>
                {a.retention.length ? (
                  a.retention.join('; ')
                ) : (
                  <Text size="sm" c="dimmed">
                    {t('processing:ropa.noRule')}
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
