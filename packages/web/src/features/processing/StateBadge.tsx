import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

const colours: Record<string, string> = { current: 'green', draft: 'gray', missing: 'red', outdated: 'orange', uncovered: 'orange', approved: 'green' };

/** The state of an assessment requirement or version, coloured and named in the page's language. */
export function StateBadge({ state }: { state: string }) {
  const { t } = useTranslation();
  return (
    <Badge color={colours[state] ?? 'gray'} variant="light" data-testid={`state-${state}`}>
      {t(`processing:state.${state}`)}
    </Badge>
  );
}
