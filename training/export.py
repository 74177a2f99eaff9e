"""Exports a trained checkpoint to a lookout model directory: model.onnx (opset
17, Ultralytics layout and metadata), model.json + shard (tfjs graph model, NHWC)
and lookout-model.json.

  /usr/bin/python3 training/export.py [--ckpt training/runs/main/online/final.pt] [--out models/yolov8-mnv3]

The default checkpoint is the online stage's, else the cached stage's (training/train.py).

With a running checkpoint (last.pt) its EMA weights are exported.
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import COCO80, HERE, ROOT, find_teacher_json  # noqa: E402
from export_onnx import export_onnx  # noqa: E402
from export_tfjs import export_tfjs  # noqa: E402
from train import build_model  # noqa: E402

SOURCE = ('lookout YOLOv8-MobileNetV3: YOLOv8-style neck (SPPF + C2f PAN) and Detect head (DFL, anchor-free) '
          'trained by lookout (training/train.py) on the frozen MobileNetV3-Large-0.75 backbone of mb3-centernet '
          '(https://github.com/610265158/mobilenetv3_centernet, converted to tfjs by vladmandic, npm '
          '@vladmandic/human 3.3.6), with ground truth from COCO/VOC/Open Images/Roboflow samples, the boxes of '
          'mb3-centernet on every augmented view of photos without complete labels (Roboflow people and road photos, '
          'Intel IoT DevKit sample-video frames) and its 80-class heatmap. See README.md.')
LICENSE = ('Neck/head weights: trained by the lookout project (MIT). Backbone weights: from @vladmandic/human 3.3.6 '
           '(MIT package; upstream 610265158/mobilenetv3_centernet ships no licence file). Training data: COCO '
           '(annotations CC BY 4.0, images under their Flickr licences), PASCAL VOC (Flickr terms), Open Images '
           '(CC BY 4.0 / CC BY 2.0), Roboflow highway and capston2 sets (CC BY 4.0 as stated), Intel IoT DevKit '
           'sample-videos (CC BY 4.0). See README.md.')


# The default threshold is chosen on the held-out split (npm run eval's "P>=85%" column: the lowest score at which
# person precision reaches 85%), never on the demo clip; 0.25 is the Ultralytics default.
MIN_SCORE = 0.25


def main():
    ap = argparse.ArgumentParser()
    online = os.path.join(HERE, 'runs', 'main', 'online', 'final.pt')
    ap.add_argument('--ckpt', default=online if os.path.exists(online) else os.path.join(HERE, 'runs', 'main', 'final.pt'))
    ap.add_argument('--out', default=os.path.join(ROOT, 'models', 'yolov8-mnv3'))
    ap.add_argument('--teacher')
    ap.add_argument('--imgsz', type=int, default=320)
    ap.add_argument('--min-score', type=float, default=MIN_SCORE,
                    help="the model's default score threshold (lookout-model.json min_score)")
    ap.add_argument('--random', action='store_true', help='random neck/head weights (for testing the exporters)')
    args = ap.parse_args()
    torch.set_num_threads(2)
    if args.random:
        model = build_model(find_teacher_json(args.teacher))
        for mod in model.modules():  # non-trivial BN statistics so that folding is exercised
            if isinstance(mod, torch.nn.BatchNorm2d):
                mod.running_mean.uniform_(-0.5, 0.5)
                mod.running_var.uniform_(0.5, 2.0)
                mod.weight.data.uniform_(0.5, 1.5)
                mod.bias.data.uniform_(-0.5, 0.5)
    else:
        st = torch.load(args.ckpt)
        model = build_model(find_teacher_json(args.teacher), st['cfg'])
        # final.pt holds the EMA weights as 'model'; last.pt (a running checkpoint) holds them as 'ema'
        model.load_state_dict(st.get('ema', st['model']))
        print(f"{args.ckpt}: step {st['step']}")
    model.eval()
    os.makedirs(args.out, exist_ok=True)
    export_onnx(model, os.path.join(args.out, 'model.onnx'), args.imgsz, {'license': LICENSE})
    export_tfjs(model, args.out, args.imgsz, {'lookout': SOURCE})
    meta = {'labels': COCO80, 'imgsz': [args.imgsz, args.imgsz], 'strides': [8, 16, 32], 'task': 'detect',
            'min_score': args.min_score, 'source': SOURCE, 'license': LICENSE}
    json.dump(meta, open(os.path.join(args.out, 'lookout-model.json'), 'w'), indent=2)
    for f in sorted(os.listdir(args.out)):
        print(f, os.path.getsize(os.path.join(args.out, f)))


if __name__ == '__main__':
    main()
