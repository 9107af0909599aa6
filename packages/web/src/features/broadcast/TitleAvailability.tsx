import { Alert, Anchor, Box, Button, Checkbox, Group, NumberInput, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError, isApiError } from '../../api/api-error';
import { newIdempotencyKey, request } from '../../api/client';
import { usePermissions } from '../../app/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { NotFound } from '../../components/NotFound';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';
import { type Row, text, useList, useRecord } from './data';
import { ToneBadge } from './ToneBadge';

interface Conflict {
  licenseId: string | null;
  contractNumber: string | null;
  exclusive: boolean;
  description: string;
}
interface Availability {
  titleId: string;
  from: string;
  to: string;
  territories: string;
  media: string[];
  entries: {
    medium: string;
    territories: string[];
    except: string[];
    windows: {
      from: string;
      to: string;
      nonExclusiveAvailable: boolean;
      exclusiveAvailable: boolean;
      restriction: 'exclusive_licence' | 'licensed' | 'rights_not_exclusive' | null;
      conflicts: Conflict[];
    }[];
  }[];
}

export const titleName = (title: Row | undefined, language: string): string =>
  text(language.startsWith('zh') ? title?.titleZh || title?.titleEn : title?.titleEn || title?.titleZh) || text(title?.originalTitle);

function YesNo({ yes }: { yes: boolean }) {
  const { t } = useTranslation();
  return <ToneBadge tone={yes ? 'teal' : 'red'}>{yes ? t('broadcast:avail.yes') : t('broadcast:avail.no')}</ToneBadge>;
}

/** A conflicting licence as the API names it: a link when the person may see it. */
export function ConflictName({ conflict }: { conflict: Conflict }) {
  const { t } = useTranslation();
  const label = conflict.contractNumber ?? t('broadcast:avail.unseen');
  return (
    <span data-testid="conflict">
      {conflict.licenseId ? (
        <Anchor component={Link} to={`/licenses/${conflict.licenseId}`}>
          {label}
        </Anchor>
      ) : (
        label
      )}
      {conflict.exclusive ? ` (${t('broadcast:avail.exclusive')})` : ''}
      <Text span size="xs" c="dimmed">
        {' '}
        — {conflict.description}
      </Text>
    </span>
  );
}

/** The availability table of a title (territory × medium × window), with filters. */
export function AvailabilityView({ titleId }: { titleId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [territory, setTerritory] = useState('WORLD');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [asked, setAsked] = useState({ territory: 'WORLD', from: '', to: '' });
  const availability = useQuery({
    queryKey: ['broadcast', 'availability', titleId, asked],
    queryFn: () =>
      request<Availability>('GET', `/api/v1/titles/${titleId}/availability`, {
        query: { territory: asked.territory || undefined, from: asked.from || undefined, to: asked.to || undefined },
      }),
  });
  return (
    <Stack gap="sm">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setAsked({ territory: territory.trim(), from, to });
        }}
      >
        <Group align="flex-end">
          <TextInput
            label={t('broadcast:avail.territory')}
            description={t('broadcast:avail.territoryHint')}
            value={territory}
            onChange={(e) => setTerritory(e.currentTarget.value)}
            w={240}
          />
          <TextInput type="date" label={t('broadcast:avail.from')} value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
          <TextInput type="date" label={t('broadcast:avail.to')} value={to} onChange={(e) => setTo(e.currentTarget.value)} />
          <Button type="submit" variant="light">
            {t('broadcast:avail.ask')}
          </Button>
        </Group>
      </form>
      {availability.isPending ? (
        <Loading />
      ) : availability.error ? (
        <ErrorNotice error={availability.error} />
      ) : availability.data.entries.length === 0 ? (
        <Text data-testid="availability-empty">{t('broadcast:avail.none')}</Text>
      ) : (
        <Table withTableBorder striped data-testid="availability" captionSide="top">
          <Table.Caption>
            {t('broadcast:avail.caption', {
              from: format.date(availability.data.from),
              to: format.date(availability.data.to),
              territories: availability.data.territories,
            })}
          </Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('broadcast:avail.medium')}</Table.Th>
              <Table.Th scope="col">{t('broadcast:avail.territories')}</Table.Th>
              <Table.Th scope="col">{t('broadcast:avail.window')}</Table.Th>
              <Table.Th scope="col">{t('broadcast:avail.nonExclusive')}</Table.Th>
              <Table.Th scope="col">{t('broadcast:avail.exclusiveCol')}</Table.Th>
              <Table.Th scope="col">{t('broadcast:avail.inTheWay')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {availability.data.entries.flatMap((entry) =>
              entry.windows.map((w) => (
                <Table.Tr key={`${entry.medium}|${entry.territories.join(',')}|${entry.except.join(',')}|${w.from}`} data-testid="availability-row">
                  <Table.Td>{t(`broadcast:media.${entry.medium}`, { defaultValue: entry.medium })}</Table.Td>
                  <Table.Td>
                    {entry.territories.join(', ')}
                    {entry.except.length ? ` ${t('broadcast:avail.except', { list: entry.except.join(', ') })}` : ''}
                  </Table.Td>
                  <Table.Td>
                    {format.date(w.from)} – {format.date(w.to)}
                  </Table.Td>
                  <Table.Td>
                    <YesNo yes={w.nonExclusiveAvailable} />
                  </Table.Td>
                  <Table.Td>
                    <YesNo yes={w.exclusiveAvailable} />
                    {w.restriction ? (
                      <Text size="xs" c="dimmed">
                        {t(`broadcast:avail.restriction.${w.restriction}`)}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    {w.conflicts.length === 0 ? (
                      '—'
                    ) : (
                      <Stack gap={2}>
                        {w.conflicts.map((c) => (
                          <ConflictName key={`${c.licenseId ?? 'unseen'}|${c.description}`} conflict={c} />
                        ))}
                      </Stack>
                    )}
                  </Table.Td>
                </Table.Tr>
              )),
            )}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

const media = ['free_tv', 'pay_tv', 'satellite_tv', 'iptv', 'svod', 'avod', 'tvod', 'est', 'theatrical', 'airline', 'hotel', 'home_video', 'mobile'];

/** Propose a licence of the title: POST /api/v1/licenses; an overlap is refused naming the licence in the way. */
export function ProposeLicence({ titleId }: { titleId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const accounts = useList('/api/v1/accounts', { sort: 'name', order: 'asc' });
  const [form, setForm] = useState({
    licenseeAccountId: null as string | null,
    contractNumber: '',
    territories: '',
    media: 'svod' as string | null,
    windowStart: '',
    windowEnd: '',
    exclusive: false,
    fee: '' as number | string,
    currency: 'CNY' as string | null,
  });
  const [made, setMade] = useState<Row | null>(null);
  const set = <K extends keyof typeof form>(key: K, value: (typeof form)[K]) => setForm((f) => ({ ...f, [key]: value }));
  const propose = useMutation({
    mutationFn: () =>
      request<Row>('POST', '/api/v1/licenses', {
        body: {
          titleId,
          licenseeAccountId: form.licenseeAccountId,
          contractNumber: form.contractNumber,
          territories: form.territories,
          media: form.media,
          windowStart: form.windowStart,
          windowEnd: form.windowEnd,
          exclusive: form.exclusive,
          feeFen: Math.round(Number(form.fee || 0) * 100),
          currency: form.currency,
        },
        headers: { 'idempotency-key': idempotencyKey },
      }),
    onSuccess: (licence) => {
      setMade(licence);
      setIdempotencyKey(newIdempotencyKey());
      void queryClient.invalidateQueries({ queryKey: ['broadcast', 'availability', titleId] });
    },
  });
  const errors = propose.error instanceof ApiError ? propose.error.fieldErrors() : {};
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="propose-title" data-testid="propose-licence">
      <Title order={2} size="h4" id="propose-title" mb="sm">
        {t('broadcast:avail.propose')}
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setMade(null);
          propose.mutate();
        }}
      >
        <Stack gap="sm">
          <Select
            label={t('broadcast:avail.licensee')}
            required
            searchable
            value={form.licenseeAccountId}
            onChange={(v) => set('licenseeAccountId', v)}
            data={(accounts.data?.items ?? []).map((a) => ({ value: a.id, label: text(a.name) }))}
            error={errors.licenseeAccountId}
            data-testid="licence-licensee"
          />
          <Group grow>
            <TextInput
              label={t('broadcast:avail.contractNumber')}
              required
              value={form.contractNumber}
              onChange={(e) => set('contractNumber', e.currentTarget.value)}
              error={errors.contractNumber}
              data-testid="licence-number"
            />
            <TextInput
              label={t('broadcast:avail.territories')}
              description={t('broadcast:avail.territoryHint')}
              required
              value={form.territories}
              onChange={(e) => set('territories', e.currentTarget.value)}
              error={errors.territories}
              data-testid="licence-territories"
            />
          </Group>
          <Select
            label={t('broadcast:avail.medium')}
            required
            allowDeselect={false}
            value={form.media}
            onChange={(v) => set('media', v)}
            data={media.map((m) => ({ value: m, label: t(`broadcast:media.${m}`) }))}
            error={errors.media}
            data-testid="licence-media"
          />
          <Group grow>
            <TextInput
              type="date"
              label={t('broadcast:avail.windowStart')}
              required
              value={form.windowStart}
              onChange={(e) => set('windowStart', e.currentTarget.value)}
              error={errors.windowStart}
              data-testid="licence-start"
            />
            <TextInput
              type="date"
              label={t('broadcast:avail.windowEnd')}
              required
              value={form.windowEnd}
              onChange={(e) => set('windowEnd', e.currentTarget.value)}
              error={errors.windowEnd}
              data-testid="licence-end"
            />
          </Group>
          <Group grow>
            <NumberInput
              label={t('broadcast:avail.fee')}
              required
              min={0}
              decimalScale={2}
              value={form.fee}
              onChange={(v) => set('fee', v)}
              error={errors.feeFen}
              data-testid="licence-fee"
            />
            <Select
              label={t('broadcast:avail.currency')}
              allowDeselect={false}
              value={form.currency}
              onChange={(v) => set('currency', v)}
              data={['CNY', 'USD', 'EUR']}
            />
          </Group>
          <Checkbox
            label={t('broadcast:avail.exclusiveLicence')}
            checked={form.exclusive}
            onChange={(e) => set('exclusive', e.currentTarget.checked)}
            data-testid="licence-exclusive"
          />
          {propose.error ? (
            <Box data-testid="licence-refusal">
              {isApiError(propose.error, 'conflict') ? (
                <Alert color="red" role="alert" title={t('broadcast:avail.overlapTitle')}>
                  <div data-testid="error-detail">{propose.error.message}</div>
                  <div>{t('broadcast:avail.overlapNext')}</div>
                </Alert>
              ) : (
                <ErrorNotice error={propose.error} />
              )}
            </Box>
          ) : null}
          {made ? (
            <Alert color="teal" role="status" data-testid="licence-made">
              {t('broadcast:avail.proposed', { number: text(made.contractNumber) })} <Link to={`/licenses/${made.id}`}>{t('broadcast:avail.openLicence')}</Link>
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button type="submit" loading={propose.isPending} data-testid="licence-submit">
              {t('broadcast:avail.proposeButton')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

/** /titles/:id/availability */
export function TitleAvailabilityPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const { can } = usePermissions();
  const title = useRecord('/api/v1/titles', id);
  if (title.isPending) return <Loading />;
  if (isApiError(title.error, 'not_found')) return <NotFound />;
  if (title.error) return <ErrorNotice error={title.error} />;
  const name = titleName(title.data, i18n.resolvedLanguage ?? 'en');
  return (
    <>
      <PageHeader
        title={t('broadcast:avail.title', { title: name })}
        actions={
          <Button component={Link} to={`/titles/${id}`} variant="default">
            {t('broadcast:avail.backToTitle')}
          </Button>
        }
      />
      <Stack gap="lg">
        <AvailabilityView titleId={id} />
        {can('licenses.create') ? <ProposeLicence titleId={id} /> : null}
      </Stack>
    </>
  );
}
