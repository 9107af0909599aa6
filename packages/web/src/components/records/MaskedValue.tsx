import { Badge, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A value the API sent masked (`138****5678`): shown as sent, with a visible and spoken hint. */
export function MaskedValue({ value }: { value: string }) {
  const { t } = useTranslation('records');
  return (
    <Group gap={6} wrap="nowrap" component="span" data-testid="masked-value">
      <Text component="span" ff="monospace" c="dark.5">
        {value}
      </Text>
      <Badge size="xs" variant="light" color="gray" component="span" aria-label={t('records:masked.hint')} title={t('records:masked.hint')}>
        {t('records:masked.badge')}
      </Badge>
    </Group>
  );
}
