/**
 * The app's only Trusted Types policy (the CSP says `require-trusted-types-for 'script';
 * trusted-types default`). React writes markup through innerHTML only for the style elements
 * Mantine renders (CSS text, never markup); everything else the app shows is text. So the default
 * policy lets text without a `<` through and refuses markup, scripts and script URLs: a value that
 * would turn into HTML throws instead of running.
 */
interface TrustedTypePolicyFactoryLike {
  createPolicy(name: string, rules: { createHTML?: (input: string) => string; createScript?: () => never; createScriptURL?: () => never }): unknown;
}

const factory = (globalThis as { trustedTypes?: TrustedTypePolicyFactoryLike }).trustedTypes;

if (factory) {
  factory.createPolicy('default', {
    createHTML: (input: string) => {
      if (input.includes('<')) throw new TypeError('Castellan refuses to write markup into the page');
      return input;
    },
    createScript: () => {
      throw new TypeError('Castellan runs no script from strings');
    },
    createScriptURL: () => {
      throw new TypeError('Castellan loads no script from computed URLs');
    },
  });
}

export {};
