"""ONNX export in the Ultralytics layout: input `images` [1,3,S,S] RGB 0..1,
output `output0` [1,84,N], metadata_props names/imgsz/stride/task like an
Ultralytics export."""
import copy

import onnx
import torch

from common import COCO80
from mnv3 import MobileNetV3Backbone, fold_fp16_constants
from model import fuse_bn


def prepare_for_export(model):
    """Copy with BN folded, the backbone's fp16 hard-swish constant folded into its convs (see
    mnv3.fold_fp16_constants: features then match mb3-centernet's graph to ~1e-5 at no run-time cost) and
    the backbone's 0..255 input scale folded into the stem conv."""
    m = fuse_bn(copy.deepcopy(model)).eval()
    if isinstance(m.backbone, MobileNetV3Backbone):
        fold_fp16_constants(m.backbone)
    if m.in_scale != 1.0:
        stem = m.backbone.stem[0]
        stem.weight.data *= m.in_scale
        m.in_scale = 1.0
    m.export = True
    return m


def export_onnx(model, path, imgsz=320, extra_meta=None):
    m = prepare_for_export(model)
    x = torch.rand(1, 3, imgsz, imgsz)
    with torch.no_grad():
        torch.onnx.export(m, x, path, opset_version=17, input_names=['images'], output_names=['output0'],
                          do_constant_folding=True)
    mp = onnx.load(path)
    meta = {
        'description': 'lookout YOLOv8-MobileNetV3 (MobileNetV3-Large-0.75 backbone of mb3-centernet, YOLOv8 neck/head)',
        'author': 'lookout',
        'task': 'detect',
        'batch': '1',
        'stride': '32',
        'imgsz': f'[{imgsz}, {imgsz}]',
        'names': '{' + ', '.join(f"{i}: '{n}'" for i, n in enumerate(COCO80)) + '}',
    }
    meta.update(extra_meta or {})
    del mp.metadata_props[:]
    for k, v in meta.items():
        p = mp.metadata_props.add()
        p.key, p.value = k, v
    onnx.save(mp, path)
    return m
