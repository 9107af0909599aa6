import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Both languages have the same words: every namespace file exists in zh-CN and en, each key of one is
 * in the other, no value is empty, and interpolations ({{name}}) match. A screen in one language
 * never falls back to raw keys or to the other language.
 */
const LOCALES = fileURLToPath(new URL('../../src/locales/', import.meta.url));
const languages = ['zh-CN', 'en'] as const;

type Tree = { [key: string]: string | Tree };

const flatten = (tree: Tree, prefix = ''): Map<string, string> => {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(name, value);
    else for (const [k, v] of flatten(value, name)) out.set(k, v);
  }
  return out;
};

const files = (language: string) =>
  readdirSync(path.join(LOCALES, language))
    .filter((f) => f.endsWith('.json'))
    .sort();
const load = (language: string, file: string) => flatten(JSON.parse(readFileSync(path.join(LOCALES, language, file), 'utf8')) as Tree);
const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();

describe('locale files', () => {
  it('have the same namespaces in both languages', () => {
    expect(files('zh-CN')).toEqual(files('en'));
    expect(files('en')).toContain('common.json');
  });

  for (const file of files('en')) {
    it(`${file}: the same keys, non-empty values and the same interpolations in zh and en`, () => {
      const [zh, en] = languages.map((language) => load(language, file)) as [Map<string, string>, Map<string, string>];
      expect(
        [...zh.keys()].filter((k) => !en.has(k)),
        `in zh/${file} only`,
      ).toEqual([]);
      expect(
        [...en.keys()].filter((k) => !zh.has(k)),
        `in en/${file} only`,
      ).toEqual([]);
      for (const [key, value] of en) {
        expect(value.trim(), `en/${file} ${key} is empty`).not.toBe('');
        expect(zh.get(key)?.trim(), `zh/${file} ${key} is empty`).not.toBe('');
        expect(placeholders(zh.get(key) ?? ''), `${file} ${key} interpolations`).toEqual(placeholders(value));
      }
    });
  }
});
