"""Backbone parity: the PyTorch MobileNetV3 (mnv3.py) against mb3-centernet's own
tfjs graph run by tfjs-wasm in Node, on real photos, at 512 and 320.

  /usr/bin/python3 training/test_backbone_parity.py [--teacher centernet.json] [--n 4]

Prints the max abs difference per tap and relative to the tap's max |value|;
exits 1 if any relative difference exceeds 1e-2.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import DEFAULT_DATA, ROOT, find_teacher_json, letterbox, load_rgb  # noqa: E402
import mnv3  # noqa: E402
from mnv3 import load_backbone  # noqa: E402


def dump_graph_outputs(tj, imgs, tmp, sizes=(512, 320)):
    """Letterboxes each photo (pad 0, top-left) at each size, runs the tfjs graph on them in Node
    (training/tools/dump-teacher-features.ts) and returns ([(name, letterboxed uint8, size)], the
    folder of its outputs: NAME.p3/p4/p5.f32 taps and NAME.heat.f32, NHWC float32)."""
    ind, outd = os.path.join(tmp, 'in'), os.path.join(tmp, 'out')
    os.makedirs(ind)
    cases = []
    for p in imgs:
        for size in sizes:
            lb, *_ = letterbox(load_rgb(p), size, pad=0, center=False)
            name = f'{os.path.basename(p)[:-4]}_{size}'
            lb.astype(np.float32).tofile(os.path.join(ind, name + '.f32'))
            json.dump({'size': size}, open(os.path.join(ind, name + '.json'), 'w'))
            cases.append((name, lb, size))
    subprocess.run(['npx', 'tsx', 'training/tools/dump-teacher-features.ts', tj, ind, outd], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return cases, outd


def parity_setup(default_n):
    """The parity scripts' shared arguments: the teacher graph and the first --n photos of
    coco_tinycoco2_val2017 (returns args, teacher json, photo paths)."""
    ap = argparse.ArgumentParser()
    ap.add_argument('--teacher')
    ap.add_argument('--data', default=DEFAULT_DATA)
    ap.add_argument('--n', type=int, default=default_n)
    args = ap.parse_args()
    torch.set_num_threads(2)
    imgs = sorted(glob.glob(os.path.join(args.data, 'coco_tinycoco2_val2017', 'images', '*.jpg')))[:args.n]
    return args, find_teacher_json(args.teacher), imgs


def main():
    _, tj, imgs = parity_setup(8)
    bb, _ = load_backbone(tj)
    bb.eval()
    folded, _ = load_backbone(tj)
    mnv3.fold_fp16_constants(folded.eval())
    worst = 0.0
    worst_other = {}
    with tempfile.TemporaryDirectory() as tmp:
        cases, outd = dump_graph_outputs(tj, imgs, tmp)
        print('image size mode tap shape max_abs max_ref rel')
        for name, lb, size in cases:
            x = torch.from_numpy(lb.astype(np.float32)).permute(2, 0, 1)[None]
            for mode in ('standard', 'fp16-1/6', 'folded'):
                exact = mode == 'fp16-1/6'
                mnv3.EXACT_FP16_CONSTANTS = exact
                with torch.no_grad():
                    feats = (folded if mode == 'folded' else bb)(x)
                for i, f in enumerate(feats):
                    ref = np.fromfile(os.path.join(outd, f'{name}.p{i + 3}.f32'), np.float32)
                    ours = f[0].permute(1, 2, 0).numpy().ravel()
                    d = float(np.abs(ref - ours).max())
                    m = float(np.abs(ref).max())
                    if mode == 'folded':
                        worst = max(worst, d / m)
                    else:
                        worst_other[mode] = max(worst_other.get(mode, 0.0), d / m)
                    print(f'{name} {size} {mode} P{i + 3} {tuple(f.shape[1:])} {d:.3e} {m:.2f} {d / m:.2e}')
            mnv3.EXACT_FP16_CONSTANTS = False
    print(f"worst relative max abs diff: graph's op order (fp16 1/6): {worst_other['fp16-1/6']:.2e}; "
          f"standard hard-swish, unfolded: {worst_other['standard']:.2e}")
    print(f'worst relative max abs diff, standard hard-swish with the constants folded (as shipped): {worst:.2e} '
          f'(limit 1e-2)')
    sys.exit(0 if worst <= 1e-2 else 1)


if __name__ == '__main__':
    main()
