/**
 * Config fuzzing: random and hostile values at every key of the daemon and
 * camera schemas. The loaders must answer with `file: key: reason` problems
 * (never a crash), and whatever they accept must be usable: in particular no
 * duration a timer cannot honour (Node fires a delay above 2^31-1 ms after
 * 1 ms, which once turned mqtt.stats_interval_s: 3000000 into a flood).
 */
import test from 'ava';
import fc from 'fast-check';
import { cameraSchema, daemonSchema, loadCameraFile, loadDaemonConfig } from '../../../src/config/index.js';
import { cameraDefaultableSchema } from '../../../src/config/camera-schema.js';
import type { DurationCheck } from '../../../src/config/checks.js';
import { leaves, type Leaf, type SchemaNode } from '../../../src/config/schema.js';
import { ConfigError } from '../../../src/errors.js';
import { checkedDelay, MAX_TIMER_MS } from '../../../src/timers.js';
import { tmpDir } from './tmp-dir.js';

/** Keys that hold a span of time: *_s, *_ms, intervals, timeouts, ages. */
const DURATION_KEY = /(_s|_ms)$|interval|timeout|(^|[._])age/;

const HUGE = [3_000_000, 1e12, Number.MAX_SAFE_INTEGER, 1e308, 2 ** 31];

const durationLeaves = (schema: SchemaNode) =>
  leaves(schema).filter(([key]) => DURATION_KEY.test(key)) as Array<[string, Leaf<number> & { check: DurationCheck }]>;
const daemonDurations = durationLeaves(daemonSchema as unknown as SchemaNode);
const cameraDurations = durationLeaves(cameraSchema as unknown as SchemaNode);

/** {a: {b: v}} from 'a.b'. */
function nest(path: string, value: unknown): Record<string, unknown> {
  return path.split('.').reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

test('every duration key has a documented maximum a timer can honour', (t) => {
  t.true(daemonDurations.length >= 2 && cameraDurations.length >= 4, `found ${daemonDurations.length} daemon and ${cameraDurations.length} camera duration keys`);
  for (const [key, leaf] of [...daemonDurations, ...cameraDurations]) {
    const max = leaf.check.maxSeconds;
    t.true(Number.isFinite(max) && max * 1000 <= MAX_TIMER_MS, `${key}: maximum ${max} s fits a timer`);
    t.regex(leaf.check.description, new RegExp(`<= ${max} \\(`), `${key}: the reference shows the maximum`);
  }
});

test('huge finite durations in the daemon file and the environment are file: key: reason problems', (t) => {
  const tmp = tmpDir(t);
  for (const [key, leaf] of daemonDurations) {
    const max = leaf.check.maxSeconds;
    for (const value of [...HUGE, max + 0.001]) {
      const file = tmp.write(`${key}-${value}.json`, nest(key, value));
      t.deepEqual(problems(() => loadDaemonConfig(file, {})), [`${file}: ${key}: must be a number of seconds ${leaf.check.description.slice('seconds '.length)}, got ${value}`], `${key}: ${value} refused`);
      if (leaf.env) {
        t.deepEqual(
          problems(() => loadDaemonConfig(tmp.write('empty.json', {}), { [leaf.env!]: String(value) })),
          [`env ${leaf.env}: ${key}: must be a number of seconds ${leaf.check.description.slice('seconds '.length)}, got ${value}`],
          `${leaf.env}=${value} refused`,
        );
      }
    }
    const atMax = loadDaemonConfig(tmp.write(`${key}-max.json`, nest(key, max)), {});
    t.is(key.split('.').reduce<any>((o, k) => o[k], atMax), max, `${key}: the maximum itself is accepted`);
  }
});

test('huge finite durations in a camera file and in cameras.defaults are file: key: reason problems', (t) => {
  const tmp = tmpDir(t);
  for (const [key, leaf] of cameraDurations) {
    const max = leaf.check.maxSeconds;
    const reason = `must be a number of seconds ${leaf.check.description.slice('seconds '.length)}`;
    for (const value of [...HUGE, max + 0.001]) {
      const file = tmp.write(`cams/c.json`, { url: 'rtsp://h/x', ...nest(key, value) });
      t.deepEqual(loadCameraFile(file).problems, [`${file}: ${key}: ${reason}, got ${value}`], `camera ${key}: ${value} refused`);
      const daemonFile = tmp.write('lookout.json', { cameras: { defaults: nest(key, value) } });
      t.deepEqual(problems(() => loadDaemonConfig(daemonFile, {})), [`${daemonFile}: cameras.defaults.${key}: ${reason}, got ${value}`], `cameras.defaults.${key}: ${value} refused`);
    }
    const ok = loadCameraFile(tmp.write('cams/ok.json', { url: 'rtsp://h/x', ...nest(key, max) }));
    t.deepEqual(ok.problems, [], `camera ${key}: the maximum itself is accepted`);
  }
});

/** Hostile values: any JSON, and numbers at the edges. */
const hostile = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(...HUGE, -1, 0, -0, 1e-300, 0.1, 2 ** 31 - 1, -Number.MAX_SAFE_INTEGER, '3000000', '1e12', ''),
  fc.double(),
);

test('fuzz: random values at random keys give problems or a config whose every duration a timer can honour', (t) => {
  const daemonKeys = leaves(daemonSchema as unknown as SchemaNode).map(([k]) => k).filter((k) => k !== 'cameras.defaults' && !/^mqtt\.(ca|cert|key)$/.test(k));
  const cameraKeys = leaves(cameraDefaultableSchema as unknown as SchemaNode).map(([k]) => k);
  const tmp = tmpDir(t);
  let accepted = 0;
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom(...daemonKeys, 'mqtt.bogus'), hostile), { maxLength: 4 }),
      fc.array(fc.tuple(fc.constantFrom(...cameraKeys), hostile), { maxLength: 4 }),
      fc.array(fc.tuple(fc.constantFrom(...cameraKeys.map((k) => `cameras.defaults.${k}`)), hostile), { maxLength: 2 }),
      (daemonPairs, cameraPairs, defaultPairs) => {
        const merge = (pairs: Array<[string, unknown]>) => {
          const out: Record<string, any> = {};
          for (const [path, value] of pairs) {
            const keys = path.split('.');
            let node = out;
            for (const k of keys.slice(0, -1)) node = node[k] = typeof node[k] === 'object' && node[k] !== null && !Array.isArray(node[k]) ? node[k] : {};
            node[keys.at(-1)!] = value;
          }
          return out;
        };
        const daemonFile = tmp.write('fuzz/lookout.json', merge([...daemonPairs, ...defaultPairs]));
        const cameraFile = tmp.write('fuzz/cams/fz.json', { url: 'rtsp://h/x', ...merge(cameraPairs) });
        let daemon;
        try {
          daemon = loadDaemonConfig(daemonFile, {});
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          for (const p of error.problems) if (!p.startsWith(`${daemonFile}: `) || !/^[^:]+: [\w.()]+: \S/.test(p)) throw new Error(`not file: key: reason: ${p}`);
        }
        const camera = loadCameraFile(cameraFile, daemon?.cameras.defaults ?? {});
        for (const p of camera.problems) if (!p.startsWith(`${cameraFile}: `)) throw new Error(`not file: key: reason: ${p}`);
        if (daemon) {
          accepted++;
          for (const [key] of daemonDurations) checkedDelay(key.split('.').reduce<any>((o, k) => o[k], daemon) * 1000);
        }
        if (camera.config) for (const [key] of cameraDurations) checkedDelay(key.split('.').reduce<any>((o, k) => o[k], camera.config) * 1000);
      },
    ),
    { numRuns: 400 },
  );
  t.true(accepted > 0, `some generated daemon files were valid (${accepted} of 400), so the accepted path was exercised`);
});
