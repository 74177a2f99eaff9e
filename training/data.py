"""Training targets and augmentation.

Targets per image (xyxy in source pixels, COCO-80 ids):
- sets with full COCO labels: the ground truth;
- sets with partial labels: the ground truth for the classes the set labels,
  plus teacher pseudo-labels (score >= --pseudo-thr) for every other class;
- openimages_rf5_valtest (partial, group boxes) and the unlabelled set: the
  teacher's pseudo-labels only.
The teacher's detections come from `lookout detect --json` on mb3-centernet
at 512 (training/cache/teacher-512.jsonl).

Augmentation (applied when the backbone features are cached, K variants per
image): letterbox, random scale/translate, horizontal flip, HSV jitter, and
2x2 mosaic.
"""
import json
import os
import random

import numpy as np
from PIL import Image

from common import load_rgb

FULL = {'train_coco128', 'train_cocomini', 'train_cocotiny', 'coco_tinycoco2_train2017', 'coco_tinycoco2_val2017'}
PARTIAL = {
    'highway_vehicles_rf_tidar': {0, 2, 3, 5, 7},
    'train_voc2012_indoor': {0, 24, 39, 41, 45, 56, 57, 58, 59, 60, 62, 65, 71, 73, 75},
}
TEACHER_ONLY = {'openimages_rf5_valtest', 'unlabelled_cocomini_val2017'}
PAD = 114


def read_yolo_labels(path, w, h):
    out = []
    if os.path.exists(path):
        for line in open(path):
            p = line.split()
            if len(p) != 5:
                continue
            c, cx, cy, bw, bh = int(p[0]), *map(float, p[1:])
            out.append((c, (cx - bw / 2) * w, (cy - bh / 2) * h, (cx + bw / 2) * w, (cy + bh / 2) * h))
    return out


def read_teacher(jsonl):
    """file basename path (relative 'set/images/x.jpg') -> [(cls, x1,y1,x2,y2, score)]."""
    out = {}
    for line in open(jsonl):
        r = json.loads(line)
        key = '/'.join(r['file'].replace('\\', '/').split('/')[-3:])
        out[key] = [(o['class_id'], *o['box'], o['score']) for o in r['objects']]
    return out


def targets_for(rel, data, teacher, thr):
    """(image path, [(cls,x1,y1,x2,y2)]) for one image of the training list."""
    s = rel.split('/')[0]
    path = os.path.join(data, rel)
    stem = os.path.splitext(os.path.basename(rel))[0]
    with Image.open(path) as im:
        w, h = im.size
    t = [d[:5] for d in teacher.get(rel, []) if d[5] >= thr]
    if s in FULL:
        boxes = read_yolo_labels(os.path.join(data, s, 'labels', stem + '.txt'), w, h)
    elif s in PARTIAL:
        known = PARTIAL[s]
        sub = 'labels_partial' if os.path.isdir(os.path.join(data, s, 'labels_partial')) else 'labels'
        gt = read_yolo_labels(os.path.join(data, s, sub, stem + '.txt'), w, h)
        boxes = gt + [d for d in t if d[0] not in known]
    elif s in TEACHER_ONLY:
        if rel not in teacher:
            raise KeyError(f'{rel}: no teacher detections in the teacher file')
        boxes = t
    else:
        raise ValueError(f'{rel}: unknown set {s}')
    return path, boxes


def _hsv(img, rng, hg=0.015, sg=0.7, vg=0.4):
    r = rng.uniform(-1, 1, 3) * [hg, sg, vg] + 1
    hsv = np.asarray(Image.fromarray(img).convert('HSV')).astype(np.float32)
    hsv[..., 0] = (hsv[..., 0] * r[0]) % 256
    hsv[..., 1] = np.clip(hsv[..., 1] * r[1], 0, 255)
    hsv[..., 2] = np.clip(hsv[..., 2] * r[2], 0, 255)
    return np.asarray(Image.fromarray(hsv.astype(np.uint8), 'HSV').convert('RGB'))


def _place(canvas, img, boxes, scale, ox, oy):
    """Resizes img by scale and pastes it at (ox, oy) on canvas (cropping); returns moved boxes."""
    h, w = img.shape[:2]
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    im = np.asarray(Image.fromarray(img).resize((nw, nh), Image.BILINEAR))
    H, W = canvas.shape[:2]
    x0, y0 = max(ox, 0), max(oy, 0)
    x1, y1 = min(ox + nw, W), min(oy + nh, H)
    if x1 > x0 and y1 > y0:
        canvas[y0:y1, x0:x1] = im[y0 - oy:y1 - oy, x0 - ox:x1 - ox]
    out = []
    for c, a, b, cc, d in boxes:
        out.append((c, a * scale + ox, b * scale + oy, cc * scale + ox, d * scale + oy))
    return out


def _clip(boxes, W, H, min_size=2.0, min_keep=0.25):
    out = []
    for c, x1, y1, x2, y2 in boxes:
        area = max(x2 - x1, 0) * max(y2 - y1, 0)
        a, b = min(max(x1, 0), W), min(max(y1, 0), H)
        cc, d = min(max(x2, 0), W), min(max(y2, 0), H)
        if cc - a < min_size or d - b < min_size or area <= 0 or (cc - a) * (d - b) / area < min_keep:
            continue
        out.append((c, a, b, cc, d))
    return out


def _flip(img, boxes):
    W = img.shape[1]
    return img[:, ::-1].copy(), [(c, W - x2, y1, W - x1, y2) for c, x1, y1, x2, y2 in boxes]


def letterbox_sample(img, boxes, S):
    h, w = img.shape[:2]
    s = min(S / w, S / h)
    canvas = np.full((S, S, 3), PAD, np.uint8)
    nb = _place(canvas, img, boxes, s, (S - round(w * s)) // 2, (S - round(h * s)) // 2)
    return canvas, _clip(nb, S, S)


def affine_sample(img, boxes, S, rng, scale=(0.6, 1.4), translate=0.15):
    h, w = img.shape[:2]
    s = min(S / w, S / h) * rng.uniform(*scale)
    nw, nh = w * s, h * s
    ox = int((S - nw) / 2 + rng.uniform(-translate, translate) * S)
    oy = int((S - nh) / 2 + rng.uniform(-translate, translate) * S)
    canvas = np.full((S, S, 3), PAD, np.uint8)
    nb = _clip(_place(canvas, img, boxes, s, ox, oy), S, S)
    if rng.random() < 0.5:
        canvas, nb = _flip(canvas, nb)
    return _hsv(canvas, rng), nb


def mosaic_sample(items, S, rng):
    """items: 4 (img, boxes). 2x2 mosaic on a 2S canvas around a random centre, then a random
    1.4S window of it resized to S."""
    C = 2 * S
    canvas = np.full((C, C, 3), PAD, np.uint8)
    xc, yc = int(rng.uniform(0.6, 1.4) * S), int(rng.uniform(0.6, 1.4) * S)
    allb = []
    for i, (img, boxes) in enumerate(items):
        h, w = img.shape[:2]
        s = min(S / w, S / h) * rng.uniform(0.7, 1.3)
        nw, nh = round(w * s), round(h * s)
        ox = xc - nw if i in (0, 2) else xc
        oy = yc - nh if i in (0, 1) else yc
        allb += _place(canvas, img, boxes, s, ox, oy)
    win = int(1.4 * S)
    wx = int(np.clip(xc - win / 2 + rng.uniform(-0.2, 0.2) * S, 0, C - win))
    wy = int(np.clip(yc - win / 2 + rng.uniform(-0.2, 0.2) * S, 0, C - win))
    crop = canvas[wy:wy + win, wx:wx + win]
    k = S / win
    out = np.asarray(Image.fromarray(crop).resize((S, S), Image.BILINEAR))
    nb = [(c, (a - wx) * k, (b - wy) * k, (cc - wx) * k, (d - wy) * k) for c, a, b, cc, d in allb]
    nb = _clip(nb, S, S)
    if rng.random() < 0.5:
        out, nb = _flip(out, nb)
    return _hsv(out, rng), nb


def make_variant(k, idx, records, S, seed, cache_img):
    """Variant k of image idx: 0 letterbox, 1-2 scale/translate/flip/HSV, 3+ mosaic."""
    rng = np.random.default_rng([seed, k, idx])
    path, boxes = records[idx]
    img = cache_img(path)
    if k == 0:
        return letterbox_sample(img, boxes, S)
    if k in (1, 2):
        return affine_sample(img, boxes, S, rng)
    others = rng.choice(len(records), 3, replace=False)
    items = [(img, boxes)] + [(cache_img(records[j][0]), records[j][1]) for j in others]
    order = rng.permutation(4)
    return mosaic_sample([items[i] for i in order], S, rng)


def load_image(path):
    return load_rgb(path)


def shuffled(n, seed):
    r = random.Random(seed)
    idx = list(range(n))
    r.shuffle(idx)
    return idx
