import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** 中文 / English, on every screen (the sign-in page too). */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const current = (i18n.resolvedLanguage ?? 'en').startsWith('zh') ? 'zh' : 'en';
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('common:language.label')}
      data-testid="language-switch"
      value={current}
      onChange={(language) => void i18n.changeLanguage(language)}
      data={[
        { value: 'zh', label: '中文' },
        { value: 'en', label: 'English' },
      ]}
    />
  );
}
