/**
 * The Content-Security-Policy of the web app's pages. Scripts only from this origin; styles from
 * this origin plus the style elements Mantine writes, which carry this response's nonce; no
 * plug-ins, no <base>, no framing; Trusted Types required for every DOM XSS sink, with only the
 * app's own `default` policy (packages/web/src/app/trusted-types.ts), which refuses markup.
 */
export const contentSecurityPolicy = (nonce: string): string =>
  [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}' 'report-sample'`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "manifest-src 'self'",
    "worker-src 'none'",
    "require-trusted-types-for 'script'",
    'trusted-types default',
  ].join('; ');
