/**
 * Zone membership of one camera's tracked objects. An object is in a zone
 * when the bottom-centre of its detected box (where a person stands, where a
 * car touches the road) has been inside the zone's polygon for the zone's
 * min_frames inferred frames in a row; it leaves after as many frames in a
 * row outside. Only frames the object is detected in count: a frame it is
 * missed in (coasting) changes nothing. Membership starts when the tracker
 * confirms the object, and an object that ends leaves every zone it is in.
 *
 * With required zones, an object is reported (events, counts) only once it
 * has been in one of them; see `announced` and `reported`.
 */
import { bottomCentre, pointInPolygon } from '../geometry/polygon.js';
import type { Track, TrackerOutput } from '../tracker/tracker.js';
import type { Zone } from './schema.js';

export interface ZoneChange {
  type: 'enter' | 'leave';
  zone: string;
  track: Track;
}

interface Membership {
  /** Zones it is in now, in zone order. */
  inside: Set<string>;
  /** Zones it has been in during its life, in the order entered. */
  entered: string[];
  /** Per zone: frames in a row that disagree with `inside`. */
  streak: Map<string, number>;
  /** It has been in a required zone (always true without required zones). */
  announced: boolean;
}

export interface ZoneCounts {
  /** Per label: counted objects that are reported (in a required zone, or any without). */
  camera: Record<string, number>;
  /** Per zone, per label (the zone's labels, or those seen in it). */
  zones: Record<string, Record<string, number>>;
}

export class ZoneTracker {
  readonly zones: readonly Zone[];
  readonly #required: ReadonlySet<string>;
  readonly #members = new Map<string, Membership>();

  constructor(zones: readonly Zone[], required: readonly string[] = []) {
    this.zones = zones;
    this.#required = new Set(required);
  }

  /**
   * Membership after one tracker frame: the changes of the objects detected
   * in it, per object in zone order (leaves before enters). Ended objects are
   * not handled here: see `end`.
   */
  update(output: TrackerOutput): ZoneChange[] {
    const changes: ZoneChange[] = [];
    for (const track of output.matched) {
      const m = this.#membership(track.id);
      const [x, y] = bottomCentre(track.box_norm);
      const enters: ZoneChange[] = [];
      for (const zone of this.zones) {
        if (zone.labels.length > 0 && !zone.labels.includes(track.label)) continue;
        const inNow = pointInPolygon(x, y, zone.polygon);
        if (inNow === m.inside.has(zone.name)) {
          m.streak.set(zone.name, 0);
          continue;
        }
        const streak = (m.streak.get(zone.name) ?? 0) + 1;
        if (streak < zone.minFrames) {
          m.streak.set(zone.name, streak);
          continue;
        }
        m.streak.set(zone.name, 0);
        if (inNow) {
          m.inside.add(zone.name);
          if (!m.entered.includes(zone.name)) m.entered.push(zone.name);
          enters.push({ type: 'enter', zone: zone.name, track });
        } else {
          m.inside.delete(zone.name);
          changes.push({ type: 'leave', zone: zone.name, track });
        }
      }
      changes.push(...enters);
    }
    return changes;
  }

  /** The object ended: it leaves every zone it is in (changes returned) and is forgotten. */
  end(track: Track): ZoneChange[] {
    const m = this.#members.get(track.id);
    this.#members.delete(track.id);
    if (!m) return [];
    return this.zones.filter((z) => m.inside.has(z.name)).map((z) => ({ type: 'leave' as const, zone: z.name, track }));
  }

  /** Forgets every object (the camera's tracker ended them all). */
  clear(): void {
    this.#members.clear();
  }

  /** Zones the object is in now (zone order) and has entered in its life (order entered). */
  view(id: string): { zones: string[]; entered_zones: string[] } {
    const m = this.#members.get(id);
    if (!m) return { zones: [], entered_zones: [] };
    return { zones: this.zones.filter((z) => m.inside.has(z.name)).map((z) => z.name), entered_zones: [...m.entered] };
  }

  /** Whether the object's events go out: no required zones, or it has been in one. Becomes true on the first entry. */
  announced(id: string): boolean {
    if (this.#required.size === 0) return true;
    const m = this.#members.get(id);
    if (!m) return false;
    if (!m.announced) m.announced = [...m.inside].some((z) => this.#required.has(z));
    return m.announced;
  }

  /** Whether the object counts and sends updates now: no required zones, or it is in one. */
  reported(id: string): boolean {
    if (this.#required.size === 0) return true;
    const m = this.#members.get(id);
    return m !== undefined && [...m.inside].some((z) => this.#required.has(z));
  }

  /** Counts from the tracker's counted objects: the camera's (reported ones) and each zone's. */
  counts(counted: readonly Track[]): ZoneCounts {
    const camera: Record<string, number> = {};
    const zones: Record<string, Record<string, number>> = {};
    for (const zone of this.zones) {
      zones[zone.name] = {};
      for (const label of zone.labels) zones[zone.name]![label] = 0;
    }
    for (const track of counted) {
      if (!this.reported(track.id)) continue;
      camera[track.label] = (camera[track.label] ?? 0) + 1;
      const m = this.#members.get(track.id);
      if (!m) continue;
      for (const name of m.inside) zones[name]![track.label] = (zones[name]![track.label] ?? 0) + 1;
    }
    return { camera, zones };
  }

  #membership(id: string): Membership {
    let m = this.#members.get(id);
    if (!m) {
      m = { inside: new Set(), entered: [], streak: new Map(), announced: false };
      this.#members.set(id, m);
    }
    return m;
  }
}
