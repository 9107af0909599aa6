import type { StoreObject } from '@castellan/shared';

/** One HTTP call as a given test user (method, path, optional JSON body); answers status, body and JSON. */
export type SampleCall = (
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
  /** Extra request headers (a GPC signal: `sec-gpc: 1`). */
  headers?: Record<string, string>,
) => Promise<{ statusCode: number; json(): any; body: string }>;

/**
 * How a sample maker calls the API: `as(roles)` is a user of team A holding those default roles
 * (one user per set of roles, made on first use).
 */
export interface SampleCallers {
  as(roles: readonly string[]): SampleCall;
}

/** A record a domain's sample maker created, for the catalogue-wide attack suite. */
export interface Sample {
  object: StoreObject;
  id: string;
  /** The roles of the team-A user who created it; the suite attacks it as a team-B user with the same roles. */
  by: readonly string[];
  /** A valid change of the record (required for owned records: another team's PATCH with it must get 404). */
  patch?: object;
  /** Personal values stored in the record (plaintext that must never reach the disk or the log). */
  secrets?: string[];
  /**
   * Why the creating role reads this owned object in every team (its scope is `all` by design): the
   * suite then expects another team's same-role user to read it (200) but still not change or delete it (404).
   */
  seenByEveryTeam?: string;
}

/**
 * Creates, through the HTTP API, one valid record of every object of a domain (and whatever they
 * need), returning them. `test/medium/catalogue-attacks.test.ts` then proves for each: another
 * team's user with the same roles gets 404 on get / patch / delete (owned objects) and sees it
 * (reference data), a read of a record holding personal values writes a read event naming its data
 * subject, and no secret appears in the database file, its WAL or the request log.
 */
export type SampleMaker = (callers: SampleCallers) => Promise<Sample[]>;
