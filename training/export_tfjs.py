"""Writes the trained detector as a tfjs graph model (model.json + one weight
shard), NHWC input `images` [1,S,S,3] RGB 0..1 and output `output0` [1,84,N] in
the same Ultralytics layout as the ONNX export. tfjs-converter needs
TensorFlow for Python, which is not available here, so this emits the graph
directly from the PyTorch modules (after BatchNorm folding), using only ops the
tfjs graph executor implements: _FusedConv2D, FusedDepthwiseConv2dNative, Pad,
Add/AddV2/Mul/Relu/Relu6/Sigmoid, Mean, MaxPool, ResizeNearestNeighbor,
ConcatV2, Reshape, Softmax, MatMul, Transpose.
"""
import base64
import json
import os

import numpy as np
import torch
import torch.nn as nn

import mnv3
from export_onnx import prepare_for_export
from model import C2f, SPPF, Bottleneck, Conv, STRIDES

b64 = lambda s: base64.b64encode(s.encode()).decode()  # noqa: E731


class GraphBuilder:
    def __init__(self):
        self.nodes, self.weights, self.n = [], [], 0

    def name(self, p):
        self.n += 1
        return f'{p}_{self.n}'

    def const(self, arr, p='const'):
        arr = np.asarray(arr)
        dt = {np.dtype('float32'): 'DT_FLOAT', np.dtype('int32'): 'DT_INT32'}[arr.dtype]
        nm = self.name(p)
        self.nodes.append({'name': nm, 'op': 'Const', 'attr': {
            'dtype': {'type': dt},
            'value': {'tensor': {'dtype': dt, 'tensorShape': {'dim': [{'size': str(d)} for d in arr.shape]} if arr.shape else {}}}}})
        self.weights.append((nm, arr))
        return nm

    def op(self, op, inputs, attr=None, p=None):
        nm = self.name(p or op.lower())
        self.nodes.append({'name': nm, 'op': op, 'input': list(inputs), 'attr': attr or {}})
        return nm

    T = {'T': {'type': 'DT_FLOAT'}}

    def binary(self, op, a, b):
        return self.op(op, [a, b], dict(self.T))

    def unary(self, op, a):
        return self.op(op, [a], dict(self.T))

    def pad(self, x, t, b, l, r):
        return self.op('Pad', [x, self.const(np.array([[0, 0], [t, b], [l, r], [0, 0]], np.int32), 'pads')],
                       {**self.T, 'Tpaddings': {'type': 'DT_INT32'}})

    def conv(self, x, conv, relu=False):
        """nn.Conv2d (bias, NCHW weights) -> fused conv; symmetric PyTorch padding -> Pad + VALID
        unless it equals TF SAME (stride 1)."""
        w = conv.weight.detach().numpy().astype(np.float32)
        bias = conv.bias.detach().numpy().astype(np.float32) if conv.bias is not None else np.zeros(w.shape[0], np.float32)
        k, s = conv.kernel_size[0], conv.stride[0]
        p = conv.padding[0] if isinstance(conv.padding, tuple) else 0
        if isinstance(conv, mnv3.ConvSame) and s != 1:
            padding = 'SAME'
        elif s == 1 and p == k // 2:
            padding = 'SAME'
        else:
            if p:
                x = self.pad(x, p, p, p, p)
            padding = 'VALID'
        fused = ['BiasAdd'] + (['Relu'] if relu else [])
        attr = {**self.T, 'strides': {'list': {'i': ['1', str(s), str(s), '1']}},
                'padding': {'s': b64(padding)}, 'data_format': {'s': b64('NHWC')},
                'dilations': {'list': {'i': ['1', '1', '1', '1']}},
                'fused_ops': {'list': {'s': [b64(f) for f in fused]}}, 'num_args': {'i': '1'},
                'epsilon': {'f': 0}, 'explicit_paddings': {'list': {}}}
        if conv.groups == 1:
            wt = self.const(w.transpose(2, 3, 1, 0), 'w')  # OIHW -> HWIO
            return self.op('_FusedConv2D', [x, wt, self.const(bias, 'b')], attr, 'conv')
        assert conv.groups == w.shape[0] and w.shape[1] == 1
        wt = self.const(w.transpose(2, 3, 0, 1), 'dw')  # C1HW -> HWC1
        return self.op('FusedDepthwiseConv2dNative', [x, wt, self.const(bias, 'b')], attr, 'dwconv')

    def scalar(self, v):
        return self.const(np.array(v, np.float32), 'k')

    def hsigmoid(self, x):
        return self.binary('Mul', self.unary('Relu6', self.binary('AddV2', x, self.scalar(3.0))), self.scalar(1.0 / 6.0))

    def hswish(self, x):
        return self.binary('Mul', x, self.hsigmoid(x))

    def silu(self, x):
        return self.binary('Mul', x, self.unary('Sigmoid', x))

    def act(self, x, a):
        if isinstance(a, nn.Identity):
            return x
        if isinstance(a, mnv3.HSwish):
            return self.hswish(x)
        if isinstance(a, nn.SiLU):
            return self.silu(x)
        if isinstance(a, nn.ReLU):
            return self.unary('Relu', x)
        raise TypeError(f'unsupported activation {a}')

    def concat(self, xs, axis=3):
        return self.op('ConcatV2', xs + [self.const(np.array(axis, np.int32), 'axis')],
                       {**self.T, 'N': {'i': str(len(xs))}, 'Tidx': {'type': 'DT_INT32'}})

    def reshape(self, x, shape):
        return self.op('Reshape', [x, self.const(np.array(shape, np.int32), 'shape')],
                       {**self.T, 'Tshape': {'type': 'DT_INT32'}})


def emit_conv_module(g, x, m):
    """model.Conv (BN folded), or the depthwise-separable Sequential of two of them."""
    if isinstance(m, nn.Sequential):
        for sub in m:
            x = emit_conv_module(g, x, sub)
        return x
    if isinstance(m, nn.Conv2d):
        return g.conv(x, m)
    assert isinstance(m, Conv) and isinstance(m.bn, nn.Identity), 'fold BatchNorm first'
    if isinstance(m.act, nn.ReLU):
        return g.conv(x, m.conv, relu=True)
    return g.act(g.conv(x, m.conv), m.act)


def emit_backbone(g, x, bb):
    x = g.hswish(g.conv(x, bb.stem[0]))
    for extra in list(bb.stem)[2:]:
        assert isinstance(extra, mnv3.Scale)
        x = g.binary('Mul', x, g.scalar(extra.k))
    outs = []
    for i, blk in enumerate(bb.blocks):
        inp = x
        if blk.expand is not None:
            x = g.conv(x, blk.expand[0], relu=isinstance(blk.expand[1], nn.ReLU))
            if isinstance(blk.expand[1], mnv3.HSwish):
                x = g.hswish(x)
        x = g.conv(x, blk.dw[0], relu=isinstance(blk.dw[1], nn.ReLU))
        if isinstance(blk.dw[1], mnv3.HSwish):
            x = g.hswish(x)
        if blk.se is not None:
            s = g.op('Mean', [x, g.const(np.array([1, 2], np.int32), 'axes')],
                     {**g.T, 'keep_dims': {'b': True}, 'Tidx': {'type': 'DT_INT32'}})
            s = g.conv(s, blk.se.fc1, relu=True)
            s = g.hsigmoid(g.conv(s, blk.se.fc2))
            x = g.binary('Mul', x, s)
        x = g.conv(x, blk.project)
        if blk.residual:
            x = g.binary('AddV2', x, inp)
        if i in mnv3.TAPS:
            outs.append(x)
    return outs


def emit_c2f(g, x, m: C2f):
    # cv1 (1x1 to 2c) then split in halves == two 1x1 convs on the halves of the weights
    c = m.c
    halves = []
    for sl in (slice(0, c), slice(c, 2 * c)):
        part = nn.Conv2d(m.cv1.conv.in_channels, c, 1, bias=True)
        part.weight.data = m.cv1.conv.weight.data[sl].clone()
        part.bias.data = m.cv1.conv.bias.data[sl].clone()
        halves.append(g.act(g.conv(x, part), m.cv1.act))
    ys = halves
    for b in m.m:
        assert isinstance(b, Bottleneck)
        y = emit_conv_module(g, emit_conv_module(g, ys[-1], b.cv1), b.cv2)
        ys.append(g.binary('AddV2', ys[-1], y) if b.add else y)
    return emit_conv_module(g, g.concat(ys), m.cv2)


def emit_sppf(g, x, m):
    if not isinstance(m, SPPF):
        return emit_conv_module(g, x, m)
    x = emit_conv_module(g, x, m.cv1)
    ys = [x]
    for _ in range(3):
        ys.append(g.op('MaxPool', [ys[-1]], {**g.T, 'ksize': {'list': {'i': ['1', str(m.k), str(m.k), '1']}},
                                             'strides': {'list': {'i': ['1', '1', '1', '1']}},
                                             'padding': {'s': b64('SAME')}, 'data_format': {'s': b64('NHWC')},
                                             'explicit_paddings': {'list': {}}}))
    return emit_conv_module(g, g.concat(ys), m.cv2)


def upsample2(g, x, h, w):
    return g.op('ResizeNearestNeighbor', [x, g.const(np.array([2 * h, 2 * w], np.int32), 'size')],
                {**g.T, 'align_corners': {'b': False}, 'half_pixel_centers': {'b': False}})


def emit_detector(m, imgsz):
    g = GraphBuilder()
    x = 'images'
    g.nodes.append({'name': 'images', 'op': 'Placeholder', 'attr': {
        'dtype': {'type': 'DT_FLOAT'},
        'shape': {'shape': {'dim': [{'size': '1'}, {'size': str(imgsz)}, {'size': str(imgsz)}, {'size': '3'}]}}}})
    p3, p4, p5 = emit_backbone(g, x, m.backbone)
    nk = m.neck
    s5 = [imgsz // 32] * 2
    p5 = emit_sppf(g, p5, nk.sppf)
    t4 = emit_c2f(g, g.concat([upsample2(g, p5, *s5), p4]), nk.td4)
    o3 = emit_c2f(g, g.concat([upsample2(g, t4, s5[0] * 2, s5[1] * 2), p3]), nk.td3)
    o4 = emit_c2f(g, g.concat([emit_conv_module(g, o3, nk.down3), t4]), nk.bu4)
    o5 = emit_c2f(g, g.concat([emit_conv_module(g, o4, nk.down4), p5]), nk.bu5)
    hd = m.head
    R = hd.reg_max
    boxes, clss, anchors, strides = [], [], [], []
    for lvl, (f, s) in enumerate(zip([o3, o4, o5], STRIDES)):
        h = w = imgsz // s
        bx = f
        for sub in hd.box[lvl]:
            bx = emit_conv_module(g, bx, sub)
        cl = f
        for sub in hd.cls[lvl]:
            cl = emit_conv_module(g, cl, sub)
        boxes.append(g.reshape(bx, [h * w * 4, R]))
        clss.append(g.reshape(cl, [h * w, hd.nc]))
        yy, xx = np.meshgrid(np.arange(h) + 0.5, np.arange(w) + 0.5, indexing='ij')
        anchors.append(np.stack([xx.ravel(), yy.ravel(), np.zeros(h * w), np.zeros(h * w)], 1))
        strides.append(np.full((h * w, 1), s))
    n = sum(len(a) for a in anchors)
    dist = g.unary('Softmax', g.concat(boxes, axis=0))  # [N*4, R]
    d = g.op('MatMul', [dist, g.const(np.arange(R, dtype=np.float32).reshape(R, 1), 'proj')],
             {**g.T, 'transpose_a': {'b': False}, 'transpose_b': {'b': False}})
    d = g.reshape(d, [n, 4])  # l, t, r, b (grid units)
    # [l,t,r,b] -> [cx-ax, cy-ay, w, h]
    M = np.array([[-0.5, 0, 1, 0], [0, -0.5, 0, 1], [0.5, 0, 1, 0], [0, 0.5, 0, 1]], np.float32)
    xywh = g.op('MatMul', [d, g.const(M, 'ltrb2xywh')], {**g.T, 'transpose_a': {'b': False}, 'transpose_b': {'b': False}})
    xywh = g.binary('AddV2', xywh, g.const(np.concatenate(anchors).astype(np.float32), 'anchors'))
    xywh = g.binary('Mul', xywh, g.const(np.concatenate(strides).astype(np.float32), 'strides'))
    scores = g.unary('Sigmoid', g.concat(clss, axis=0))  # [N, nc]
    out = g.concat([xywh, scores], axis=1)  # [N, 4+nc]
    out = g.op('Transpose', [out, g.const(np.array([1, 0], np.int32), 'perm')], {**g.T, 'Tperm': {'type': 'DT_INT32'}})
    out = g.reshape(out, [1, 4 + hd.nc, n])
    g.nodes.append({'name': 'output0', 'op': 'Identity', 'input': [out], 'attr': dict(g.T)})
    return g, n


def export_tfjs(model, out_dir, imgsz=320, meta=None):
    m = prepare_for_export(model)
    g, n = emit_detector(m, imgsz)
    os.makedirs(out_dir, exist_ok=True)
    shard = 'group1-shard1of1.bin'
    manifest, blobs = [], []
    for name, arr in g.weights:
        manifest.append({'name': name, 'shape': list(arr.shape),
                         'dtype': 'float32' if arr.dtype == np.float32 else 'int32'})
        blobs.append(np.ascontiguousarray(arr).tobytes())
    open(os.path.join(out_dir, shard), 'wb').write(b''.join(blobs))
    mj = {
        'format': 'graph-model',
        'generatedBy': 'lookout training/export_tfjs.py',
        'convertedBy': 'lookout training/export_tfjs.py (PyTorch modules -> tfjs graph, no TensorFlow)',
        'signature': {
            'inputs': {'images': {'name': 'images', 'dtype': 'DT_FLOAT', 'tensorShape': {
                'dim': [{'size': '1'}, {'size': str(imgsz)}, {'size': str(imgsz)}, {'size': '3'}]}}},
            'outputs': {'output0': {'name': 'output0', 'dtype': 'DT_FLOAT', 'tensorShape': {
                'dim': [{'size': '1'}, {'size': str(4 + m.head.nc)}, {'size': str(n)}]}}}},
        'modelTopology': {'node': g.nodes, 'library': {}, 'versions': {}},
        'weightsManifest': [{'paths': [shard], 'weights': manifest}],
    }
    if meta:
        mj['userDefinedMetadata'] = meta
    json.dump(mj, open(os.path.join(out_dir, 'model.json'), 'w'), separators=(',', ':'))
    return m
