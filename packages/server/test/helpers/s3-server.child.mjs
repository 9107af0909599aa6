// Runs s3rver 3.7.1 for test/helpers/s3-server.ts, in a child process started with
// --openssl-legacy-provider: s3rver seals ListObjectsV2 continuation tokens with DES, which Node 20's
// OpenSSL 3 refuses without the legacy provider (every truncated listing would answer HTTP 500).
import S3rver from 's3rver';

const [directory, bucket] = process.argv.slice(2);
const instance = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  serviceEndpoint: 'localhost',
  configureBuckets: [{ name: bucket, configs: [] }],
});
const requests = [];
const address = await instance.run();
// Before s3rver's own listener: its vhost middleware rewrites req.url to the path-style form.
instance.httpServer.prependListener('request', (req, res) => {
  const seen = { method: req.method, url: req.url, headers: req.headers, status: null };
  requests.push(seen);
  res.once('finish', () => {
    seen.status = res.statusCode;
  });
});
process.on('message', (message) => {
  if (message === 'requests') process.send({ requests });
});
process.on('disconnect', () => process.exit(0));
process.send({ port: address.port });
