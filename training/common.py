"""Shared helpers: paths, COCO names, image loading and letterboxing."""
import os

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_DATA = os.path.normpath(os.path.join(ROOT, '..', 'shared', 'datasets'))
# mb3-centernet as committed in models/ (the package's graph with lookout's I/O wrapper; the backbone
# weights and node names are the package's, unchanged), or the package's own files.
TEACHER_JSON_CANDIDATES = [
    os.path.join(ROOT, 'models', 'mb3-centernet', 'model.json'),
    os.path.join(ROOT, 'node_modules', '@vladmandic', 'human', 'models', 'centernet.json'),
    '/tmp/human/package/models/centernet.json',
]

COCO80 = ['person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat', 'traffic light',
          'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow',
          'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag', 'tie', 'suitcase', 'frisbee',
          'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard', 'surfboard',
          'tennis racket', 'bottle', 'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple',
          'sandwich', 'orange', 'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch',
          'potted plant', 'bed', 'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard',
          'cell phone', 'microwave', 'oven', 'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors',
          'teddy bear', 'hair drier', 'toothbrush']


def find_teacher_json(explicit=None):
    for p in ([explicit] if explicit else []) + TEACHER_JSON_CANDIDATES:
        if p and os.path.exists(p) and os.path.exists(os.path.join(os.path.dirname(p), 'centernet.bin')):
            return p
    raise FileNotFoundError('centernet.json + centernet.bin not found; run: npm pack @vladmandic/human@3.3.6 and untar, '
                            'then pass --teacher PATH/models/centernet.json')


def load_rgb(path):
    return np.asarray(Image.open(path).convert('RGB'))


def letterbox(img, size, pad=114, center=True):
    """Scale to fit size x size (bilinear), pad with `pad`. Returns (out uint8 HxWx3, scale, padx, pady)."""
    h, w = img.shape[:2]
    s = min(size / w, size / h)
    nw, nh = max(1, round(w * s)), max(1, round(h * s))
    im = np.asarray(Image.fromarray(img).resize((nw, nh), Image.BILINEAR))
    out = np.full((size, size, 3), pad, np.uint8)
    px, py = ((size - nw) // 2, (size - nh) // 2) if center else (0, 0)
    out[py:py + nh, px:px + nw] = im
    return out, s, px, py
