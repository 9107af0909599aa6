import { Alert, Badge, Box, Button, Group, List, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../../../api/client';
import { usePermissions } from '../../../app/session';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { Loading } from '../../../components/Loading';
import { PageHeader } from '../../../components/PageHeader';
import { roleLabel } from '../shared/roles';
import type { Page, Role } from '../shared/types';
import { fieldRule, fieldRuleRows, resourceRows } from './matrix';
import { RoleEditor } from './RoleEditor';

export const rolesQueryKey = ['admin', 'roles'] as const;

/** /admin/roles: the role matrix (roles × permissions, record scope, field rules) and 三员分立 explained; the security administrator edits a role. */
export function RolesPage() {
  const { t } = useTranslation();
  const { can } = usePermissions();
  const roles = useQuery({ queryKey: rolesQueryKey, queryFn: async () => (await request<Page<Role>>('GET', '/api/v1/roles')).items });
  const [editing, setEditing] = useState<Role | null>(null);
  const rows = resourceRows();
  const items = roles.data ?? [];
  const action = (a: string) => t(`admin:actions.${a}`, { defaultValue: a });
  const object = (o: string) => t(`admin:objects.${o}`, { defaultValue: o });

  return (
    <>
      <PageHeader title={t('admin:roles.title')} />
      <Alert color="indigo" variant="light" title={t('admin:separation.title')} mb="md" data-testid="separation-explained">
        <Stack gap={4}>
          <Text size="sm">{t('admin:separation.intro')}</Text>
          <List size="sm">
            <List.Item>{t('admin:separation.ruleDuties')}</List.Item>
            <List.Item>{t('admin:separation.rulePersonal')}</List.Item>
            <List.Item>{t('admin:separation.ruleAuditPersonal')}</List.Item>
            <List.Item>{t('admin:separation.ruleAllRoles')}</List.Item>
          </List>
        </Stack>
      </Alert>
      <ErrorNotice error={roles.error} />
      {roles.isLoading ? (
        <Loading />
      ) : (
        <Stack gap="lg">
          <ScrollRegion label={t('admin:roles.matrixCaption')}>
            <Table withTableBorder withColumnBorders striped miw={1100} data-testid="role-matrix">
              <caption>{t('admin:roles.matrixCaption')}</caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('admin:roles.resource')}</Table.Th>
                  {items.map((role) => (
                    <Table.Th key={role.key} scope="col">
                      <Stack gap={4}>
                        <Text size="sm" fw={700}>
                          {roleLabel(t, role.key)}
                        </Text>
                        {can('roles.assign') ? (
                          <Button size="compact-xs" variant="light" onClick={() => setEditing(role)} data-testid={`edit-role-${role.key}`}>
                            {t('admin:roles.edit', { role: roleLabel(t, role.key) })}
                          </Button>
                        ) : null}
                      </Stack>
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row) => (
                  <Table.Tr key={row.resource}>
                    <Table.Th scope="row">{object(row.resource)}</Table.Th>
                    {items.map((role) => {
                      const held = row.actions.filter((a) => role.permissions.includes(`${row.resource}.${a}`));
                      const scope = role.scope[row.resource];
                      return (
                        <Table.Td key={role.key}>
                          {held.length ? (
                            <Group gap={2}>
                              {held.map((a) => (
                                <Badge key={a} size="xs" variant="outline" color="dark.6" tt="none">
                                  {action(a)}
                                </Badge>
                              ))}
                              {scope ? (
                                <Badge size="xs" color="indigo.9" variant="filled" tt="none">
                                  {t(`admin:scopes.${scope}`)}
                                </Badge>
                              ) : null}
                            </Group>
                          ) : (
                            <Text size="xs" c="dimmed">
                              {t('admin:roles.none')}
                            </Text>
                          )}
                        </Table.Td>
                      );
                    })}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollRegion>
          <Title order={2} size="h4">
            {t('admin:roles.fieldRules')}
          </Title>
          <Text size="sm">{t('admin:roles.fieldRulesIntro')}</Text>
          <ScrollRegion label={t('admin:roles.fieldRulesCaption')}>
            <Table withTableBorder withColumnBorders striped miw={1100} data-testid="field-rule-matrix">
              <caption>{t('admin:roles.fieldRulesCaption')}</caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('admin:roles.field')}</Table.Th>
                  {items.map((role) => (
                    <Table.Th key={role.key} scope="col">
                      {roleLabel(t, role.key)}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {fieldRuleRows().flatMap(({ object: o, fields }) =>
                  fields.map((field) => (
                    <Table.Tr key={`${o}.${field}`}>
                      <Table.Th scope="row">
                        {object(o)} · {field}
                      </Table.Th>
                      {items.map((role) => {
                        const rule = fieldRule(role.fields, o, field);
                        return (
                          <Table.Td key={role.key}>
                            <Text size="xs" fw={rule === 'hidden' ? 400 : 700}>
                              {t(`admin:fieldAccess.${rule}`)}
                            </Text>
                          </Table.Td>
                        );
                      })}
                    </Table.Tr>
                  )),
                )}
              </Table.Tbody>
            </Table>
          </ScrollRegion>
        </Stack>
      )}
      {editing ? <RoleEditor role={editing} onClose={() => setEditing(null)} /> : null}
    </>
  );
}

/** A wide table that scrolls sideways: a named region the keyboard can reach (and scroll with the arrow keys). */
function ScrollRegion({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    // A scrollable region must be reachable by keyboard (WCAG 2.1.1)
    <Box role="region" aria-label={label} tabIndex={0} style={{ overflowX: 'auto' }}>
      {children}
    </Box>
  );
}
