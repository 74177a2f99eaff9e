"""Prints the model card's layer table (markdown): stage, output shape at 320, parameters, GFLOPs.

  /usr/bin/python3 training/layer_table.py [--ckpt training/runs/main/final.pt]
"""
import argparse
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import find_teacher_json  # noqa: E402
from flops import conv_gflops  # noqa: E402
from model import count_params  # noqa: E402
from train import EDGE_CFG, build_model  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--imgsz', type=int, default=320)
    args = ap.parse_args()
    torch.set_num_threads(2)
    m = build_model(find_teacher_json(), EDGE_CFG).eval()
    rows = []
    macs = {}

    def hook(mod, inp, out):
        k = mod.kernel_size[0] * mod.kernel_size[1]
        macs[mod] = out.numel() * (mod.in_channels // mod.groups) * k

    for mod in m.modules():
        if isinstance(mod, nn.Conv2d):
            mod.register_forward_hook(hook)
    shapes = {}

    def shape_hook(name):
        def f(mod, inp, out):
            shapes[name] = tuple(out.shape[1:]) if torch.is_tensor(out) else [tuple(o.shape[1:]) for o in out]
        return f

    named = [('backbone.stem', m.backbone.stem)] + [(f'backbone.blocks.{i}', b) for i, b in enumerate(m.backbone.blocks)]
    named += [(f'neck.{n}', getattr(m.neck, n)) for n in ('sppf', 'td4', 'td3', 'down3', 'bu4', 'down4', 'bu5')]
    named += [(f'head.box[{i}]', b) for i, b in enumerate(m.head.box)] + [(f'head.cls[{i}]', c) for i, c in enumerate(m.head.cls)]
    for n, mod in named:
        mod.register_forward_hook(shape_hook(n))
    with torch.no_grad():
        m(torch.zeros(1, 3, args.imgsz, args.imgsz))
    print('| layer | what | output (C,H,W) at 320 | params | GFLOPs |')
    print('|---|---|---|---|---|')
    for n, mod in named:
        p = sum(x.numel() for x in mod.parameters())
        g = 2 * sum(v for k, v in macs.items() if any(k is s for s in mod.modules())) / 1e9
        if n.startswith('backbone.blocks'):
            i = int(n.split('.')[-1])
            b = mod
            what = (f"MBConv k{b.dw[0].k} s{b.dw[0].s} exp {b.dw[0].in_channels} "
                    f"{'HS' if not isinstance(b.dw[1], nn.ReLU) else 'RE'}{' SE' if b.se is not None else ''}"
                    f"{' +res' if b.residual else ''}{' -> P' + str({5: 3, 11: 4, 14: 5}[i]) if i in (5, 11, 14) else ''}")
        else:
            what = type(mod).__name__ if not isinstance(mod, nn.Sequential) else 'conv stack'
            if n == 'backbone.stem':
                what = 'conv 3x3 s2 + hard-swish'
            elif n.startswith('head.box'):
                what = 'dw-sep 3x3 x2 + 1x1 -> 64 (4 x 16 DFL bins)'
            elif n.startswith('head.cls'):
                what = 'dw-sep 3x3 x2 + 1x1 -> 80'
            elif n in ('neck.down3', 'neck.down4'):
                what = 'dw-sep 3x3 s2'
        print(f'| {n} | {what} | {shapes.get(n)} | {p:,} | {g:.3f} |')
    print(f'\nTotal: {count_params(m):,} parameters ({count_params(m.backbone):,} in the backbone), '
          f'{conv_gflops(m, args.imgsz):.3f} GFLOPs at {args.imgsz}.')


if __name__ == '__main__':
    main()
