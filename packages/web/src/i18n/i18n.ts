import i18n from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';

/**
 * Simplified Chinese and English. Each feature keeps its words in `locales/{zh-CN,en}/<namespace>.json`
 * (a test fails when a key is in one language and not the other); only the current language's
 * files are fetched. The choice follows the browser until the person picks one from the switch,
 * which is remembered (the language code only) in localStorage.
 */
export const languages = ['zh', 'en'] as const;

/** The folder of a language's files: Simplified Chinese is `zh-CN`, English `en`. */
const folderOf = (language: string): string => (language.startsWith('zh') ? 'zh-CN' : 'en');
export type Language = (typeof languages)[number];

/** The locale used for dates, numbers and currencies. */
export const localeOf = (language: string): string => (language.startsWith('zh') ? 'zh-CN' : 'en-GB');

const files = import.meta.glob<{ default: Record<string, unknown> }>('../locales/*/*.json');
const namespaces = [...new Set(Object.keys(files).map((file) => /\/([\w-]+)\.json$/.exec(file)?.[1] ?? ''))].filter(Boolean);

export async function startI18n(): Promise<typeof i18n> {
  await i18n
    .use({
      type: 'backend',
      read(language: string, namespace: string, done: (error: unknown, data?: Record<string, unknown>) => void) {
        const load = files[`../locales/${folderOf(language)}/${namespace}.json`];
        if (!load) return done(null, {});
        load().then(
          (module) => done(null, module.default),
          (error) => done(error),
        );
      },
    })
    .use(LanguageDetector)
    .use(initReactI18next)
    .init({
      supportedLngs: [...languages],
      nonExplicitSupportedLngs: true,
      load: 'languageOnly',
      fallbackLng: 'en',
      ns: namespaces,
      defaultNS: 'common',
      interpolation: { escapeValue: false },
      detection: { order: ['localStorage', 'navigator'], lookupLocalStorage: 'castellan.language', caches: ['localStorage'] },
      returnNull: false,
    });
  const apply = (language: string) => {
    document.documentElement.lang = localeOf(language);
  };
  apply(i18n.resolvedLanguage ?? 'en');
  i18n.on('languageChanged', apply);
  return i18n;
}

export { i18n };
