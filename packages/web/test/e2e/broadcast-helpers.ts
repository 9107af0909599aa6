import type { BrowserContext, Locator, Page } from 'playwright-core';
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
 * Picks an option of a Mantine Select found by its test id (or given as a locator). A re-render of the form (the options of
 * one field follow another) can close the dropdown just opened: then it is opened again (closed first
 * when it is still open, as a click toggles it). A select that already shows the option is left as it
 * is; when the option never shows, the error lists the options that did and the select's state.
 */
export async function pick(page: Page, select: string | Locator, option: string | RegExp): Promise<void> {
  const input = typeof select === 'string' ? page.getByTestId(select) : select;
  const testId = typeof select === 'string' ? select : String(select);
  const shows = async () => {
    const value = await input.inputValue();
    return typeof option === 'string' ? value === option : option.test(value);
  };
  if (await shows()) return;
  const choice = page.getByRole('option', { name: option }).first();
  for (let attempt = 1; ; attempt += 1) {
    await input.click();
    try {
      await choice.click({ timeout: 10_000 });
      return;
    } catch (error) {
      if (await shows()) return;
      const expanded = await input.getAttribute('aria-expanded');
      if (attempt >= 3) {
        const offered = await page.getByRole('option').allTextContents();
        throw new Error(
          `select ${testId}: no option ${String(option)} after ${attempt} tries; options shown: [${offered.join(' | ')}], value "${await input.inputValue()}", expanded ${expanded}, disabled ${await input.isDisabled()}`,
          { cause: error },
        );
      }
      if (expanded === 'true') await input.click();
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
