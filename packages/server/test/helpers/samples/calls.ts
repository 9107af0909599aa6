import type { SampleCall } from './types.js';

/** POSTs `payload` to `url` through `call`; throws with the status and body unless 201; answers the created record. */
export async function createdRecord(call: SampleCall, url: string, payload: object): Promise<Record<string, any>> {
  const res = await call('POST', url, payload);
  if (res.statusCode !== 201) throw new Error(`POST ${url} answered ${res.statusCode}: ${res.body}`);
  return res.json();
}

/** As `createdRecord`, answering only the new record's id. */
export async function createdId(call: SampleCall, url: string, payload: object): Promise<string> {
  return String((await createdRecord(call, url, payload)).id);
}
