"""Pseudo-labels for training: mb3-centernet (backbone + CenterNet head + its peak decoding, the
same network as models/mb3-centernet/model.onnx) on every training image, in PyTorch, batched.

  /usr/bin/python3 training/teacher_pass.py [--list training/splits/train.txt] [--out training/cache/teacher-512-flip.jsonl]

Per image: letterbox to 512 (scale to fit, image at the top-left, zero padding: the preprocessing
the teacher scores best with), the maps of the image and of its mirror averaged (flip test-time
augmentation, teacher_head.flip_merge), the top 100 peaks, class-wise NMS at IoU 0.5 (its raw
peaks hold same-class duplicates), scores >= 0.05, boxes mapped back to source pixels.
Writes one JSON line per image ({"file", "objects": [{"class_id", "box": [x1,y1,x2,y2], "score"}]},
the `lookout detect --json` form). Resumable: images already in the output file are skipped.
Training does not need it (train.py runs the teacher inside every step); it measures the
teacher's own detections, e.g. with and without flip (training/results/teacher-flip.md).
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
from torchvision.ops import batched_nms

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import DEFAULT_DATA, HERE, find_teacher_json, letterbox, load_rgb  # noqa: E402
from teacher_head import decode, flip_merge  # noqa: E402
from teacher_model import WholeTeacher  # noqa: E402


def detect_batch(teacher, imgs, size=512, flip=True, min_score=0.05, nms_iou=0.5):
    xs, scales = [], []
    for img in imgs:
        lb, s, _, _ = letterbox(img, size, pad=0, center=False)
        xs.append(torch.from_numpy(lb).permute(2, 0, 1).float() / 255.0)
        scales.append(s)
    x = torch.stack(xs)
    with torch.no_grad():
        heat, sides = teacher.maps(x)
        if flip:
            heat_f, sides_f = teacher.maps(x.flip(3))
            heat, sides = flip_merge(heat, sides, heat_f, sides_f)
    out = []
    for i, img in enumerate(imgs):
        boxes, scores, cls = decode(heat[i], sides[i])
        keep = scores >= min_score
        boxes, scores, cls = boxes[keep], scores[keep], cls[keep]
        keep = batched_nms(boxes, scores, cls, nms_iou)
        h, w = img.shape[:2]
        objs = []
        for j in keep.tolist():
            b = (boxes[j] / scales[i]).tolist()
            b = [min(max(b[0], 0), w), min(max(b[1], 0), h), min(max(b[2], 0), w), min(max(b[3], 0), h)]
            if b[2] - b[0] < 1 or b[3] - b[1] < 1:
                continue
            objs.append({'class_id': int(cls[j]), 'box': [round(v, 2) for v in b], 'score': round(float(scores[j]), 4)})
        out.append(objs)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=DEFAULT_DATA)
    ap.add_argument('--list', default=os.path.join(HERE, 'splits', 'train.txt'))
    ap.add_argument('--out', default=os.path.join(HERE, 'cache', 'teacher-512-flip.jsonl'))
    ap.add_argument('--teacher')
    ap.add_argument('--no-flip', action='store_true')
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--threads', type=int, default=2)
    args = ap.parse_args()
    run(args)


def run(args):
    torch.set_num_threads(args.threads)
    rels = [l.strip() for l in open(args.list) if l.strip()]
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    done = set()
    if os.path.exists(args.out):
        with open(args.out, 'rb+') as f:  # drop a last line cut short by an interruption
            data = f.read()
            if data and not data.endswith(b'\n'):
                f.truncate(data.rfind(b'\n') + 1)
        for line in open(args.out):
            try:
                done.add(json.loads(line)['file'])
            except (ValueError, KeyError):
                pass  # a line cut by an interruption: that image is redone
    todo = [r for r in rels if r not in done]
    if not todo:
        return
    teacher = WholeTeacher(find_teacher_json(args.teacher))
    t0 = time.time()
    with open(args.out, 'a') as f:
        for i0 in range(0, len(todo), args.batch):
            chunk = todo[i0:i0 + args.batch]
            imgs = [load_rgb(os.path.join(args.data, r)) for r in chunk]
            for r, objs in zip(chunk, detect_batch(teacher, imgs, flip=not args.no_flip)):
                f.write(json.dumps({'file': r, 'objects': objs}) + '\n')
            f.flush()
            if (i0 // args.batch) % 25 == 0:
                print(f'teacher: {i0 + len(chunk)}/{len(todo)} images, {time.time() - t0:.0f} s', flush=True)


if __name__ == '__main__':
    main()
