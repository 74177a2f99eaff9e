/**
 * MOTChallenge text files: one box per line,
 * `frame,id,left,top,width,height,score_or_consider,x,y,z`, frame counted from 1.
 * Ground truth uses the 7th field as "consider" (0 = ignore the row); tracker
 * output uses it as a score.
 */
import { readFileSync } from 'node:fs';
import type { Box } from '../detector/detections.js';

export interface MotRow {
  frame: number;
  id: number;
  /** x1,y1,x2,y2 in pixels. */
  box: Box;
  /** The 7th field: a score for tracker output, 1/0 (consider) for ground truth. */
  score: number;
}

export class MotFormatError extends Error {
  readonly code = 'EMOTFORMAT';
}

/** Parses MOTChallenge rows; `file` only names the source in messages. */
export function parseMotText(text: string, file: string): MotRow[] {
  const rows: MotRow[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '') return;
    const fields = trimmed.split(/[,\s]+/).map(Number);
    if (fields.length < 6 || fields.slice(0, 6).some((v) => !Number.isFinite(v))) {
      throw new MotFormatError(`${file}:${index + 1}: expected frame,id,left,top,width,height[,score,...], got '${trimmed}'`);
    }
    const [frame, id, left, top, width, height] = fields as [number, number, number, number, number, number];
    const score = fields.length > 6 && Number.isFinite(fields[6]) ? fields[6]! : 1;
    rows.push({ frame, id, box: [left, top, left + width, top + height], score });
  });
  return rows;
}

export function readMotFile(file: string): MotRow[] {
  return parseMotText(readFileSync(file, 'utf8'), file);
}

/** Ground truth rows to score against: those marked consider = 0 are left out, as the devkit does. */
export function consideredGroundTruth(rows: readonly MotRow[]): MotRow[] {
  return rows.filter((r) => r.score !== 0);
}

/** One MOTChallenge line for a box given as x1,y1,x2,y2. */
export function formatMotRow(frame: number, id: number, box: Box, score: number): string {
  const r = (v: number) => Math.round(v * 100) / 100;
  return `${frame},${id},${r(box[0])},${r(box[1])},${r(box[2] - box[0])},${r(box[3] - box[1])},${Math.round(score * 10000) / 10000},-1,-1,-1`;
}
