/**
 * Parsers for the metadata Ultralytics writes into its exports, so a raw
 * `yolo export` output works without a lookout-model.json:
 * - ONNX metadata_props: names = "{0: 'person', 1: 'bicycle'}" (a Python dict
 *   repr), imgsz = "[640, 640]".
 * - tfjs exports: metadata.yaml, which yaml.safe_dump writes in a small block
 *   style subset; a full YAML dependency would not earn its place.
 */

/** Python string literal body -> text ('' quoting and backslash escapes). */
function unquote(token: string): string {
  const t = token.trim();
  const q = t[0];
  if ((q === "'" || q === '"') && t.endsWith(q) && t.length >= 2) {
    const body = t.slice(1, -1);
    // YAML single quotes escape ' as ''; Python repr uses backslashes.
    return q === "'" && !body.includes('\\') ? body.replace(/''/g, "'") : body.replace(/\\(.)/g, '$1');
  }
  return t;
}

/** "{0: 'person', 1: \"o'clock\"}" -> ['person', "o'clock"]. Returns null if it does not parse. */
export function parseNamesDict(text: string): string[] | null {
  const body = text.trim();
  if (!body.startsWith('{') || !body.endsWith('}')) return null;
  const entry = /\s*(\d+)\s*:\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\s*(,|$)/y;
  const inner = body.slice(1, -1);
  const names: string[] = [];
  entry.lastIndex = 0;
  while (entry.lastIndex < inner.length) {
    const m = entry.exec(inner);
    if (!m) return inner.slice(entry.lastIndex).trim() === '' ? names : null;
    names[Number(m[1])] = unquote(m[2]!);
  }
  return fillGaps(names);
}

/** Index-keyed map -> dense array; a gap gets a placeholder name rather than undefined. */
export function fillGaps(names: string[]): string[] {
  return Array.from({ length: names.length }, (_, i) => names[i] ?? `class_${i}`);
}

/** "[640, 640]" | "640" | ['640','640'] -> [h, w]. Returns null if it does not parse. */
export function parseImgsz(value: string | string[] | number[] | undefined): [number, number] | null {
  if (value === undefined) return null;
  const parts = Array.isArray(value) ? value.map(String) : value.replace(/[[\]()]/g, '').split(',');
  const nums = parts.map((p) => Number(p.trim())).filter((n) => Number.isInteger(n) && n > 0);
  if (nums.length === 1 && parts.length === 1) return [nums[0]!, nums[0]!];
  if (nums.length === 2 && parts.length === 2) return [nums[0]!, nums[1]!];
  return null;
}

export type YamlValue = string | string[] | Record<string, string>;

/**
 * The block-style subset in Ultralytics' metadata.yaml: top-level `key: scalar`,
 * `key:` followed by `- item` lines (lists) or indented `k: v` lines (maps).
 * Anything else is ignored rather than guessed at.
 */
export function parseSimpleYaml(text: string): Record<string, YamlValue> {
  const out: Record<string, YamlValue> = {};
  let current: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const indented = /^\s/.test(raw) || raw.startsWith('-');
    const line = raw.trim();
    if (!indented) {
      const m = /^([^:]+):\s*(.*)$/.exec(line);
      if (!m) { current = null; continue; }
      current = m[1]!.trim();
      if (m[2] !== '') { out[current] = unquote(m[2]!); current = null; }
      continue;
    }
    if (current === null) continue;
    if (line.startsWith('- ')) {
      const list = Array.isArray(out[current]) ? (out[current] as string[]) : [];
      list.push(unquote(line.slice(2)));
      out[current] = list;
      continue;
    }
    const m = /^('(?:[^']|'')*'|"[^"]*"|[^:]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const existing = out[current];
    const map = existing !== undefined && !Array.isArray(existing) && typeof existing === 'object' ? existing : {};
    map[unquote(m[1]!)] = unquote(m[2]!);
    out[current] = map;
  }
  return out;
}

/** names from a parsed metadata.yaml map {0: person, ...} -> dense array. */
export function namesFromYaml(value: YamlValue | undefined): string[] | null {
  if (value === undefined) return null;
  if (typeof value === 'string') return parseNamesDict(value);
  if (Array.isArray(value)) return value;
  const names: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const i = Number(k);
    if (!Number.isInteger(i) || i < 0) return null;
    names[i] = v;
  }
  return fillGaps(names);
}
