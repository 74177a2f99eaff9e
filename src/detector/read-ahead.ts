/**
 * Pulls items from an async generator ahead of its consumer, up to `max`
 * waiting items. `lookout detect` wraps the ffmpeg that decodes photos in it:
 * a pipe holds 64 KiB, less than one frame, so without this ffmpeg sits idle
 * while the model runs, and decoding and inference take turns instead of
 * sharing the cores.
 *
 * Items come out in order; an error from the source comes out after the items
 * it produced before failing. Ending the consumer early (break, return, throw)
 * stops the pulling and returns the source, so its clean-up runs.
 */
export async function* readAhead<T>(source: AsyncGenerator<T>, max: number): AsyncGenerator<T> {
  if (!(Number.isInteger(max) && max >= 1)) throw new RangeError(`readAhead: max must be a whole number >= 1, got ${max}`);
  const waiting: T[] = [];
  let ended = false;
  let failure: { error: unknown } | null = null;
  let stopped = false;
  // Resolvers of the side that is waiting (an object, so both closures see the same fields).
  const wake: { consumer: (() => void) | null; pump: (() => void) | null } = { consumer: null, pump: null };
  const pump = (async () => {
    try {
      while (!stopped) {
        if (waiting.length >= max) {
          await new Promise<void>((resolve) => (wake.pump = resolve));
          continue;
        }
        const next = await source.next();
        if (next.done) break;
        waiting.push(next.value);
        wake.consumer?.();
      }
    } catch (error) {
      failure = { error };
    } finally {
      ended = true;
      wake.consumer?.();
    }
  })();
  try {
    for (;;) {
      if (waiting.length > 0) {
        const item = waiting.shift()!;
        wake.pump?.();
        yield item;
        continue;
      }
      if (ended) {
        if (failure) throw (failure as { error: unknown }).error;
        return;
      }
      await new Promise<void>((resolve) => (wake.consumer = resolve));
      wake.consumer = null;
    }
  } finally {
    stopped = true;
    wake.pump?.();
    // A pending source.next() settles first (the source keeps producing or ends), then the source is returned.
    await pump;
    await source.return(undefined);
  }
}
