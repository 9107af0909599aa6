import { hash, verify } from '@node-rs/argon2';

/** argon2id with the OWASP minimum (19 MiB, t=2, p=1): ~12 ms here. */
const options = { algorithm: 2 as const, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const hashPassword = (password: string): Promise<string> => hash(password, options);
export const verifyPassword = (stored: string, password: string): Promise<boolean> => verify(stored, password);
