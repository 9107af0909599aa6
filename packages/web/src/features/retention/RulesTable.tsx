import { Badge, Button, Group, Table, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { request } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useFormat } from '../../i18n/format';
import type { RetentionRule } from './retention-api';

/** The rules, each with its action, trigger, days and state; editing and removal for holders of retention.manage. */
export function RulesTable({ rules, canManage, onEdit }: { rules: RetentionRule[]; canManage: boolean; onEdit: (rule: RetentionRule) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: (id: string) => request('DELETE', `/api/v1/retention/rules/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: ['retention'] }),
  });
  if (!rules.length) return <Text c="dimmed">{t('retention:rules.none')}</Text>;
  return (
    <>
      <ErrorNotice error={remove.error} />
      <Table.ScrollContainer minWidth={720}>
        <Table striped aria-label={t('retention:rules.title')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('retention:fields.object')}</Table.Th>
              <Table.Th>{t('retention:fields.purpose')}</Table.Th>
              <Table.Th>{t('retention:fields.action')}</Table.Th>
              <Table.Th>{t('retention:fields.when')}</Table.Th>
              <Table.Th>{t('retention:fields.state')}</Table.Th>
              <Table.Th>{t('retention:fields.updated')}</Table.Th>
              {canManage ? <Table.Th>{t('retention:fields.actions')}</Table.Th> : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rules.map((rule) => (
              <Table.Tr key={rule.id} data-testid="retention-rule-row">
                <Table.Td>{t(`retention:object.${rule.object}`, { defaultValue: rule.object })}</Table.Td>
                <Table.Td>{t(`retention:purpose.${rule.purpose}`, { defaultValue: rule.purpose })}</Table.Td>
                <Table.Td>{t(`retention:action.${rule.action}`)}</Table.Td>
                <Table.Td>{t(`retention:when.${rule.trigger}`, { days: rule.days })}</Table.Td>
                <Table.Td>
                  <Badge color={rule.enabled ? 'teal' : 'gray'}>{t(rule.enabled ? 'retention:enabled' : 'retention:disabled')}</Badge>
                </Table.Td>
                <Table.Td>
                  {format.dateTime(rule.updatedAt)} · v{rule.version}
                </Table.Td>
                {canManage ? (
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button size="xs" variant="light" onClick={() => onEdit(rule)}>
                        {t('retention:edit')}
                      </Button>
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        onClick={() => remove.mutate(rule.id)}
                        loading={remove.isPending && remove.variables === rule.id}
                      >
                        {t('retention:remove')}
                      </Button>
                    </Group>
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}
