import type { Faker } from '@faker-js/faker';

/** A few real county-level division codes (GB/T 2260) for plausible 居民身份证 numbers. */
const regions = ['110101', '110105', '310104', '310115', '440305', '440106', '330106', '510107', '420106', '320102'];
const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** The check character of an 18-digit resident ID number (GB 11643-1999, ISO 7064 MOD 11-2). */
export function idNumberCheck(first17: string): string {
  const sum = [...first17].reduce((total, digit, i) => total + Number(digit) * (weights[i] ?? 0), 0);
  return '10X98765432'[sum % 11] as string;
}

/** A made-up resident ID number with a valid check character for a given birth date (YYYY-MM-DD). */
export function fakeIdNumber(faker: Faker, birthDate: string): string {
  const region = regions[faker.number.int({ min: 0, max: regions.length - 1 })] as string;
  const first17 = `${region}${birthDate.replaceAll('-', '')}${faker.string.numeric(3)}`;
  return first17 + idNumberCheck(first17);
}

/** A mainland mobile number in E.164 (+86 1[3-9]x xxxx xxxx). */
export function fakeMobile(faker: Faker): string {
  return `+861${faker.helpers.arrayElement(['3', '5', '7', '8', '9'])}${faker.string.numeric(9)}`;
}

/** A birth date (YYYY-MM-DD) for someone between `minAge` and `maxAge` years old at `now`. */
export function fakeBirthDate(faker: Faker, now: Date, minAge: number, maxAge: number): string {
  const year = now.getUTCFullYear();
  return faker.date
    .between({ from: new Date(Date.UTC(year - maxAge, 0, 1)), to: new Date(Date.UTC(year - minAge, 0, 1)) })
    .toISOString()
    .slice(0, 10);
}
