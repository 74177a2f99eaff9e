/**
 * A camera's view of the MQTT publisher that also tells listeners what the
 * camera's output published: its events (for the live page and snapshots) and
 * its counts (for Home Assistant discovery). The camera output itself stays
 * unaware of who listens.
 */
import type { CameraOutputSink } from './camera-output.js';
import type { EventPayload, ObjectCountPayload } from './payloads.js';
import type { PublishOptions } from './publisher.js';
import type { Topic } from './topics.js';

export interface CameraTapListeners {
  onEvent?(event: EventPayload): void;
  onCount?(count: ObjectCountPayload): void;
}

export function cameraTap(sink: CameraOutputSink, camera: string, listeners: CameraTapListeners): CameraOutputSink {
  const events = sink.topics.events(camera);
  return {
    topics: sink.topics,
    publish<P>(topic: Topic<P>, payload: P, options?: PublishOptions): void {
      sink.publish(topic, payload, options);
      if (topic === events) listeners.onEvent?.(payload as EventPayload);
      else if (isCount(payload) && topic === sink.topics.objectCount(camera, payload.label)) listeners.onCount?.(payload);
    },
  };
}

function isCount(payload: unknown): payload is ObjectCountPayload {
  return typeof payload === 'object' && payload !== null && typeof (payload as ObjectCountPayload).count === 'number' && typeof (payload as ObjectCountPayload).label === 'string';
}
