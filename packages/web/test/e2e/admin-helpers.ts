import type { Page } from 'playwright-core';
import { totpCode } from './helpers/browser.js';

/**
 * Settles the step-up prompt with a fresh TOTP code when it appears (a sign-in a moment ago may
 * still count as fresh, so it may not); resolves once `done` is visible.
 */
export async function passStepUpUntil(page: Page, secret: string, done: ReturnType<Page['getByTestId']>): Promise<void> {
  const prompt = page.getByTestId('step-up');
  const first = await Promise.race([
    prompt.waitFor({ state: 'visible', timeout: 20_000 }).then(() => 'prompt' as const),
    done
      .first()
      .waitFor({ state: 'visible', timeout: 20_000 })
      .then(() => 'done' as const),
  ]);
  if (first === 'prompt') {
    await page.getByRole('textbox').first().waitFor();
    await prompt.locator('input').first().focus();
    await page.keyboard.type(await totpCode(secret));
  }
  await done.first().waitFor({ state: 'visible', timeout: 20_000 });
}
