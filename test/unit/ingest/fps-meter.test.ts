import test from 'ava';
import { FpsMeter } from '../../../src/ingest/fps-meter.js';

test('counts frames in the last 5 s', (t) => {
  const m = new FpsMeter(5000);
  for (let ms = 0; ms < 10_000; ms += 200) m.add(ms); // 5 fps for 10 s
  t.is(m.rate(9800), 5, '25 frames in (4800, 9800]');
  t.is(m.rate(12_000), 2.8, 'only the 14 frames after 7 s are left 2.2 s after the last one');
  t.is(m.rate(20_000), 0, 'a silent camera reads 0');
});
