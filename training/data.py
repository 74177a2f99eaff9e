"""Training targets and augmentation.

Each training image is a record (path, ground-truth boxes, the classes its labels are complete
for): every class for the sets with full COCO labels; the labelled classes for the sets with
partial labels; none for the unlabelled sets (and for openimages_rf5_valtest, whose partial
labels include group boxes).

Everything else comes from the teacher, mb3-centernet, run on each augmented view as it is
trained (train.py: its CenterNet head, with its box sides, on the backbone features the student
computes anyway), so that every view of every photo without complete labels gets the teacher's
boxes as targets for the task-aligned assignment (`merge_pseudo`):
- a class the photo's labels do not cover: the teacher's boxes scoring >= PSEUDO_THR;
- a class they cover, on a set with partial labels: the teacher's confident boxes (>= COMPLETE_THR)
  that overlap no ground-truth box of their class (those sets leave some objects unboxed, e.g.
  crowds in the background).
A mosaic joins four photos with different label coverage, so each view carries its regions: the
rectangle where each photo landed and the classes its labels cover; a teacher box belongs to the
region holding its centre.

Augmentation: letterbox, random scale/translate, horizontal flip, HSV jitter, and 2x2 mosaic.
"""
import os
import random

import numpy as np
from PIL import Image

from common import load_rgb

FULL = {'train_coco128', 'train_cocomini', 'train_cocotiny', 'coco_tinycoco2_train2017', 'coco_tinycoco2_val2017'}
PARTIAL = {
    'highway_vehicles_rf_tidar': {0, 2, 3, 5, 7},
    'highway_vehicles_rf_train': {0, 2, 3, 5, 7},
    'person_capston2_rf': {0},
    'train_voc2012_indoor': {0, 24, 39, 41, 45, 56, 57, 58, 59, 60, 62, 65, 71, 73, 75},
}
TEACHER_ONLY = {'openimages_rf5_valtest', 'unlabelled_cocomini_val2017', 'video_intel_samples'}
PSEUDO_THR, COMPLETE_THR, COMPLETE_IOU = 0.3, 0.5, 0.3
ALL = frozenset(range(80))
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


def targets_for(rel, data):
    """(image path, ground-truth [(cls,x1,y1,x2,y2)] in source pixels, classes the labels cover)."""
    s = rel.split('/')[0]
    path = os.path.join(data, rel)
    stem = os.path.splitext(os.path.basename(rel))[0]
    with Image.open(path) as im:
        w, h = im.size
    if s in FULL:
        return path, read_yolo_labels(os.path.join(data, s, 'labels', stem + '.txt'), w, h), ALL
    if s in PARTIAL:
        sub = 'labels_partial' if os.path.isdir(os.path.join(data, s, 'labels_partial')) else 'labels'
        return path, read_yolo_labels(os.path.join(data, s, sub, stem + '.txt'), w, h), frozenset(PARTIAL[s])
    if s in TEACHER_ONLY:
        return path, [], frozenset()
    raise ValueError(f'{rel}: unknown set {s}')


def merge_pseudo(gt, regions, teacher):
    """Targets of one view: its ground truth plus the teacher's boxes [(cls,x1,y1,x2,y2,score)]
    where the region holding the box's centre has no complete labels for that class."""
    out = list(gt)
    for c, x1, y1, x2, y2, sc in teacher:
        cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
        known = next((k for (a, b, cc, d, k) in regions if a <= cx < cc and b <= cy < d), None)
        if known is None or known is ALL:
            continue
        if c not in known:
            if sc >= PSEUDO_THR:
                out.append((c, x1, y1, x2, y2))
        elif sc >= COMPLETE_THR and all(g[0] != c or _iou(g[1:], (x1, y1, x2, y2)) < COMPLETE_IOU for g in gt):
            out.append((c, x1, y1, x2, y2))
    return out


def _iou(a, b):
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


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
    return canvas, _clip(nb, S, S), [(0, 0, S, S)]


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
    return _hsv(canvas, rng), nb, [(0, 0, S, S)]


def mosaic_sample(items, S, rng):
    """items: 4 (img, boxes). 2x2 mosaic on a 2S canvas around a random centre, then a random
    1.4S window of it resized to S."""
    C = 2 * S
    canvas = np.full((C, C, 3), PAD, np.uint8)
    xc, yc = int(rng.uniform(0.6, 1.4) * S), int(rng.uniform(0.6, 1.4) * S)
    allb, rects = [], []
    for i, (img, boxes) in enumerate(items):
        h, w = img.shape[:2]
        s = min(S / w, S / h) * rng.uniform(0.7, 1.3)
        nw, nh = round(w * s), round(h * s)
        ox = xc - nw if i in (0, 2) else xc
        oy = yc - nh if i in (0, 1) else yc
        allb += _place(canvas, img, boxes, s, ox, oy)
        rects.append((ox, oy, ox + nw, oy + nh))
    win = int(1.4 * S)
    wx = int(np.clip(xc - win / 2 + rng.uniform(-0.2, 0.2) * S, 0, C - win))
    wy = int(np.clip(yc - win / 2 + rng.uniform(-0.2, 0.2) * S, 0, C - win))
    crop = canvas[wy:wy + win, wx:wx + win]
    k = S / win
    out = np.asarray(Image.fromarray(crop).resize((S, S), Image.BILINEAR))
    nb = [(c, (a - wx) * k, (b - wy) * k, (cc - wx) * k, (d - wy) * k) for c, a, b, cc, d in allb]
    nb = _clip(nb, S, S)
    # Later quadrants are pasted over earlier ones, so the first rectangle holding a point is the last pasted.
    regions = [((a - wx) * k, (b - wy) * k, (cc - wx) * k, (d - wy) * k) for a, b, cc, d in reversed(rects)]
    if rng.random() < 0.5:
        out, nb = _flip(out, nb)
        regions = [(S - x2, y1, S - x1, y2) for x1, y1, x2, y2 in regions]
    return _hsv(out, rng), nb, regions


def make_variant(k, idx, records, S, seed, cache_img):
    """Variant k of image idx: 0 letterbox, 1-2 scale/translate/flip/HSV, 3+ mosaic. Returns
    (image, ground-truth boxes, regions [(x1,y1,x2,y2, classes the labels there cover)])."""
    rng = np.random.default_rng([seed, k, idx])
    path, boxes, known = records[idx]
    img = cache_img(path)
    if k == 0:
        im, bx, rects = letterbox_sample(img, boxes, S)
        return im, bx, [(*rects[0], known)]
    if k in (1, 2):
        im, bx, rects = affine_sample(img, boxes, S, rng)
        return im, bx, [(*rects[0], known)]
    others = rng.choice(len(records), 3, replace=False)
    items = [(img, boxes, known)] + [(cache_img(records[j][0]), records[j][1], records[j][2]) for j in others]
    order = rng.permutation(4)
    items = [items[i] for i in order]
    im, bx, rects = mosaic_sample([(a, b) for a, b, _ in items], S, rng)
    return im, bx, [(*r, kn) for r, (_, _, kn) in zip(rects, reversed(items))]


def load_image(path):
    return load_rgb(path)


def shuffled(n, seed):
    r = random.Random(seed)
    idx = list(range(n))
    r.shuffle(idx)
    return idx
