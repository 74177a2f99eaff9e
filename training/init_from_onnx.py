"""Rebuilds a training checkpoint (neck + head, with batch norm) from a shipped model.onnx, so
that training can go on from the weights that are shipped rather than from a run directory
that only the machine which trained them had.

  /usr/bin/python3 training/init_from_onnx.py [--onnx models/yolov8-mnv3/model.onnx] [--out training/runs/shipped/final.pt]

The export folded every batch norm into its conv (conv weight W, bias b). Each Conv here gets W
back, and its batch norm is set to the per-channel statistics of W*x on real training images
(mean m, variance v): weight sqrt(v + eps), bias b + m, running mean m, running variance v. In
eval mode that is exactly W*x + b; in training mode, where batch norm uses the batch's own
statistics, it is W*x + b up to the batch's deviation from those statistics, so training starts
from the shipped network rather than from a distorted one. Checks that re-exporting the
checkpoint reproduces the onnx file's output."""
import argparse
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import DEFAULT_DATA, HERE, ROOT, find_teacher_json, letterbox, load_rgb  # noqa: E402
from export_onnx import prepare_for_export  # noqa: E402
from model import Conv  # noqa: E402
from train import EDGE_CFG, build_model  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--onnx', default=os.path.join(ROOT, 'models', 'yolov8-mnv3', 'model.onnx'))
    ap.add_argument('--out', default=os.path.join(HERE, 'runs', 'shipped', 'final.pt'))
    ap.add_argument('--data', default=DEFAULT_DATA)
    ap.add_argument('--list', default=os.path.join(HERE, 'splits', 'train.txt'))
    ap.add_argument('--n', type=int, default=64, help='training images for the batch-norm statistics')
    args = ap.parse_args()
    torch.set_num_threads(2)
    w = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in onnx.load(args.onnx).graph.initializer}
    model = build_model(find_teacher_json(), EDGE_CFG)
    conv_bias = {}
    with torch.no_grad():
        for name, mod in model.named_modules():
            if name.startswith('backbone'):
                continue
            if isinstance(mod, Conv):
                mod.conv.weight.copy_(w[f'{name}.conv.weight'])
                conv_bias[name] = w[f'{name}.conv.bias']
                bn = mod.bn
                bn.weight.fill_(1.0)
                bn.bias.copy_(conv_bias[name])
                bn.running_mean.zero_()
                bn.running_var.fill_(1.0 - bn.eps)
            elif isinstance(mod, torch.nn.Conv2d) and f'{name}.weight' in w and not any(
                    isinstance(p, Conv) and p.conv is mod for p in model.modules()):
                mod.weight.copy_(w[f'{name}.weight'])
                mod.bias.copy_(w[f'{name}.bias'])
    model.eval()
    # Statistics of W*x (before the batch norm) on real images, letterboxed as the daemon does.
    rels = [l.strip() for l in open(args.list) if l.strip()]
    pick = rels[:: max(1, len(rels) // args.n)][: args.n]
    sums = {}

    def hook(name):
        def f(_m, _i, out):
            y = out.double()
            s = sums.setdefault(name, [0.0, 0.0, 0])
            s[0] = s[0] + y.sum((0, 2, 3))
            s[1] = s[1] + (y * y).sum((0, 2, 3))
            s[2] += y.numel() // y.shape[1]
        return f

    hooks = [mod.conv.register_forward_hook(hook(name)) for name, mod in model.named_modules()
             if isinstance(mod, Conv) and not name.startswith('backbone')]
    xs = torch.stack([torch.from_numpy(letterbox(load_rgb(os.path.join(args.data, r)), 320)[0]).permute(2, 0, 1).float() / 255
                      for r in pick])
    with torch.no_grad():
        for i in range(0, len(xs), 16):
            model(xs[i:i + 16])
    for h in hooks:
        h.remove()
    with torch.no_grad():
        for name, mod in model.named_modules():
            if name in sums:
                s0, s1, n = sums[name]
                m = (s0 / n).float()
                v = (s1 / n - (s0 / n) ** 2).clamp(min=1e-6).float()
                bn = mod.bn
                bn.running_mean.copy_(m)
                bn.running_var.copy_(v)
                bn.weight.copy_(torch.sqrt(v + bn.eps))
                bn.bias.copy_(conv_bias[name] + m)
    # Check: the checkpoint, prepared for export, gives the same output as the onnx file's own weights
    # loaded into the same (folded) network.
    ours_net = prepare_for_export(model)
    file_net = prepare_for_export(build_model(find_teacher_json(), EDGE_CFG))
    missing = set(file_net.state_dict()) - set(w)
    file_net.load_state_dict({k: w[k] for k in file_net.state_dict() if k in w}, strict=False)
    with torch.no_grad():
        a, b = ours_net(xs[:4]), file_net(xs[:4])
        d = float((a[:, 4:] - b[:, 4:]).abs().max())
        print(f'box coordinates: max abs difference {float((a[:, :4] - b[:, :4]).abs().max()):.2e} px; at anchors '
              f'scoring >= 0.05: {float(((a[:, :4] - b[:, :4]).abs() * (b[:, 4:].max(1, keepdim=True).values >= 0.05)).max()):.2e} px')
    print(f'max abs class-score difference, rebuilt checkpoint vs {args.onnx} ({len(missing)} tensors not in the file): {d:.2e}')
    if missing or d > 1e-3:  # float32 rounding of the re-parametrised batch norms
        sys.exit(f'{args.onnx}: the rebuilt checkpoint does not reproduce the file ({d}; missing {sorted(missing)[:5]})')
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    torch.save({'model': model.state_dict(), 'cfg': model.cfg, 'step': 0, 'source': args.onnx}, args.out)
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
