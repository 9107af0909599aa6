import { TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** The six-digit one-time code the portal mails (numeric keypad, the browser's one-time-code autofill). */
export function PortalCodeInput({ value, onChange, testId }: { value: string; onChange: (code: string) => void; testId: string }) {
  const { t } = useTranslation();
  return (
    <TextInput
      label={t('privacy:portal.code')}
      required
      inputMode="numeric"
      autoComplete="one-time-code"
      maxLength={6}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      data-testid={testId}
    />
  );
}
