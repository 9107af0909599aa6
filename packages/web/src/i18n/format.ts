import { useTranslation } from 'react-i18next';
import { localeOf } from './i18n';

export type Currency = 'CNY' | 'USD' | 'EUR' | (string & {});

/** Formatters for the person's language: dates, times, numbers, money (stored in minor units, fen / cents). */
export function makeFormat(language: string) {
  const locale = localeOf(language);
  const date = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric' });
  const dateTime = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  const number = new Intl.NumberFormat(locale);
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const parse = (value: string | number | Date) => (value instanceof Date ? value : new Date(value));
  return {
    locale,
    date: (value: string | number | Date | null | undefined) => (value == null || value === '' ? '' : date.format(parse(value))),
    dateTime: (value: string | number | Date | null | undefined) => (value == null || value === '' ? '' : dateTime.format(parse(value))),
    number: (value: number | null | undefined) => (value == null ? '' : number.format(value)),
    percent: (ratio: number | null | undefined) => (ratio == null ? '' : percent.format(ratio)),
    /** `minor` is an integer number of fen / cents. */
    money: (minor: number | null | undefined, currency: Currency = 'CNY') =>
      minor == null ? '' : new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 100),
    /** Seconds as m:ss (airtime). */
    duration: (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.round(seconds % 60)).padStart(2, '0')}`,
  };
}

export type Format = ReturnType<typeof makeFormat>;

export function useFormat(): Format {
  const { i18n } = useTranslation();
  return makeFormat(i18n.resolvedLanguage ?? i18n.language ?? 'en');
}
