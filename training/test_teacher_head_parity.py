"""Teacher-head parity: mb3-centernet's CenterNet head ported to PyTorch
(teacher_head.py, used by `train.py --distill`) against the tfjs graph's own
80-class heat (`tower_0/keypoints`), on real photos at 512 (the graph's head has its
upsampling sizes as constants, so it runs at 512 only; training runs the port at 320).

  /usr/bin/python3 training/test_teacher_head_parity.py [--teacher centernet.json] [--n 4]

The backbone runs with the graph's own hard-swish constants, so the difference is
the head's. Prints the max abs heat difference per image (heat is 0..1) and with
the training backbone (standard hard-swish); exits 1 if the graph-exact one
exceeds 1e-3.
"""
import os
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mnv3  # noqa: E402
from mnv3 import load_backbone  # noqa: E402
from teacher_head import TeacherTaps, load_teacher_head  # noqa: E402
from test_backbone_parity import dump_graph_outputs, parity_setup  # noqa: E402


def main():
    _, tj, imgs = parity_setup(4)
    bb, _ = load_backbone(tj)
    bb.eval()
    taps = TeacherTaps(bb)
    head = load_teacher_head(tj)
    worst = {}
    with tempfile.TemporaryDirectory() as tmp:
        cases, outd = dump_graph_outputs(tj, imgs, tmp, sizes=(512,))
        print('image size backbone heat_shape max_abs_diff max_heat')
        for name, lb, size in cases:
            x = torch.from_numpy(lb.astype(np.float32)).permute(2, 0, 1)[None]
            ref = np.fromfile(os.path.join(outd, f'{name}.heat.f32'), np.float32)
            for mode in ('graph', 'training'):
                mnv3.EXACT_FP16_CONSTANTS = mode == 'graph'
                with torch.no_grad():
                    heat = head(*taps.taps(bb(x)))
                ours = heat[0].permute(1, 2, 0).numpy().ravel()
                d = float(np.abs(ref - ours).max())
                worst[mode] = max(worst.get(mode, 0.0), d)
                print(f'{name} {size} {mode} {tuple(heat.shape[1:])} {d:.2e} {ref.max():.3f}')
            mnv3.EXACT_FP16_CONSTANTS = False
    print(f"worst max abs heat difference: graph's hard-swish {worst['graph']:.2e} (limit 1e-3); "
          f"training backbone (standard hard-swish) {worst['training']:.2e}")
    sys.exit(0 if worst['graph'] <= 1e-3 else 1)


if __name__ == '__main__':
    main()
