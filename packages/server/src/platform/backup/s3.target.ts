import { createHash } from 'node:crypto';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { S3BackupSettings } from '../../config/load-config.js';
import { type BackupTarget, TargetMissingError } from './backup-target.js';

/** What the SDK's Node request handler accepts (timeouts, agents). */
export type S3RequestHandlerOptions = NonNullable<ConstructorParameters<typeof S3Client>[0]>['requestHandler'];

/**
 * The S3 client for these settings. Checksums are computed only when an operation requires one, and
 * every upload carries a Content-MD5 instead: the one integrity header MinIO, Ceph, Aliyun OSS and
 * Tencent COS all check (several refuse the newer x-amz-checksum-* headers). `requestHandler` lets a
 * caller pass its own agent (the tests resolve virtual-host names of a local server with it).
 */
export function createS3Client(settings: S3BackupSettings, requestHandler?: S3RequestHandlerOptions): S3Client {
  const client = new S3Client({
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: requestHandler ?? { connectionTimeout: 10_000, requestTimeout: 120_000 },
  });
  // DeleteObjects must carry a checksum; the SDK now sends CRC32 only, which OSS and older Ceph and MinIO refuse.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { body?: unknown; headers?: Record<string, string> };
      if (context.commandName === 'DeleteObjectsCommand' && typeof request.body === 'string' && request.headers) {
        request.headers['content-md5'] = createHash('md5').update(request.body).digest('base64');
      }
      return next(args);
    },
    { step: 'build', name: 'castellanDeleteObjectsContentMd5' },
  );
  return client;
}

const statusOf = (error: unknown): number | undefined => (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;

/** One line for an S3 failure: the operation, the service's error code and HTTP status; never the request, which carries the signature. */
function describe(name: string, operation: string, path: string, error: unknown): Error {
  const e = error as { name?: string; code?: string; message?: string };
  const status = statusOf(error);
  const what = [e.name && e.name !== 'Error' ? e.name : e.code, status ? `HTTP ${status}` : undefined].filter(Boolean).join(', ');
  const message = e.message && e.message !== 'UnknownError' ? `: ${e.message}` : '';
  return new Error(`S3 target ${name}: ${operation} ${path} failed${what ? ` (${what})` : ''}${message}`);
}

/**
 * An S3-compatible bucket (AWS S3, MinIO, Ceph, Aliyun OSS, Tencent COS): each path is the object
 * `<prefix>/<path>`. A PutObject appears whole or not at all, and the server checks its Content-MD5.
 * An append-only target (object lock, WORM) refuses `remove`: such backups are pruned by time only,
 * by the bucket's own retention.
 */
export function s3Target(name: string, settings: S3BackupSettings, client: S3Client = createS3Client(settings)): BackupTarget & { close(): Promise<void> } {
  const bucket = settings.bucket;
  const root = settings.prefix.replace(/^\/+|\/+$/g, '');
  const key = (p: string): string => {
    if (p.startsWith('/') || p.includes('\\') || p.split('/').some((segment) => segment === '..' || segment === '.'))
      throw new Error(`path ${p} leaves the backup prefix of target ${name}`);
    return root ? `${root}/${p}` : p;
  };
  const folderKey = (p: string): string => {
    const k = key(p);
    return k === '' || k.endsWith('/') ? k : `${k}/`;
  };
  const call = async <T>(operation: string, path: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw describe(name, operation, path, error);
    }
  };
  async function* pages(prefix: string, delimiter?: string): AsyncGenerator<ListObjectsV2CommandOutput> {
    let token: string | undefined;
    do {
      const page: ListObjectsV2CommandOutput = await call('ListObjectsV2', prefix, () =>
        client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: delimiter, ContinuationToken: token })),
      );
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  const deleteKeys = async (path: string, keys: string[]): Promise<void> => {
    for (let start = 0; start < keys.length; start += 1000) {
      const batch = keys.slice(start, start + 1000);
      const result = await call('DeleteObjects', path, () =>
        client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } })),
      );
      const failed = result.Errors ?? [];
      if (failed.length > 0)
        throw new Error(`S3 target ${name}: DeleteObjects ${path} failed for ${failed.length} objects (${failed[0]?.Code ?? 'unknown error'})`);
    }
  };
  return {
    name,
    kind: 's3',
    appendOnly: settings.appendOnly,
    async put(p, bytes) {
      const k = key(p);
      const md5 = createHash('md5').update(bytes).digest('base64');
      await call('PutObject', p, () =>
        client.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: bytes, ContentMD5: md5, ContentType: 'application/octet-stream' })),
      );
    },
    async get(p) {
      const k = key(p);
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: k }));
        if (!response.Body) throw new Error('the response has no body');
        return Buffer.from(await response.Body.transformToByteArray());
      } catch (error) {
        if ((error as { name?: string }).name === 'NoSuchKey') throw new TargetMissingError(`${p} is missing from target ${name}`);
        throw describe(name, 'GetObject', p, error);
      }
    },
    async list(prefix) {
      const listed = folderKey(prefix);
      const names = new Set<string>();
      for await (const page of pages(listed, '/')) {
        for (const common of page.CommonPrefixes ?? []) if (common.Prefix) names.add(common.Prefix.slice(listed.length));
        for (const object of page.Contents ?? []) if (object.Key && object.Key !== listed) names.add(object.Key.slice(listed.length));
      }
      return [...names].filter(Boolean).sort();
    },
    async exists(p) {
      if (p === '' || p.endsWith('/')) {
        const page = await call('ListObjectsV2', p, () => client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: folderKey(p), MaxKeys: 1 })));
        return (page.KeyCount ?? page.Contents?.length ?? 0) > 0;
      }
      const k = key(p);
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: k }));
        return true;
      } catch (error) {
        if (statusOf(error) === 404) return false;
        throw describe(name, 'HeadObject', p, error);
      }
    },
    async remove(p) {
      if (settings.appendOnly)
        throw new Error(
          `S3 target ${name} is append-only (CASTELLAN_BACKUP_S3_APPEND_ONLY): it does not delete ${p}; its backups expire by the bucket's retention`,
        );
      const below = folderKey(p);
      const keys: string[] = [];
      if (!p.endsWith('/') && p !== '') keys.push(key(p));
      for await (const page of pages(below)) for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      await deleteKeys(p, keys);
    },
    async close() {
      client.destroy();
    },
  };
}
