import { Alert, List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../../api/api-error';
import { type SeparationReason, separationReasons } from './separation';

/** A 三员分立 refusal of the API, said plainly in the person's language. */
export function SeparationRefusal({ error, userLabel }: { error: ApiError; userLabel: (id: string) => string }) {
  const { t } = useTranslation();
  const reasons = separationReasons(error.details, error.message);
  const dutyList = (ds: string[]) => ds.map((d) => t(`admin:separation.duties.${d}`)).join(t('admin:separation.and'));
  const say = (reason: SeparationReason): string => {
    if (reason.kind === 'other') return reason.text;
    const who = reason.userId
      ? t('admin:separation.whoUser', { name: userLabel(reason.userId) })
      : reason.who === 'user'
        ? t('admin:separation.whoAnyUser')
        : t('admin:separation.whoRole');
    return t(`admin:separation.reasons.${reason.kind}`, {
      who,
      duties: dutyList(reason.duties),
      permissions: reason.kind === 'duty_and_personal_data' ? reason.permissions.join(', ') : '',
    });
  };
  return (
    <Alert
      color="red"
      role="alert"
      title={
        <Text span fw={700} c="dark.8">
          {t('admin:separation.refusedTitle')}
        </Text>
      }
      data-testid="separation-refusal"
    >
      <List size="sm" spacing={4}>
        {reasons.map((reason, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: reasons have no identity of their own
          <List.Item key={i}>{say(reason)}</List.Item>
        ))}
      </List>
      <Text size="sm" mt="xs">
        {t('admin:separation.refusedNext')}
      </Text>
    </Alert>
  );
}
