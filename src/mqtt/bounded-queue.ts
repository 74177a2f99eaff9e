/**
 * The publisher's outage queue. mqtt.js has its own offline queue, but it is
 * unbounded; on a board with little memory a long broker outage must cost a
 * fixed amount, so lookout keeps the queue itself and drops the oldest entry
 * when it is full (new state is worth more than old state).
 *
 * Entries pushed with a `key` supersede an earlier entry with the same key:
 * a retained topic only keeps its last value on the broker anyway, so queuing
 * every intermediate camera state would only push other messages out.
 */
export class BoundedQueue<T> {
  readonly #max: number;
  #items: Array<{ item: T; key: string | undefined }> = [];
  #dropped = 0;
  #superseded = 0;

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 0) throw new RangeError(`queue size must be an integer >= 0, got ${max}`);
    this.#max = max;
  }

  /** Adds an item; returns the item dropped to make room, if any. */
  push(item: T, key?: string): T | undefined {
    if (key !== undefined) {
      const index = this.#items.findIndex((entry) => entry.key === key);
      if (index !== -1) {
        this.#items.splice(index, 1);
        this.#superseded += 1;
      }
    }
    if (this.#max === 0) {
      this.#dropped += 1;
      return item;
    }
    this.#items.push({ item, key });
    if (this.#items.length > this.#max) {
      this.#dropped += 1;
      return this.#items.shift()?.item;
    }
    return undefined;
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    return this.#items.shift()?.item;
  }

  /** Removes and returns everything, oldest first. */
  drain(): T[] {
    const items = this.#items.map((entry) => entry.item);
    this.#items = [];
    return items;
  }

  get size(): number {
    return this.#items.length;
  }

  get capacity(): number {
    return this.#max;
  }

  /** Items dropped because the queue was full (never reset). */
  get dropped(): number {
    return this.#dropped;
  }

  /** Keyed items replaced by a newer item with the same key (never reset). */
  get superseded(): number {
    return this.#superseded;
  }
}
