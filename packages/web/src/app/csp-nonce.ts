import { setNonce } from 'get-nonce';

/** The nonce of this page's style elements, from the meta tag Vite writes (`html.cspNonce`), filled in by the server. */
export const cspNonce = (): string => document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce ?? '';

/**
 * react-remove-scroll (the scroll lock of Mantine's Modal and Drawer) adds a <style> element of its
 * own, with the nonce from get-nonce: without it the CSP refuses that style.
 */
export function shareCspNonce(): void {
  const nonce = cspNonce();
  if (nonce) setNonce(nonce);
}
