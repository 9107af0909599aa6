/**
 * Steps of the sign-in screens for the auth browser tests (auth*.e2e.test.ts): what a person does,
 * by the test ids of the screens; the words on them are checked by the tests themselves.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { totpCode } from './helpers/browser.js';

/** The e-mail and password step on the sign-in page (the page is open). */
export async function passwordStep(page: Page, email: string, password: string): Promise<void> {
  await page.getByTestId('sign-in-email').fill(email);
  await page.getByTestId('sign-in-password').fill(password);
  await page.getByTestId('sign-in-submit').click();
}

/** The second step with a code from the authenticator (the TOTP method is chosen by default). */
export async function codeStep(page: Page, secret: string): Promise<void> {
  await page.getByTestId('totp-code').fill(await totpCode(secret));
  await page.getByTestId('second-factor-submit').click();
}

/** Chooses one of the second-step methods (0 code, 1 passkey, 2 recovery code) of a segmented control. */
export async function chooseSegment(page: Page, testId: string, index: number): Promise<void> {
  await page.getByTestId(testId).locator('label').nth(index).click();
}

/** The secret shown for manual entry while enrolling TOTP (spaces removed). */
export async function shownSecret(page: Page): Promise<string> {
  const text = (await page.getByTestId('totp-secret').textContent()) ?? '';
  const secret = text.replace(/\s+/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  return secret;
}

/** The recovery codes on screen (ten, shown once). */
export async function shownRecoveryCodes(page: Page): Promise<string[]> {
  await page.getByTestId('recovery-codes').waitFor();
  const codes = (await page.getByTestId('recovery-code-list').locator('li').allTextContents()).map((c) => c.trim());
  expect(codes).toHaveLength(10);
  for (const code of codes) expect(code).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/);
  return codes;
}

/** Confirms the codes were saved and goes on. */
export async function codesSaved(page: Page): Promise<void> {
  await page.getByTestId('codes-saved').check();
  await page.getByTestId('codes-done').click();
}

/** The language switch: picks the other language. */
export async function switchLanguage(page: Page, to: 'zh' | 'en'): Promise<void> {
  await page
    .getByTestId('language-switch')
    .first()
    .getByText(to === 'zh' ? '中文' : 'English', { exact: true })
    .click();
  await page.waitForFunction((lang) => document.documentElement.lang === lang, to === 'zh' ? 'zh-CN' : 'en-GB');
}

/** The one h1 of the page, once it says what is expected. */
export async function heading(page: Page, text: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name: text }).waitFor({ timeout: 15_000 });
}

/** What only the app itself may keep in the browser: the language code. */
export async function expectNothingStored(page: Page): Promise<void> {
  const stored = await page.evaluate(() => ({
    local: Object.keys(localStorage),
    session: Object.keys(sessionStorage),
  }));
  expect(stored.local.filter((key) => key !== 'castellan.language')).toEqual([]);
  expect(stored.session).toEqual([]);
}
