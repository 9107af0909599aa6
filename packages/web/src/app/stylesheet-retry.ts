import { MODULE_RETRY_DELAYS_MS } from './load-with-retry';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The parts of a stylesheet link this needs (a real HTMLLinkElement in the browser). */
export interface StylesheetLink<Self> {
  href: string;
  crossOrigin: string | null;
  nonce?: string;
  sheet: unknown;
  after(node: Self): void;
  remove(): void;
  addEventListener(type: 'load' | 'error', listener: () => void, options?: { once: boolean }): void;
}

/**
 * The app's stylesheets that failed to load, fetched again: a dropped connection must not leave the
 * screens unstyled (charts without a size never draw) until the person reloads. Module scripts run
 * only once the document's stylesheets have loaded or failed, so at start a link whose sheet holds no
 * rules is one that failed. Each is replaced by a new link to the same file after each of the delays of a
 * module load (load-with-retry.ts) until one loads; resolves to how many stayed unloaded.
 */
export async function reloadFailedStylesheets<Link extends StylesheetLink<Link>>(
  links: readonly Link[],
  create: () => Link,
  delays: readonly number[] = MODULE_RETRY_DELAYS_MS,
  wait = sleep,
): Promise<number> {
  const outcomes = await Promise.all(links.filter((link) => !hasRules(link.sheet)).map((link) => reload(link, create, delays, wait)));
  return outcomes.filter((loaded) => !loaded).length;
}

/**
 * Whether a link's sheet holds rules. For a stylesheet that failed to load Chromium keeps a sheet whose
 * rules may not be read (it throws) and others keep none; the app's own stylesheets are of its origin,
 * so their rules can be read once loaded.
 */
function hasRules(sheet: unknown): boolean {
  if (sheet === null || sheet === undefined) return false;
  try {
    return (sheet as { cssRules: { length: number } }).cssRules.length > 0;
  } catch {
    return false;
  }
}

async function reload<Link extends StylesheetLink<Link>>(
  link: Link,
  create: () => Link,
  delays: readonly number[],
  wait: (ms: number) => Promise<void>,
): Promise<boolean> {
  let current = link;
  for (const delay of delays) {
    await wait(delay);
    const again = create();
    again.crossOrigin = current.crossOrigin;
    if (current.nonce) again.nonce = current.nonce;
    const loaded = new Promise<boolean>((resolve) => {
      again.addEventListener('load', () => resolve(true), { once: true });
      again.addEventListener('error', () => resolve(false), { once: true });
    });
    again.href = current.href;
    current.after(again);
    current.remove();
    current = again;
    if ((await loaded) && hasRules(again.sheet)) return true;
  }
  return false;
}

/** reloadFailedStylesheets over this document's own `<link rel="stylesheet">` elements (of its origin). */
export function keepStylesheetsLoaded(doc: Document): Promise<number> {
  const own = [...doc.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].filter(
    (link) => new URL(link.href, doc.baseURI).origin === doc.location.origin,
  );
  return reloadFailedStylesheets(own, () => {
    const link = doc.createElement('link');
    link.rel = 'stylesheet';
    return link;
  });
}
