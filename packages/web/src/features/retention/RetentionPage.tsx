import { Button, Group, Stack, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../../api/client';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { DryRunPreview } from './DryRunPreview';
import { RuleEditorModal } from './RuleEditorModal';
import { RulesTable } from './RulesTable';
import { RunsTable } from './RunsTable';
import { fetchRules, fetchRuns, type RetentionRule, type RetentionRun } from './retention-api';

/** /retention: the rules, a dry-run preview, a purge now (fresh second factor) and the runs with their certificates. */
export function RetentionPage() {
  const { t } = useTranslation();
  const { can } = usePermissions();
  const client = useQueryClient();
  const canManage = can('retention.manage');
  const [editing, setEditing] = useState<RetentionRule | null>(null);
  const [editorOpen, setEditorOpen] = useState(false);
  const rules = useQuery({ queryKey: ['retention', 'rules'], queryFn: fetchRules });
  const runs = useQuery({ queryKey: ['retention', 'runs'], queryFn: fetchRuns });
  const run = useMutation({
    mutationFn: (dryRun: boolean) => request<RetentionRun>('POST', '/api/v1/retention/runs', { body: { dryRun } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['retention', 'runs'] }),
  });
  const open = (rule: RetentionRule | null) => {
    setEditing(rule);
    setEditorOpen(true);
  };
  return (
    <>
      <PageHeader
        title={t('retention:title')}
        actions={
          canManage ? (
            <Group>
              <Button variant="default" onClick={() => run.mutate(true)} loading={run.isPending && run.variables === true} data-testid="retention-dry-run">
                {t('retention:dryRun')}
              </Button>
              <Button color="red" onClick={() => run.mutate(false)} loading={run.isPending && run.variables === false} data-testid="retention-run-now">
                {t('retention:runNow')}
              </Button>
              <Button onClick={() => open(null)} data-testid="retention-new-rule">
                {t('retention:newRule')}
              </Button>
            </Group>
          ) : null
        }
      />
      <Stack>
        <ErrorNotice error={rules.error ?? runs.error ?? run.error} />
        {run.data ? <DryRunPreview run={run.data} /> : null}
        <Title order={2} size="h3">
          {t('retention:rules.title')}
        </Title>
        {rules.isPending ? <Loading /> : <RulesTable rules={rules.data?.items ?? []} canManage={canManage} onEdit={open} />}
        <Title order={2} size="h3">
          {t('retention:runs.title')}
        </Title>
        {runs.isPending ? <Loading /> : <RunsTable runs={runs.data?.items ?? []} />}
      </Stack>
      <RuleEditorModal rule={editing} opened={editorOpen} onClose={() => setEditorOpen(false)} />
    </>
  );
}
