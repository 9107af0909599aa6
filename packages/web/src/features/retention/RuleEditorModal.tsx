import { Button, Checkbox, Group, Modal, NumberInput, Select, Stack } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { actions, fetchObjects, type RetentionRule, triggers } from './retention-api';

/** Defines a rule, or changes one (object and purpose are fixed once defined). Enabling asks for a fresh second factor. */
export function RuleEditorModal({ rule, opened, onClose }: { rule: RetentionRule | null; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const objects = useQuery({ queryKey: ['retention', 'objects'], queryFn: fetchObjects, enabled: opened });
  const [object, setObject] = useState<string | null>(null);
  const [purpose, setPurpose] = useState<string | null>(null);
  const [action, setAction] = useState<string>('delete');
  const [trigger, setTrigger] = useState<string>('inactivity');
  const [days, setDays] = useState<number>(730);
  const [enabled, setEnabled] = useState(false);
  useEffect(() => {
    if (!opened) return;
    setObject(rule?.object ?? null);
    setPurpose(rule?.purpose ?? null);
    setAction(rule?.action ?? 'delete');
    setTrigger(rule?.trigger ?? 'inactivity');
    setDays(rule?.days ?? 730);
    setEnabled(rule?.enabled ?? false);
  }, [opened, rule]);
  const chosen = objects.data?.items.find((o) => o.object === object);
  const save = useMutation({
    mutationFn: () =>
      rule
        ? request<RetentionRule>('PATCH', `/api/v1/retention/rules/${rule.id}`, { body: { action, trigger, days, enabled, version: rule.version } })
        : request<RetentionRule>('POST', '/api/v1/retention/rules', { body: { object, purpose, action, trigger, days, enabled } }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['retention'] });
      onClose();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t(rule ? 'retention:editor.editTitle' : 'retention:editor.newTitle')}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <Select
            label={t('retention:fields.object')}
            data={(objects.data?.items ?? []).map((o) => ({ value: o.object, label: t(`retention:object.${o.object}`, { defaultValue: o.object }) }))}
            value={object}
            onChange={setObject}
            disabled={!!rule}
            required
            data-testid="retention-object"
          />
          <Select
            label={t('retention:fields.purpose')}
            data={(objects.data?.purposes ?? []).map((p) => ({ value: p, label: t(`retention:purpose.${p}`, { defaultValue: p }) }))}
            value={purpose}
            onChange={setPurpose}
            disabled={!!rule}
            required
            data-testid="retention-purpose"
          />
          <Select
            label={t('retention:fields.action')}
            description={t('retention:fields.actionHint')}
            data={actions.map((a) => ({ value: a, label: t(`retention:action.${a}`) }))}
            value={action}
            onChange={(v) => setAction(v ?? 'delete')}
            allowDeselect={false}
          />
          <Select
            label={t('retention:fields.trigger')}
            description={chosen && !chosen.contractEnd ? t('retention:fields.noContractEnd') : undefined}
            data={triggers.map((g) => ({ value: g, label: t(`retention:trigger.${g}`), disabled: g === 'contract_end' && !!chosen && !chosen.contractEnd }))}
            value={trigger}
            onChange={(v) => setTrigger(v ?? 'inactivity')}
            allowDeselect={false}
          />
          <NumberInput
            label={t('retention:fields.days')}
            min={1}
            max={36500}
            value={days}
            onChange={(v) => setDays(Number(v) || 0)}
            required
            data-testid="retention-days"
          />
          <Checkbox
            label={t('retention:fields.enabled')}
            description={t('retention:fields.enabledHint')}
            checked={enabled}
            onChange={(e) => setEnabled(e.currentTarget.checked)}
          />
          <ErrorNotice error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('retention:cancel')}
            </Button>
            <Button type="submit" loading={save.isPending} data-testid="retention-save">
              {t('retention:save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
