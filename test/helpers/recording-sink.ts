/**
 * What a unit test's camera output or fleet sent to MQTT, recorded at the
 * publisher's interface (topic, payload, retained or not) under base topic 'lk'.
 */
import { createTopics, type Topic } from '../../src/mqtt/topics.js';

export interface SentMessage {
  topic: string;
  payload: any;
  retain: boolean;
}

export function recordingSink() {
  const sent: SentMessage[] = [];
  return {
    sent,
    topics: createTopics('lk'),
    publish<P>(topic: Topic<P>, payload: P, options: { retain?: boolean } = {}) {
      sent.push({ topic, payload, retain: options.retain ?? false });
    },
  };
}
