import { Button, Checkbox, Drawer, Group, NativeSelect, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api/api-error';
import { request } from '../../../api/client';
import { meQueryKey } from '../../../app/session';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { useStaffLabels } from '../shared/directory';
import { roleLabel } from '../shared/roles';
import type { Role } from '../shared/types';
import { fieldRule, fieldRuleRows, resourceRows, roleChange, scopedObjects } from './matrix';
import { rolesQueryKey } from './RolesPage';
import { SeparationRefusal } from './SeparationRefusal';
import { isSeparationRefusal } from './separation';

/**
 * Edits one role: its permissions, record scope per object and field rules. Saving needs a step-up
 * (the prompt appears by itself); a refusal for 三员分立 is explained in plain words.
 */
export function RoleEditor({ role, onClose }: { role: Role; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const userLabel = useStaffLabels();
  const [held, setHeld] = useState(() => new Set(role.permissions));
  const [scope, setScope] = useState<Record<string, string>>({ ...role.scope });
  const [fields, setFields] = useState<Record<string, Record<string, string>>>(() => structuredClone(role.fields));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  // A refusal is shown at the top of the drawer: bring it into view (the save button is at the bottom).
  useEffect(() => {
    if (error) errorRef.current?.scrollIntoView({ block: 'center' });
  }, [error]);
  const object = (o: string) => t(`admin:objects.${o}`, { defaultValue: o });
  const action = (a: string) => t(`admin:actions.${a}`, { defaultValue: a });
  const name = roleLabel(t, role.key);

  const toggle = (permission: string, on: boolean) =>
    setHeld((previous) => {
      const next = new Set(previous);
      if (on) next.add(permission);
      else next.delete(permission);
      return next;
    });

  const save = async () => {
    setError(null);
    const after = { permissions: [...held], scope, fields };
    const body = roleChange(role, after);
    if (!Object.keys(body).length) return onClose();
    setBusy(true);
    try {
      await request('PATCH', `/api/v1/roles/${role.key}`, { body });
      notifications.show({ color: 'green', message: t('admin:roles.saved', { role: name }) });
      await queryClient.invalidateQueries({ queryKey: rolesQueryKey });
      void queryClient.invalidateQueries({ queryKey: meQueryKey });
      onClose();
    } catch (cause) {
      setError(cause);
    } finally {
      setBusy(false);
    }
  };

  const refusal = error instanceof ApiError && error.status === 422 && isSeparationRefusal(error.message, error.details) ? error : null;
  const scoped = scopedObjects.filter((o) => [...held].some((p) => p.startsWith(`${o}.`)));

  return (
    <Drawer
      closeButtonProps={{ 'aria-label': t('common:actions.close') }}
      opened
      onClose={onClose}
      position="right"
      size="xl"
      title={t('admin:roles.editTitle', { role: name })}
    >
      <Stack>
        <Text size="sm">{t('admin:roles.editIntro')}</Text>
        <div ref={errorRef}>{refusal ? <SeparationRefusal error={refusal} userLabel={userLabel} /> : <ErrorNotice error={error} />}</div>
        <Title order={2} size="h5">
          {t('admin:roles.permissions')}
        </Title>
        <Table withTableBorder data-testid="role-permissions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('admin:roles.resource')}</Table.Th>
              <Table.Th scope="col">{t('admin:roles.permissions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {resourceRows().map((row) => (
              <Table.Tr key={row.resource}>
                <Table.Th scope="row">{object(row.resource)}</Table.Th>
                <Table.Td>
                  <Group gap="sm">
                    {row.actions.map((a) => {
                      const permission = `${row.resource}.${a}`;
                      return (
                        <Checkbox
                          key={a}
                          size="xs"
                          checked={held.has(permission)}
                          onChange={(e) => toggle(permission, e.currentTarget.checked)}
                          data-permission={permission}
                          label={
                            <>
                              <VisuallyHidden>{object(row.resource)} </VisuallyHidden>
                              {action(a)}
                            </>
                          }
                        />
                      );
                    })}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {scoped.length ? (
          <>
            <Title order={2} size="h5">
              {t('admin:roles.scope')}
            </Title>
            <Group gap="sm">
              {scoped.map((o) => (
                <NativeSelect
                  key={o}
                  size="xs"
                  label={object(o)}
                  value={scope[o] ?? 'own'}
                  onChange={(e) => setScope({ ...scope, [o]: e.currentTarget.value })}
                  data={['own', 'team', 'all'].map((value) => ({ value, label: t(`admin:scopes.${value}`) }))}
                />
              ))}
            </Group>
          </>
        ) : null}
        <Title order={2} size="h5">
          {t('admin:roles.fieldRules')}
        </Title>
        {fieldRuleRows().map(({ object: o, fields: names }) => (
          <Group key={o} gap="sm" align="flex-end">
            {names.map((field) => (
              <NativeSelect
                key={field}
                size="xs"
                label={`${object(o)} · ${field}`}
                value={fieldRule(fields, o, field)}
                onChange={(e) => setFields({ ...fields, [o]: { ...(fields[o] ?? {}), [field]: e.currentTarget.value } })}
                data={['hidden', 'masked', 'readable'].map((value) => ({ value, label: t(`admin:fieldAccess.${value}`) }))}
              />
            ))}
          </Group>
        ))}
        <Group justify="flex-end" pos="sticky" bottom={0} bg="white" py="sm">
          <Button variant="default" onClick={onClose}>
            {t('common:actions.cancel')}
          </Button>
          <Button onClick={() => void save()} loading={busy} data-testid="role-save">
            {t('common:actions.save')}
          </Button>
        </Group>
      </Stack>
    </Drawer>
  );
}
