/**
 * Relative links and #anchors of Markdown files, checked the way GitHub
 * renders them, so that moving a section between README.md and docs/ cannot
 * leave a dead link behind.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

/** The lines outside fenced code blocks (links and headings inside them are not rendered). */
function proseLines(markdown: string): string[] {
  const lines: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const match = /^\s*(`{3,}|~{3,})/.exec(line);
    if (match !== null) {
      const marker = match[1] as string;
      if (fence === null) fence = marker;
      else if (marker.startsWith(fence)) fence = null;
      continue;
    }
    if (fence === null) lines.push(line);
  }
  return lines;
}

/**
 * GitHub's anchor for a heading: lower case, inline markup and punctuation
 * dropped (letters, digits, `_`, `-` and spaces kept), spaces turned into `-`.
 */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a file's headings define, with GitHub's -1, -2 … for repeated headings. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(markdown)) {
    const match = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (match === null) continue;
    const slug = headingSlug(match[1] as string);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** The targets of inline links and images (`[text](target)`, `![alt](target)`) outside code. */
export function linkTargets(markdown: string): string[] {
  const targets: string[] = [];
  for (const line of proseLines(markdown)) {
    const withoutCode = line.replace(/`[^`]*`/g, '``');
    for (const match of withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) targets.push(match[1] as string);
  }
  return targets;
}

/**
 * What is wrong with the relative links of one file: a target that does not
 * exist, or an #anchor that no heading of the target file defines. External
 * links (http:, https:, mailto:) are not fetched.
 */
export function brokenLinks(file: string, root: string): string[] {
  const markdown = readFileSync(file, 'utf8');
  const problems: string[] = [];
  const name = relative(root, file);
  for (const target of linkTargets(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    const hash = target.indexOf('#');
    const path = hash === -1 ? target : target.slice(0, hash);
    const anchor = hash === -1 ? null : decodeURIComponent(target.slice(hash + 1));
    const resolved = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
    if (!resolved.startsWith(`${root}/`) && resolved !== root) {
      problems.push(`${name}: ${target}: points outside the repository`);
      continue;
    }
    if (!existsSync(resolved)) {
      problems.push(`${name}: ${target}: ${relative(root, resolved)} does not exist`);
      continue;
    }
    if (anchor === null) continue;
    if (!resolved.endsWith('.md') || statSync(resolved).isDirectory()) {
      problems.push(`${name}: ${target}: an anchor into a file that is not Markdown`);
      continue;
    }
    if (!anchorsOf(readFileSync(resolved, 'utf8')).has(anchor)) {
      problems.push(`${name}: ${target}: no heading in ${relative(root, resolved)} has the anchor #${anchor}`);
    }
  }
  return problems;
}
