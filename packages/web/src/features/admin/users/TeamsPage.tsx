import { Button, Group, Table, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { newIdempotencyKey, request } from '../../../api/client';
import { usePermissions } from '../../../app/session';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { Loading } from '../../../components/Loading';
import { PageHeader } from '../../../components/PageHeader';
import { useFormat } from '../../../i18n/format';
import { teamsQueryKey, useStaff, useTeams } from '../shared/directory';
import { useFormErrors } from '../shared/use-form-errors';

/** /admin/teams: the teams and how many people are in each; the system administrator adds one. */
export function TeamsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { can } = usePermissions();
  const queryClient = useQueryClient();
  const teams = useTeams();
  const staff = useStaff();
  const [name, setName] = useState('');
  const [key, setKey] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const errors = useFormErrors();
  const members = (id: string) => (staff.data ?? []).filter((u) => u.teamId === id).length;

  const create = async () => {
    errors.reset();
    setBusy(true);
    try {
      await request('POST', '/api/v1/teams', { body: { name }, headers: { 'idempotency-key': key } });
      setName('');
      setKey(newIdempotencyKey());
      await queryClient.invalidateQueries({ queryKey: teamsQueryKey });
    } catch (error) {
      errors.fail(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader title={t('admin:teams.title')} />
      <ErrorNotice error={teams.error ?? errors.error} />
      {can('users.manage') ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void create();
          }}
        >
          <Group align="flex-end" mb="md">
            <TextInput label={t('admin:teams.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.fieldErrors.name} />
            <Button type="submit" loading={busy}>
              {t('admin:teams.create')}
            </Button>
          </Group>
        </form>
      ) : null}
      {teams.isLoading ? (
        <Loading />
      ) : (
        <Table striped data-testid="teams-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('admin:teams.name')}</Table.Th>
              <Table.Th scope="col">{t('admin:teams.members')}</Table.Th>
              <Table.Th scope="col">{t('admin:teams.created')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(teams.data ?? []).map((team) => (
              <Table.Tr key={team.id}>
                <Table.Td>{team.name}</Table.Td>
                <Table.Td>{format.number(members(team.id))}</Table.Td>
                <Table.Td>{format.date(team.createdAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </>
  );
}
