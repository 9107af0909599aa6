import { Button, Group, Menu, Modal, Stack, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { request } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import type { FieldInfo } from './catalogue';
import { formErrorsOf } from './form-values';
import { useLabels } from './labels';
import { paramsOfView, viewBodyOf } from './list-params';
import { type SavedView, savedViewsKey, useSavedViews } from './records-api';

interface Props {
  object: string;
  fields: FieldInfo[];
  params: URLSearchParams;
  onPick: (params: URLSearchParams) => void;
}

/** The person's saved views of this list: pick one, save the current filters and sort as a new one, update or delete the current one. */
export function SavedViews({ object, fields, params, onPick }: Props) {
  const { t } = useLabels();
  const queryClient = useQueryClient();
  const views = useSavedViews(object);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const currentId = params.get('view');
  const current = views.data?.find((v) => v.id === currentId);
  const refresh = () => queryClient.invalidateQueries({ queryKey: savedViewsKey(object) });

  const save = async (mode: 'new' | 'update') => {
    setSending(true);
    setFailure(null);
    try {
      const body = viewBodyOf(params, fields);
      const saved =
        mode === 'new' || !current
          ? await request<SavedView>('POST', '/api/v1/saved-views', { body: { object, name: name.trim(), ...body, sort: body.sort ?? undefined } })
          : await request<SavedView>('PATCH', `/api/v1/saved-views/${current.id}`, { body });
      await refresh();
      setNaming(false);
      setName('');
      onPick(paramsOfView(saved));
    } catch (error) {
      setErrors(formErrorsOf(error));
      setFailure(error);
    } finally {
      setSending(false);
    }
  };

  const remove = async () => {
    if (!current) return;
    try {
      await request('DELETE', `/api/v1/saved-views/${current.id}`);
      await refresh();
      const next = new URLSearchParams(params);
      next.delete('view');
      onPick(next);
    } catch (error) {
      setFailure(error);
    }
  };

  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button variant="default" size="xs" data-testid="saved-views">
            {current ? t('records:views.current', { name: current.name }) : t('records:views.menu')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>{t('records:views.mine')}</Menu.Label>
          {(views.data ?? []).length === 0 ? <Menu.Item disabled>{t('records:views.none')}</Menu.Item> : null}
          {(views.data ?? []).map((view) => (
            <Menu.Item key={view.id} onClick={() => onPick(paramsOfView(view))} data-testid="saved-view-item">
              {view.name}
            </Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item onClick={() => setNaming(true)} data-testid="saved-view-new">
            {t('records:views.saveNew')}
          </Menu.Item>
          {current ? <Menu.Item onClick={() => void save('update')}>{t('records:views.update')}</Menu.Item> : null}
          {current ? (
            <Menu.Item color="red" onClick={() => void remove()}>
              {t('records:views.delete')}
            </Menu.Item>
          ) : null}
        </Menu.Dropdown>
      </Menu>
      {failure && !naming ? <ErrorNotice error={failure} /> : null}
      <Modal
        opened={naming}
        onClose={() => setNaming(false)}
        closeButtonProps={{ 'aria-label': t('common:actions.close') }}
        lockScroll={false}
        title={t('records:views.saveNew')}
      >
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void save('new');
          }}
        >
          <Stack gap="sm">
            {failure && Object.keys(errors).length === 0 ? <ErrorNotice error={failure} /> : null}
            <TextInput
              label={t('records:views.name')}
              withAsterisk
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={errors.name}
              data-testid="saved-view-name"
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setNaming(false)}>
                {t('common:actions.cancel')}
              </Button>
              <Button type="submit" loading={sending} disabled={sending || name.trim() === ''} data-testid="saved-view-save">
                {t('common:actions.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
