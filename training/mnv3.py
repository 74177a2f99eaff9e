"""MobileNetV3-Large-0.75 backbone exactly as in mb3-centernet (tfjs graph in
@vladmandic/human 3.3.6, models/centernet.json): batch norm folded into
conv biases, hard-swish / hard-sigmoid with the graph's own fp16 constants,
TensorFlow "SAME" padding (asymmetric on stride-2 convs), squeeze-excite.

The block list (kernel, stride, expand width, activation, SE) is read from
the graph itself, and every weight is loaded by node name; nothing is
hard-coded that the graph does not confirm.

Taps: expanded_conv_5/add (stride 8, 32 ch), expanded_conv_11/add (stride
16, 88 ch), expanded_conv_14/add (stride 32, 120 ch).
"""
import base64
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from tfjs_weights import read_tfjs_weights

PFX = 'tower_0/MobilenetV3/'
# fp16 value of 1/6 stored in the graph (0.16662598); used so that features match the teacher.
SIXTH_FP16 = float(np.float16(1.0 / 6.0))
TAPS = (5, 11, 14)


def same_pad(k, s, size):
    """TF SAME padding (before, after) for one spatial dim."""
    out = -(-size // s)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2


# EXACT_FP16_CONSTANTS=True reproduces the graph's x * relu6(x+3) * fp16(1/6) op for op;
# False (the default) uses the standard hard-swish/hard-sigmoid (1/6 exactly), which export to
# ONNX HardSwish/HardSigmoid (one fused kernel each in onnxruntime). The difference is the fp16
# rounding of 1/6 (2.4e-4 relative); the parity test reports both.
EXACT_FP16_CONSTANTS = os.environ.get('LOOKOUT_EXACT_HSWISH') == '1'


class HSwish(nn.Module):
    def forward(self, x):
        if EXACT_FP16_CONSTANTS:
            return x * SIXTH_FP16 * F.relu6(x + 3.0)
        return F.hardswish(x)


class HSigmoid(nn.Module):
    def forward(self, x):
        if EXACT_FP16_CONSTANTS:
            return SIXTH_FP16 * F.relu6(x + 3.0)
        return F.hardsigmoid(x)


class ConvSame(nn.Conv2d):
    """Conv2d with TensorFlow SAME padding (stride 1: symmetric; stride 2: extra pixel right/bottom)."""

    def __init__(self, cin, cout, k, s=1, groups=1):
        super().__init__(cin, cout, k, s, padding=0, groups=groups, bias=True)
        self.k, self.s = k, s
        if s == 1:
            self.padding = (k // 2, k // 2)

    def forward(self, x):
        if self.s != 1:
            ph = same_pad(self.k, self.s, x.shape[2])
            pw = same_pad(self.k, self.s, x.shape[3])
            x = F.pad(x, (pw[0], pw[1], ph[0], ph[1]))
        return super().forward(x)


def act(name):
    return {'relu': nn.ReLU(), 'hswish': HSwish(), None: nn.Identity()}[name]


class SE(nn.Module):
    def __init__(self, c, r):
        super().__init__()
        self.fc1 = nn.Conv2d(c, r, 1)
        self.fc2 = nn.Conv2d(r, c, 1)
        self.gate = HSigmoid()

    def forward(self, x):
        s = x.mean((2, 3), keepdim=True)
        return x * self.gate(self.fc2(F.relu(self.fc1(s))))


class Block(nn.Module):
    def __init__(self, cin, exp, cout, k, s, a, se):
        super().__init__()
        self.expand = None
        if exp != cin:
            self.expand = nn.Sequential(ConvSame(cin, exp, 1), act(a))
        self.dw = nn.Sequential(ConvSame(exp, exp, k, s, groups=exp), act(a))
        self.se = SE(exp, se) if se else None
        self.project = ConvSame(exp, cout, 1)
        self.residual = s == 1 and cin == cout

    def forward(self, x):
        y = self.expand(x) if self.expand is not None else x
        y = self.dw(y)
        if self.se is not None:
            y = self.se(y)
        y = self.project(y)
        return x + y if self.residual else y


class Scale(nn.Module):
    def __init__(self, k):
        super().__init__()
        self.k = k

    def forward(self, x):
        return x * self.k


@torch.no_grad()
def fold_fp16_constants(bb):
    """Makes the standard hard-swish/hard-sigmoid (exact 1/6, one fused op each in onnxruntime)
    reproduce the graph's fp16 constant: the graph computes K * hardswish(x) and K * hardsigmoid(x)
    with K = 6 * fp16(1/6). Each K is folded into the weights of the conv that consumes it
    (depthwise after an expand, SE fc1 and project after a depthwise, project after an SE gate);
    only the stem's output, which also feeds block 0's residual, keeps an explicit scalar multiply.
    In place; idempotent guard via bb.folded."""
    if getattr(bb, 'folded', False):
        return bb
    K = 6.0 * SIXTH_FP16
    bb.stem.append(Scale(K))
    for blk in bb.blocks:
        if blk.expand is not None and isinstance(blk.expand[1], HSwish):
            blk.dw[0].weight.mul_(K)
        proj = 1.0
        if isinstance(blk.dw[1], HSwish):
            proj *= K
            if blk.se is not None:
                blk.se.fc1.weight.mul_(K)
        if blk.se is not None:
            proj *= K
        blk.project.weight.mul_(proj)
    bb.folded = True
    return bb


def _block_name(i):
    return 'expanded_conv' if i == 0 else f'expanded_conv_{i}'


def read_spec(model_json):
    """Block specs [(cin, exp, cout, k, s, act, se_width)] from the graph + weights."""
    g = json.load(open(model_json))['modelTopology']['node']
    nodes = {n['name']: n for n in g}
    w = read_tfjs_weights(model_json)
    specs = []
    for i in range(15):
        b = PFX + _block_name(i)
        dw = w[b + '/depthwise/depthwise_weights']
        proj = w[b + '/project/Conv2D_weights']
        k, exp = dw.shape[0], dw.shape[2]
        cout = proj.shape[3]
        has_exp = (b + '/expand/Conv2D_weights') in w
        cin = w[b + '/expand/Conv2D_weights'].shape[2] if has_exp else exp
        dwnode = nodes[b + '/depthwise/depthwise']
        s = int(dwnode['attr']['strides']['list']['i'][1])
        fused = [base64.b64decode(x).decode() for x in dwnode['attr'].get('fused_ops', {}).get('list', {}).get('s', [])]
        a = 'relu' if 'Relu' in fused else ('hswish' if (b + '/depthwise/hard_swish/mul_1') in nodes else None)
        se_key = 'MobilenetV3/' + _block_name(i) + '/squeeze_excite/Conv/weights'
        se = w[se_key].shape[3] if se_key in w else 0
        specs.append((cin, exp, cout, k, s, a, se))
    return specs, w


class MobileNetV3Backbone(nn.Module):
    """Returns [P3 (stride 8), P4 (stride 16), P5 (stride 32)] from NCHW RGB in 0..255."""

    def __init__(self, specs):
        super().__init__()
        self.stem = nn.Sequential(ConvSame(3, specs[0][0], 3, 2), HSwish())
        self.blocks = nn.ModuleList([Block(*sp) for sp in specs])
        self.out_channels = [specs[i][2] for i in TAPS]

    def forward(self, x):
        x = self.stem(x)
        outs = []
        for i, b in enumerate(self.blocks):
            x = b(x)
            if i in TAPS:
                outs.append(x)
        return outs


def _conv_w(a):
    return torch.from_numpy(np.ascontiguousarray(a.transpose(3, 2, 0, 1)))  # HWIO -> OIHW


def _dw_w(a):
    return torch.from_numpy(np.ascontiguousarray(a.transpose(2, 3, 0, 1)))  # HW C 1 -> C 1 H W


def load_backbone(model_json):
    specs, w = read_spec(model_json)
    m = MobileNetV3Backbone(specs)
    with torch.no_grad():
        m.stem[0].weight.copy_(_conv_w(w[PFX + 'Conv/Conv2D_weights']))
        m.stem[0].bias.copy_(torch.from_numpy(w[PFX + 'Conv/Conv2D_bn_offset']))
        for i, blk in enumerate(m.blocks):
            b = PFX + _block_name(i)
            if blk.expand is not None:
                blk.expand[0].weight.copy_(_conv_w(w[b + '/expand/Conv2D_weights']))
                blk.expand[0].bias.copy_(torch.from_numpy(w[b + '/expand/Conv2D_bn_offset']))
            blk.dw[0].weight.copy_(_dw_w(w[b + '/depthwise/depthwise_weights']))
            blk.dw[0].bias.copy_(torch.from_numpy(w[b + '/depthwise/depthwise_bn_offset']))
            blk.project.weight.copy_(_conv_w(w[b + '/project/Conv2D_weights']))
            blk.project.bias.copy_(torch.from_numpy(w[b + '/project/Conv2D_bn_offset']))
            if blk.se is not None:
                s = 'MobilenetV3/' + _block_name(i) + '/squeeze_excite/'
                blk.se.fc1.weight.copy_(_conv_w(w[s + 'Conv/weights']))
                blk.se.fc1.bias.copy_(torch.from_numpy(w[s + 'Conv/biases']))
                blk.se.fc2.weight.copy_(_conv_w(w[s + 'Conv_1/weights']))
                blk.se.fc2.bias.copy_(torch.from_numpy(w[s + 'Conv_1/biases']))
    return m, specs


if __name__ == '__main__':
    import sys
    m, specs = load_backbone(sys.argv[1])
    for i, sp in enumerate(specs):
        print(i, sp)
    print(sum(p.numel() for p in m.parameters()))
    with torch.no_grad():
        for o in m(torch.zeros(1, 3, 320, 320)):
            print(o.shape)
