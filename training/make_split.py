"""Writes the fixed held-out evaluation list and the training list (paths relative
to the datasets folder). Run once; the lists are committed and never regenerated
by training.

  /usr/bin/python3 training/make_split.py [--data ../shared/datasets]

Eval: every image of coco_tinycoco2_val2017 (COCO val2017, full labels) plus
every 6th image (sorted by name) of the four COCO train2017 sets with full
labels: only fully labelled COCO images, so that mAP counts every object.
Train: everything else, including the partially labelled and unlabelled sets (the road-photo
set capped at its first 280 images, see CAP).
"""
import argparse
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import DEFAULT_DATA, HERE  # noqa: E402

FULL_COCO_TRAIN = ['train_coco128', 'train_cocomini', 'train_cocotiny', 'coco_tinycoco2_train2017']
EVAL_ALL = ['coco_tinycoco2_val2017']
OTHER = ['train_voc2012_indoor', 'openimages_rf5_valtest', 'highway_vehicles_rf_tidar', 'unlabelled_cocomini_val2017']
# The teacher pass (about 0.25 s per image at 512, far slower on a busy 2-core board) and the feature cache
# scale with the image count; the first 280 road photos (by name) keep road scenes at about a third of the set.
CAP = {'highway_vehicles_rf_tidar': 280}


def images(data, s):
    return sorted(os.path.relpath(p, data) for p in glob.glob(os.path.join(data, s, 'images', '*.jpg')))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=DEFAULT_DATA)
    args = ap.parse_args()
    ev, tr = [], []
    for s in EVAL_ALL:
        ev += images(args.data, s)
    for s in FULL_COCO_TRAIN:
        ims = images(args.data, s)
        ev += ims[::6]
        tr += [p for i, p in enumerate(ims) if i % 6]
    for s in OTHER:
        tr += images(args.data, s)[:CAP.get(s)]
    out = os.path.join(HERE, 'splits')
    os.makedirs(out, exist_ok=True)
    open(os.path.join(out, 'eval.txt'), 'w').write('\n'.join(ev) + '\n')
    open(os.path.join(out, 'train.txt'), 'w').write('\n'.join(tr) + '\n')
    print(f'eval {len(ev)} train {len(tr)}')


if __name__ == '__main__':
    main()
