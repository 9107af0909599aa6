/** Sizes and durations for the person's locale: bytes as B … TB, a duration in ms, s, min, h or d. */
export function makeBackupFormat(locale: string) {
  const unit = (value: number, name: string, digits: number) =>
    new Intl.NumberFormat(locale, { style: 'unit', unit: name, unitDisplay: 'short', maximumFractionDigits: digits }).format(value);
  const byteUnits = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'];
  return {
    bytes: (value: number | null | undefined): string => {
      if (value == null) return '';
      let n = value;
      let i = 0;
      while (n >= 1024 && i < byteUnits.length - 1) {
        n /= 1024;
        i += 1;
      }
      return unit(n, byteUnits[i] ?? 'byte', i === 0 ? 0 : 1);
    },
    seconds: (value: number | null | undefined): string => {
      if (value == null) return '';
      if (value > 0 && value < 1) return unit(value * 1000, 'millisecond', 0);
      if (value < 120) return unit(value, 'second', 1);
      if (value < 7200) return unit(value / 60, 'minute', 1);
      if (value < 172_800) return unit(value / 3600, 'hour', 1);
      return unit(value / 86_400, 'day', 1);
    },
  };
}
