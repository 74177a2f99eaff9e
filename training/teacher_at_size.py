"""Writes a copy of models/mb3-centernet that runs at another input size, to measure
how much of the student's gap is its input size: the teacher at the student's 320.

  /usr/bin/python3 training/teacher_at_size.py --imgsz 320 --out /tmp/mb3-centernet-320
  npm run eval -- --model /tmp/mb3-centernet-320 --runtime tfjs

The graph bakes its input size into five int32 constants: the three bilinear upsampling
sizes of the head, the heat width that turns top-k indices into x, y, and the heat area
of the box-size gather; these are rewritten in the copy (with the input shape and lookout-model.json's
imgsz). The weights are untouched. The size must be a multiple of 32.
"""
import argparse
import json
import os
import shutil

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, '..', 'models', 'mb3-centernet')


def size_constants(s):
    h = s // 4  # the heat is at stride 4
    return {
        'tower_0/CenternetHead/c5_upsample/up_sampling2d/mul': [s // 16] * 2,
        'tower_0/CenternetHead/c4_upsample/up_sampling2d_1/mul': [s // 8] * 2,
        'tower_0/CenternetHead/c3_upsample/up_sampling2d_2/mul': [h] * 2,
        'tower_0/strided_slice_6': [h],  # heat width: index // 80 -> (y, x)
        'tower_0/BatchGather/concat': [h * h, 4],  # wh gathered from h*h positions
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--imgsz', type=int, required=True)
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    if args.imgsz % 32:
        raise SystemExit(f'--imgsz {args.imgsz}: must be a multiple of 32')
    shutil.rmtree(args.out, ignore_errors=True)
    shutil.copytree(SRC, args.out)
    mj = os.path.join(args.out, 'model.json')
    m = json.load(open(mj))
    want = size_constants(args.imgsz)
    for group in m['weightsManifest']:
        path = os.path.join(args.out, group['paths'][0])
        buf = bytearray(open(path, 'rb').read())
        off = 0
        for w in group['weights']:
            n = int(np.prod(w['shape'])) if w['shape'] else 1
            size = 2 * n if w.get('quantization', {}).get('dtype') == 'float16' else 4 * n
            if w['name'] in want:
                v = np.array(want.pop(w['name']), np.int32)
                assert w['dtype'] == 'int32' and v.size == n, w['name']
                buf[off:off + size] = v.tobytes()
            off += size
        open(path, 'wb').write(buf)
    if want:
        raise SystemExit(f'constants not found: {sorted(want)}')
    text = json.dumps(m).replace('{"size":"512"},{"size":"512"}', f'{{"size":"{args.imgsz}"}},{{"size":"{args.imgsz}"}}')
    text = text.replace('{"size": "512"}, {"size": "512"}', f'{{"size": "{args.imgsz}"}}, {{"size": "{args.imgsz}"}}')
    open(mj, 'w').write(text)
    meta_path = os.path.join(args.out, 'lookout-model.json')
    meta = json.load(open(meta_path))
    meta['imgsz'] = [args.imgsz, args.imgsz]
    meta['note'] = f'mb3-centernet rewritten for {args.imgsz} input by training/teacher_at_size.py (evaluation only). ' + meta['note']
    json.dump(meta, open(meta_path, 'w'), indent=2)
    print(f'{args.out}: mb3-centernet at {args.imgsz}')


if __name__ == '__main__':
    main()
