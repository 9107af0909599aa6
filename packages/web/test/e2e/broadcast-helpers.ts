import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';

/** Shared by the broadcast browser tests (broadcast-*.e2e.test.ts): API calls with the browser's session, Mantine selects. */
export type Json = Record<string, any>;

export async function apiCall(context: BrowserContext, baseUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const csrf = (await context.cookies(baseUrl)).find((c) => c.name === 'csrf_token')?.value;
  const response = await context.request.fetch(`${baseUrl}${path}`, {
    method,
    data: body,
    headers: { accept: 'application/json', ...(csrf && method !== 'GET' ? { 'x-csrf-token': csrf } : {}) },
  });
  const text = await response.text();
  return { status: response.status(), body: text ? (JSON.parse(text) as Json) : {} };
}

export async function created(context: BrowserContext, baseUrl: string, path: string, body: unknown): Promise<Json> {
  const res = await apiCall(context, baseUrl, 'POST', path, body);
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(201);
  return res.body;
}

/**
 * Picks an option of a Mantine Select found by its test id. A re-render of the form (the options of
 * one field follow another) can close the dropdown just opened, and a click can land while the last
 * dropdown is still closing: then the dropdown is opened again, by the keyboard the second time.
 * A select that already shows the option is left as it is.
 */
export async function pick(page: Page, testId: string, option: string | RegExp): Promise<void> {
  const input = page.getByTestId(testId);
  const shown = await input.inputValue();
  if (typeof option === 'string' ? shown === option : option.test(shown)) return;
  const choice = page.getByRole('option', { name: option }).first();
  for (let attempt = 1; ; attempt += 1) {
    if (attempt % 2 === 1) await input.click();
    else {
      await input.focus();
      await page.keyboard.press('ArrowDown');
    }
    try {
      await choice.click({ timeout: 10_000 });
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
      if (await page.getByRole('listbox').first().isVisible()) await page.keyboard.press('Escape');
    }
  }
}

export const words = {
  zh: {
    grid: '广告排期表',
    board: '按阶段查看商机',
    moved: '已移至',
    suspend: '报停',
    resume: '恢复',
    suspended: '已报停',
    active: '正常',
    availability: '可售情况',
  },
  en: {
    grid: 'Booking grid',
    board: 'Deals by stage',
    moved: 'moved to',
    suspend: 'Suspend',
    resume: 'Resume',
    suspended: 'Suspended',
    active: 'Active',
    availability: 'Availability',
  },
} as const;
