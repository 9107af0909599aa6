import { Alert, Autocomplete, Button, Code, CopyButton, Group, Modal, MultiSelect, Select, Stack, Text, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { newIdempotencyKey, request } from '../../../api/client';
import { usePermissions } from '../../../app/session';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { useFormat } from '../../../i18n/format';
import { staffLabel, teamsQueryKey, usersQueryKey } from '../shared/directory';
import { roleLabel, roleOrder } from '../shared/roles';
import type { Enrolment, StaffUser, Team } from '../shared/types';
import { useFormErrors } from '../shared/use-form-errors';

interface Props {
  /** null: a new account. */
  user: StaffUser | null;
  staff: StaffUser[];
  teams: Team[];
  onClose: () => void;
}

interface Created {
  user: StaffUser;
  oneTimePassword?: string;
  enrolment?: Enrolment;
}

/** Create or edit a staff account. A new account's one-time password is shown here once, never again. */
export function UserFormModal({ user, staff, teams, onClose }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const { can } = usePermissions();
  const queryClient = useQueryClient();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [email, setEmail] = useState(user?.email ?? '');
  const [name, setName] = useState(user?.name ?? '');
  const [team, setTeam] = useState(teams.find((x) => x.id === user?.teamId)?.name ?? '');
  const [managerId, setManagerId] = useState<string | null>(user?.managerId ?? null);
  const [roles, setRoles] = useState<string[]>(user?.roles ?? []);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);
  const errors = useFormErrors();
  const assign = can('roles.assign');

  const submit = async () => {
    errors.reset();
    setBusy(true);
    try {
      if (user) {
        const body: Record<string, unknown> = {};
        if (name !== (user.name ?? '')) body.name = name;
        const before = teams.find((x) => x.id === user.teamId)?.name ?? '';
        if (team !== before) body.team = team === '' ? null : team;
        if (managerId !== user.managerId) body.managerId = managerId;
        if (assign && [...roles].sort().join() !== [...user.roles].sort().join()) body.roles = roles;
        if (Object.keys(body).length) await request('PATCH', `/api/v1/users/${user.id}`, { body });
        onClose();
      } else {
        const body = { email, name, roles: assign ? roles : [], ...(team ? { team } : {}), ...(managerId ? { managerId } : {}) };
        const answer = await request<Created>('POST', '/api/v1/users', { body, headers: { 'idempotency-key': idempotencyKey } });
        setCreated(answer);
      }
      void queryClient.invalidateQueries({ queryKey: usersQueryKey });
      void queryClient.invalidateQueries({ queryKey: teamsQueryKey });
    } catch (error) {
      errors.fail(error);
    } finally {
      setBusy(false);
    }
  };

  const managers = staff.filter((s) => s.id !== user?.id && s.status === 'active').map((s) => ({ value: s.id, label: staffLabel(s, s.id) }));

  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('common:actions.close') }}
      opened
      onClose={onClose}
      title={user ? t('admin:users.editTitle') : t('admin:users.createTitle')}
      size="lg"
    >
      {created ? (
        <Stack data-testid="user-created">
          <Alert
            color="green"
            title={
              <Text span fw={700} c="dark.8">
                {t('admin:users.createdTitle', { name: created.user.name ?? created.user.email ?? '' })}
              </Text>
            }
          >
            {created.oneTimePassword ? (
              <Stack gap="xs">
                <Text>{t('admin:users.oneTimePassword')}</Text>
                <Group>
                  <Code data-testid="one-time-password" fz="md">
                    {created.oneTimePassword}
                  </Code>
                  <CopyButton value={created.oneTimePassword}>
                    {({ copied, copy }) => (
                      <Button size="xs" variant="light" onClick={copy}>
                        {copied ? t('common:actions.copied') : t('common:actions.copy')}
                      </Button>
                    )}
                  </CopyButton>
                </Group>
                <Text size="sm">{t('admin:users.oneTimePasswordOnce')}</Text>
              </Stack>
            ) : created.enrolment?.mailed ? (
              <Text>{t('admin:users.enrolmentMailed', { until: format.dateTime(created.enrolment.expiresAt) })}</Text>
            ) : (
              <Text>{t('admin:users.enrolmentOperator')}</Text>
            )}
          </Alert>
          <Group justify="flex-end">
            <Button onClick={onClose}>{t('common:actions.close')}</Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <Stack>
            <ErrorNotice error={errors.error} />
            {user ? null : (
              <TextInput
                label={t('admin:users.email')}
                type="email"
                required
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
                error={errors.fieldErrors.email}
                data-testid="user-email"
              />
            )}
            <TextInput
              label={t('admin:users.name')}
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={errors.fieldErrors.name}
              data-testid="user-name"
            />
            <Autocomplete
              label={t('admin:users.team')}
              description={t('admin:users.teamHint')}
              data={teams.map((x) => x.name)}
              value={team}
              onChange={setTeam}
              error={errors.fieldErrors.team}
              data-testid="user-team"
            />
            <Select
              label={t('admin:users.manager')}
              data={managers}
              value={managerId}
              onChange={setManagerId}
              clearable
              searchable
              error={errors.fieldErrors.managerId}
            />
            {assign ? (
              <MultiSelect
                label={t('admin:users.roles')}
                description={t('admin:users.rolesHint')}
                data={roleOrder.map((key) => ({ value: key, label: roleLabel(t, key) }))}
                value={roles}
                onChange={setRoles}
                error={errors.fieldErrors.roles}
              />
            ) : null}
            {user ? null : (
              <Text size="sm" c="dimmed">
                {t('admin:users.credentialHint')}
              </Text>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('common:actions.cancel')}
              </Button>
              <Button type="submit" loading={busy} data-testid="user-save">
                {user ? t('common:actions.save') : t('common:actions.create')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
