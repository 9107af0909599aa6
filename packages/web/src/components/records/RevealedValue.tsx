import { Badge, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A value revealed with a reason: shown for a short time only, marked so. */
export function RevealedValue({ value }: { value: string }) {
  const { t } = useTranslation('records');
  return (
    <Group gap={6} wrap="nowrap" component="span" data-testid="revealed-value">
      <Text component="span" ff="monospace" fw={600}>
        {value}
      </Text>
      <Badge size="xs" variant="outline" color="orange.9" component="span">
        {t('records:reveal.revealedBadge')}
      </Badge>
    </Group>
  );
}
