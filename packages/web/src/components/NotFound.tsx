import { Button, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

/** A record outside the person's scope and one that does not exist look the same: "not found". */
export function NotFound() {
  const { t } = useTranslation();
  return (
    <Stack align="flex-start" gap="sm" data-testid="not-found">
      <Title order={1}>{t('common:notFound.title')}</Title>
      <Text>{t('common:notFound.body')}</Text>
      <Button component={Link} to="/" variant="light">
        {t('common:notFound.home')}
      </Button>
    </Stack>
  );
}
