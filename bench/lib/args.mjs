/** Command-line options of `npm run bench -- [options]`. */

export const DEFAULT_SIZE = 1_000_000; // SPEC section 5: 1M contacts
export const QUICK_SIZE = 20_000;

const USAGE = `usage: npm run bench -- [--quick] [--size N] [--seed N] [--seconds S] [--chunk N] [--suite intl|gm] [--pg URL] [--only name,name]
  --quick       ${QUICK_SIZE} contacts (the whole run stays under two minutes)
  --size N      number of contacts to import (default ${DEFAULT_SIZE}; overrides --quick)
  --seed N      PRNG seed of the generated data and of the request order (default 20250101)
  --seconds S   length of each measured loop (default 3)
  --chunk N     contacts per ProtectedStore.createMany call (default 5000)
  --suite ID    cipher suite of the installation: intl (AES-256-GCM) or gm (SM4/SM3)
  --pg URL      PostgreSQL server (a database URL; the bench creates and drops its own databases there) for
                the PostgreSQL half of the backup benchmark (default: CASTELLAN_BENCH_PG_URL; none: skipped)
  --only LIST   run only these benchmarks (import always loads the data; its line is printed only if listed;
                import_csv imports its own CSV of --size contacts, 5000 with --quick, through the CLI;
                web drives Chromium against castellan serve with the demo data plus --size contacts
                imported through the CLI, the demo data only with --quick: see bench/web-ui.mjs)`;

export const BENCH_NAMES = [
  'import',
  'import_csv',
  'get_contact',
  'list_contacts',
  'search_email',
  'list_bookings',
  'list_subscriptions',
  'audit_verify',
  'dsar_export_erase',
  'backup',
  'retention_purge',
  'web',
];

export function parseArgs(argv) {
  const options = {
    size: DEFAULT_SIZE,
    quick: false,
    seed: 20250101,
    seconds: 3,
    chunk: 5000,
    suite: 'intl',
    pg: process.env.CASTELLAN_BENCH_PG_URL || null,
    only: new Set(BENCH_NAMES),
  };
  let explicitSize;
  const args = [...argv];
  while (args.length > 0) {
    let arg = args.shift();
    let value;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const take = () => {
      const v = value ?? args.shift();
      if (v === undefined) fail(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--quick':
        options.quick = true;
        break;
      case '--size':
        explicitSize = positiveInt(arg, take());
        break;
      case '--seed':
        options.seed = positiveInt(arg, take());
        break;
      case '--seconds':
        options.seconds = Number(take());
        if (!(options.seconds > 0)) fail('--seconds must be a positive number');
        break;
      case '--chunk':
        options.chunk = positiveInt(arg, take());
        break;
      case '--suite':
        options.suite = take();
        if (!['intl', 'gm'].includes(options.suite)) fail('--suite must be intl or gm');
        break;
      case '--pg':
        options.pg = take();
        if (!/^postgres(ql)?:\/\//.test(options.pg)) fail('--pg must be a postgres:// URL');
        break;
      case '--only': {
        const names = take()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const unknown = names.filter((n) => !BENCH_NAMES.includes(n));
        if (unknown.length) fail(`unknown benchmark ${unknown.join(', ')} (known: ${BENCH_NAMES.join(', ')})`);
        options.only = new Set(names);
        break;
      }
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        fail(`unknown option ${arg}`);
    }
  }
  options.size = explicitSize ?? (options.quick ? QUICK_SIZE : DEFAULT_SIZE);
  if (options.size < 100) fail('--size must be at least 100');
  return options;
}

function positiveInt(name, raw) {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) fail(`${name} must be a positive integer (got ${raw})`);
  return n;
}

function fail(message) {
  console.error(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}
