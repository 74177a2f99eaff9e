"""Writes the fixed held-out evaluation list and the training list (paths relative
to the datasets folder). Run once; the lists are committed and never regenerated
by training.

  /usr/bin/python3 training/make_split.py [--data ../shared/datasets]

Eval: every image of coco_tinycoco2_val2017 (COCO val2017, full labels) plus
every 6th image (sorted by name) of the four COCO train2017 sets with full
labels: only fully labelled COCO images, so that mAP counts every object.
Train: everything else, including the partially labelled and unlabelled sets. The eval list
never changes when sets are added: it holds only fully labelled COCO photos.
"""
import argparse
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import DEFAULT_DATA, HERE  # noqa: E402

FULL_COCO_TRAIN = ['train_coco128', 'train_cocomini', 'train_cocotiny', 'coco_tinycoco2_train2017']
EVAL_ALL = ['coco_tinycoco2_val2017']
OTHER = ['train_voc2012_indoor', 'openimages_rf5_valtest', 'highway_vehicles_rf_tidar', 'unlabelled_cocomini_val2017',
         'person_capston2_rf', 'highway_vehicles_rf_train', 'video_intel_samples']
# Every image of the other sets trains (the cap of 280 road photos that an earlier, slower teacher pass
# needed is gone: the PyTorch teacher pass does 3,800 images in minutes).
CAP = {}


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
