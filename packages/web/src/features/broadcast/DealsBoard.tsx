import { Anchor, Badge, Box, Button, Group, Menu, Paper, ScrollArea, Select, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type DragEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { request } from '../../api/client';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';
import { type Row, text, useList, useNames } from './data';

const currencies = ['CNY', 'USD', 'EUR'] as const;

/** Sums of amounts per currency. */
export function totalsByCurrency(deals: readonly Row[]): { currency: string; amount: number }[] {
  const sums = new Map<string, number>();
  for (const d of deals) sums.set(text(d.currency) || 'CNY', (sums.get(text(d.currency) || 'CNY') ?? 0) + Number(d.amount ?? 0));
  return [...sums.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ currency, amount }));
}

/** Deals as a kanban by pipeline stage: drag a card, or use its "move to…" menu, to change its stage. */
export function DealsBoard() {
  const { t } = useTranslation();
  const format = useFormat();
  const { can, me } = usePermissions();
  const queryClient = useQueryClient();
  const [owner, setOwner] = useState<string>('all');
  const [currency, setCurrency] = useState<string>('all');
  const [dragging, setDragging] = useState<string | null>(null);
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  const [announce, setAnnounce] = useState('');
  const stages = useList('/api/v1/deal-stages', { sort: 'position', order: 'asc' });
  const deals = useList('/api/v1/deals', {
    ownerId: owner === 'mine' ? me?.id : undefined,
    currency: currency === 'all' ? undefined : currency,
    sort: 'updatedAt',
    order: 'desc',
  });
  const accounts = useNames(
    '/api/v1/accounts',
    (deals.data?.items ?? []).map((d) => text(d.accountId)),
    (a) => text(a.name),
  );
  const canMove = can('deals.update');

  const move = useMutation({
    mutationFn: ({ deal, stageId }: { deal: Row; stageId: string }) => request<Row>('PATCH', `/api/v1/deals/${deal.id}`, { body: { stageId } }),
    onSuccess: (_data, { deal, stageId }) => {
      const stage = stages.data?.items.find((s) => s.id === stageId);
      setAnnounce(t('broadcast:board.moved', { deal: text(deal.name), stage: text(stage?.name) }));
      void queryClient.invalidateQueries({ queryKey: ['broadcast', 'list', '/api/v1/deals'] });
    },
  });
  const moveTo = (deal: Row, stageId: string) => {
    if (text(deal.stageId) === stageId) return;
    setAnnounce('');
    move.mutate({ deal, stageId });
  };

  if (stages.isPending || deals.isPending) return <Loading />;
  if (stages.error || deals.error) return <ErrorNotice error={stages.error ?? deals.error} />;
  const stageList = stages.data.items;
  const all = deals.data.items;

  const onDrop = (event: DragEvent, stageId: string) => {
    event.preventDefault();
    setDropTarget(null);
    const id = event.dataTransfer.getData('text/plain') || dragging;
    const deal = all.find((d) => d.id === id);
    setDragging(null);
    if (deal) moveTo(deal, stageId);
  };

  return (
    <>
      <PageHeader
        title={t('broadcast:board.title')}
        actions={
          <Button component={Link} to="/deals" variant="default">
            {t('broadcast:board.asList')}
          </Button>
        }
      />
      <Group mb="md" align="flex-end">
        <Select
          label={t('broadcast:board.owner')}
          value={owner}
          onChange={(v) => setOwner(v ?? 'all')}
          allowDeselect={false}
          data={[
            { value: 'all', label: t('broadcast:board.ownerAll') },
            { value: 'mine', label: t('broadcast:board.ownerMine') },
          ]}
          w={200}
        />
        <Select
          label={t('broadcast:board.currency')}
          value={currency}
          onChange={(v) => setCurrency(v ?? 'all')}
          allowDeselect={false}
          data={[{ value: 'all', label: t('broadcast:board.currencyAll') }, ...currencies.map((c) => ({ value: c, label: c }))]}
          w={160}
        />
      </Group>
      {move.error ? (
        <Box mb="md" data-testid="board-refusal">
          <ErrorNotice error={move.error} />
        </Box>
      ) : null}
      <Text size="sm" role="status" aria-live="polite" data-testid="board-status" mb="xs">
        {announce}
      </Text>
      <ScrollArea type="auto" offsetScrollbars>
        <Group align="flex-start" wrap="nowrap" gap="sm" data-testid="deals-board">
          {stageList.map((stage) => {
            const inStage = all.filter((d) => text(d.stageId) === stage.id);
            const headingId = `stage-${stage.id}`;
            return (
              <Paper
                component="section"
                aria-labelledby={headingId}
                key={stage.id}
                withBorder
                p="xs"
                w={260}
                miw={240}
                bg={dropTarget === stage.id ? 'blue.0' : 'gray.0'}
                data-testid={`stage-${text(stage.code)}`}
                onDragOver={(e) => {
                  if (!canMove) return;
                  e.preventDefault();
                  setDropTarget(stage.id);
                }}
                onDragLeave={() => setDropTarget((current) => (current === stage.id ? null : current))}
                onDrop={(e) => onDrop(e, stage.id)}
              >
                <Title order={2} size="h5" id={headingId}>
                  {text(stage.name)}{' '}
                  <Badge variant="light" color="gray" c="dark.9" component="span">
                    {format.number(inStage.length)}
                  </Badge>
                </Title>
                <Text size="xs" c="dimmed" mb="xs" data-testid="stage-total">
                  {inStage.length === 0
                    ? t('broadcast:board.empty')
                    : totalsByCurrency(inStage)
                        .map((s) => format.money(s.amount, s.currency))
                        .join(' · ')}
                </Text>
                <Stack gap="xs">
                  {inStage.map((deal) => (
                    <Paper
                      key={deal.id}
                      withBorder
                      p="xs"
                      shadow="xs"
                      draggable={canMove}
                      onDragStart={(e) => {
                        e.dataTransfer.setData('text/plain', deal.id);
                        e.dataTransfer.effectAllowed = 'move';
                        setDragging(deal.id);
                      }}
                      onDragEnd={() => setDragging(null)}
                      data-testid="deal-card"
                      data-deal={deal.id}
                      style={{ cursor: canMove ? 'grab' : undefined, opacity: dragging === deal.id ? 0.5 : 1 }}
                    >
                      <Anchor component={Link} to={`/deals/${deal.id}`} fw={600} size="sm">
                        {text(deal.name)}
                      </Anchor>
                      <Text size="xs">{accounts.get(text(deal.accountId)) ?? t('broadcast:board.account')}</Text>
                      <Text size="sm" fw={500}>
                        {format.money(Number(deal.amount ?? 0), text(deal.currency) || 'CNY')}
                      </Text>
                      <Group justify="space-between" gap={4}>
                        <Text size="xs" c="dimmed">
                          {deal.ownerId === me?.id ? t('broadcast:board.ownerYou') : t('broadcast:board.ownerColleague')}
                        </Text>
                        {canMove ? (
                          <Menu withinPortal>
                            <Menu.Target>
                              <Button size="compact-xs" variant="light" aria-label={t('broadcast:board.moveLabel', { deal: text(deal.name) })}>
                                {t('broadcast:board.moveTo')}
                              </Button>
                            </Menu.Target>
                            <Menu.Dropdown>
                              {stageList
                                .filter((s) => s.id !== deal.stageId)
                                .map((s) => (
                                  <Menu.Item key={s.id} onClick={() => moveTo(deal, s.id)}>
                                    {text(s.name)}
                                  </Menu.Item>
                                ))}
                            </Menu.Dropdown>
                          </Menu>
                        ) : null}
                      </Group>
                    </Paper>
                  ))}
                </Stack>
              </Paper>
            );
          })}
        </Group>
      </ScrollArea>
      {deals.data.nextCursor ? (
        <Text size="sm" c="dimmed" mt="sm">
          {t('broadcast:board.truncated', { n: format.number(all.length) })}
        </Text>
      ) : null}
    </>
  );
}
