"""Exports mb3-centernet whole (backbone, CenterNet head and the graph's peak decoding) to
ONNX in lookout's model contract, beside the tfjs graph in models/mb3-centernet:

  /usr/bin/python3 training/export_teacher_onnx.py [--out models/mb3-centernet/model.onnx] [--imgsz 512]

Input `images` [1,3,512,512] RGB 0..1; output `output0` [1,100,84] (cx,cy,w,h in input pixels +
80 class scores), like the tfjs graph. The weights are the package's, unchanged (fp16 values
stored as float32). Parity with the tfjs graph: test/unit/model/mb3-centernet-parity.test.ts."""
import argparse
import os
import sys

import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import COCO80, ROOT, find_teacher_json  # noqa: E402
from teacher_model import WholeTeacher  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(ROOT, 'models', 'mb3-centernet', 'model.onnx'))
    ap.add_argument('--teacher')
    ap.add_argument('--imgsz', type=int, default=512)
    args = ap.parse_args()
    m = WholeTeacher(find_teacher_json(args.teacher))
    x = torch.rand(1, 3, args.imgsz, args.imgsz)
    with torch.no_grad():
        torch.onnx.export(m, x, args.out, opset_version=17, input_names=['images'], output_names=['output0'],
                          do_constant_folding=True)
    mp = onnx.load(args.out)
    meta = {'description': 'mb3-centernet (MobileNetV3-Large-0.75 + CenterNet head, COCO) with its peak decoding',
            'author': 'upstream 610265158/mobilenetv3_centernet; tfjs conversion by vladmandic (@vladmandic/human 3.3.6); '
                      'ONNX export by lookout (training/export_teacher_onnx.py)',
            'task': 'detect', 'batch': '1', 'imgsz': f'[{args.imgsz}, {args.imgsz}]',
            'names': '{' + ', '.join(f"{i}: '{n}'" for i, n in enumerate(COCO80)) + '}'}
    del mp.metadata_props[:]
    for k, v in meta.items():
        p = mp.metadata_props.add()
        p.key, p.value = k, v
    onnx.save(mp, args.out)
    print(args.out, os.path.getsize(args.out))


if __name__ == '__main__':
    main()
