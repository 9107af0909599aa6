import { Button, Card, Group, Tabs, Textarea, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { request } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';

interface Draft {
  kind: 'gdpr' | 'cac';
  language: 'en' | 'zh';
  title: string;
  text: string;
}

function download(draft: Draft) {
  const url = URL.createObjectURL(new Blob([`${draft.title}\n\n${draft.text}\n`], { type: 'text/plain;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `incident-${draft.kind}-${draft.language}.txt`;
  link.click();
  URL.revokeObjectURL(url);
}

/** The report drafts (GDPR Art. 33(3); CAC report), each in both languages, to copy or download. */
export function IncidentDrafts({ id }: { id: string }) {
  const { t } = useTranslation();
  const drafts = useQuery({ queryKey: ['breaches', id, 'drafts'], queryFn: () => request<{ items: Draft[] }>('GET', `/api/v1/breaches/${id}/drafts`) });
  const items = drafts.data?.items ?? [];
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="xs">
        {t('incidents:drafts.title')}
      </Title>
      <ErrorNotice error={drafts.error} />
      {items.length ? (
        <Tabs defaultValue={`${items[0]?.kind}-${items[0]?.language}`}>
          <Tabs.List>
            {items.map((d) => (
              <Tabs.Tab key={`${d.kind}-${d.language}`} value={`${d.kind}-${d.language}`}>
                {t(`incidents:drafts.${d.kind}`)} · {t(`incidents:drafts.language.${d.language}`)}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          {items.map((d) => (
            <Tabs.Panel key={`${d.kind}-${d.language}`} value={`${d.kind}-${d.language}`} pt="xs">
              <Textarea label={d.title} value={d.text} readOnly autosize minRows={8} />
              <Group mt="xs">
                <Button variant="light" onClick={() => void navigator.clipboard?.writeText(d.text)}>
                  {t('incidents:drafts.copy')}
                </Button>
                <Button variant="light" onClick={() => download(d)}>
                  {t('incidents:drafts.download')}
                </Button>
              </Group>
            </Tabs.Panel>
          ))}
        </Tabs>
      ) : null}
    </Card>
  );
}
