import type { StoreObject } from '@castellan/shared';

/** One HTTP call as a given test user (method, path, optional JSON body); answers status and JSON. */
export type SampleCall = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => Promise<{ statusCode: number; json(): any; body: string }>;

/**
 * The callers a sample maker gets: `owner` creates the owned records (a user of team A holding every
 * default role of the domain, e.g. sales_manager), `manager` creates reference data.
 */
export interface SampleCallers {
  owner: SampleCall;
  manager: SampleCall;
}

/** A record a domain's sample maker created, for the catalogue-wide attack suite. */
export interface Sample {
  object: StoreObject;
  id: string;
  /** Personal values stored in the record (plaintext that must never reach the disk or the log). */
  secrets?: string[];
}

/**
 * Creates, through the HTTP API, one valid record of every object of a domain (and whatever they
 * need), returning them. `test/medium/catalogue-attacks.test.ts` then proves for each: another
 * team's user gets 404 on get / patch / delete (owned objects), reads of personal fields write
 * read events, and no secret appears in the database file, its WAL or the log.
 */
export type SampleMaker = (callers: SampleCallers) => Promise<Sample[]>;
