import test from 'ava';
import { readAhead } from '../../../src/detector/read-ahead.js';

/** A source that records how far it has been pulled and whether it was returned. */
function counting(n: number, failAt: number | null = null) {
  const state = { produced: 0, finished: false };
  async function* gen(): AsyncGenerator<number> {
    try {
      for (let i = 0; i < n; i++) {
        if (i === failAt) throw new Error(`source failed at ${i}`);
        state.produced++;
        yield i;
      }
    } finally {
      state.finished = true;
    }
  }
  return { state, source: gen() };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

test('readAhead yields every item in order', async (t) => {
  const { source, state } = counting(20);
  const out: number[] = [];
  for await (const v of readAhead(source, 3)) out.push(v);
  t.deepEqual(out, [...Array(20).keys()]);
  t.true(state.finished);
});

test('readAhead pulls ahead of a slow consumer, but no more than max items', async (t) => {
  const { source, state } = counting(50);
  const it = readAhead(source, 4);
  t.is((await it.next()).value, 0);
  await tick();
  // The consumer holds item 0 and has not asked again: up to 4 more wait, and one more may be in hand.
  t.true(state.produced >= 4, `produced ${state.produced}`);
  t.true(state.produced <= 1 + 4 + 1, `produced ${state.produced}`);
  await it.return(undefined);
  t.true(state.finished);
});

test('readAhead delivers the items before a failure, then the failure', async (t) => {
  const { source, state } = counting(10, 6);
  const out: number[] = [];
  const error = await t.throwsAsync(async () => {
    for await (const v of readAhead(source, 8)) {
      await tick();
      out.push(v);
    }
  });
  t.is(error?.message, 'source failed at 6');
  t.deepEqual(out, [0, 1, 2, 3, 4, 5]);
  t.true(state.finished);
});

test('readAhead: breaking out early returns the source (its clean-up runs)', async (t) => {
  const { source, state } = counting(1000);
  for await (const v of readAhead(source, 2)) if (v === 3) break;
  t.true(state.finished);
  t.true(state.produced < 1000);
});

test('readAhead refuses a max below 1', async (t) => {
  const { source } = counting(1);
  await t.throwsAsync(async () => {
    for await (const _ of readAhead(source, 0)) void _;
  }, { instanceOf: RangeError });
});
