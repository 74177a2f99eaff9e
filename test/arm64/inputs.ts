/**
 * The pictures the parity check feeds `lookout detect`, made from the demo
 * clip by the host's ffmpeg once per run, so both architectures read the very
 * same files: two stills (a JPEG and a PNG, the image path), short re-encoded
 * cuts of the clip (the video path), and a synthetic frame with one bright
 * square whose box the generated test network knows exactly.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { frameWithSquare } from '../helpers/test-model/index.js';

export interface Inputs {
  /** Both stills and the 3-frame cut: for models that are quick under emulation. */
  full: string[];
  /** One still and a 1-frame cut: for models that take seconds per run emulated. */
  small: string[];
  /** A 320x240 picture with one white square at SQUARE_BOX (source pixels). */
  square: string;
}

export const SQUARE_BOX: [number, number, number, number] = [100, 60, 160, 120];

function ffmpeg(args: string[], input?: Buffer): void {
  execFileSync('ffmpeg', ['-v', 'error', '-nostdin', '-y', ...args], { input, stdio: [input ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
}

export function makeInputs(clip: string, dir: string): Inputs {
  const p = (name: string) => path.join(dir, name);
  ffmpeg(['-ss', '3', '-i', clip, '-frames:v', '1', '-q:v', '2', p('demo-3s.jpg')]);
  ffmpeg(['-ss', '20', '-i', clip, '-frames:v', '1', p('demo-20s.png')]);
  for (const frames of [1, 3]) {
    ffmpeg(['-ss', '40', '-i', clip, '-an', '-frames:v', String(frames), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', p(`demo-40s-${frames}f.mp4`)]);
  }
  const [x1, y1, x2, y2] = SQUARE_BOX;
  ffmpeg(['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', '320x240', '-i', 'pipe:0', '-frames:v', '1', p('square.png')], frameWithSquare(320, 240, [x1, y1, x2, y2]));
  return {
    full: [p('demo-3s.jpg'), p('demo-20s.png'), p('demo-40s-3f.mp4')],
    small: [p('demo-3s.jpg'), p('demo-40s-1f.mp4')],
    square: p('square.png'),
  };
}
