"""Trains lookout's YOLOv8-MobileNetV3 detector (neck + head on the frozen
MobileNetV3-Large-0.75 backbone of mb3-centernet), on the CPU.

  /usr/bin/python3 training/train.py [--data ../shared/datasets] [--out training/runs/main]
                                     [--epochs 16] [--variants 5] [--batch 16] [--online-epochs 12]

Steps, each resumable (re-run the same command after an interruption):
 1. targets: ground truth where a set has it; on every view of a photo without complete labels,
    the teacher's boxes (mb3-centernet's CenterNet head with its box sides, teacher_head.py, run
    on the backbone features of that very view) for what the labels do not cover (data.py);
 2. feature cache: K augmented variants of every training image (letterbox; 2x scale/
    translate/flip/HSV; mosaic) through the frozen backbone, stored in fp16 (OUT/cache/);
 3. training of neck + head on the cached features: task-aligned assignment, BCE + CIoU +
    DFL, AdamW, warm-up + cosine, EMA; a checkpoint (OUT/last.pt) every --ckpt-steps steps
    and at each epoch end, written atomically, so a kill or a SIGSTOP/SIGCONT does no harm;
 4. stage 2 (--online-epochs, in OUT/online): the head memorises the K fixed views (train mAP
    64 against 12.6 held out after stage 1), so it goes on from stage 1's weights with a fresh
    augmentation of every sample at every step, through the backbone each time, at input sizes
    cycling through --online-sizes, distilling the teacher's heat on each view (--online-distill).
With --online --distill W (stage 2, or a run of its own from --init weights), every class logit of every
anchor is also trained toward mb3-centernet's own 80-class heat on the same augmented view: its
CenterNet head, ported in teacher_head.py and checked against the graph by
test_teacher_head_parity.py, runs on the backbone features computed for the student anyway.
Then export with training/export.py (OUT/online/final.pt).
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import DEFAULT_DATA, HERE, find_teacher_json  # noqa: E402
from torchvision.ops import batched_nms  # noqa: E402
from data import ALL, PSEUDO_THR, load_image, make_variant, merge_pseudo, shuffled, targets_for  # noqa: E402
from loss import DetectionLoss, distill_loss  # noqa: E402
from mnv3 import load_backbone  # noqa: E402
from model import Detector  # noqa: E402
from teacher_head import TeacherTaps, decode, load_teacher_head  # noqa: E402

EDGE_CFG = dict(widths=(64, 96, 128), n=1, neck_dw=True, box_w=64, cls_w=64, head_dw=True, sppf=True)


def log(msg):
    print(time.strftime('%H:%M:%S'), msg, flush=True)


def atomic_save(obj, path):
    tmp = path + '.tmp'
    torch.save(obj, tmp)
    os.replace(tmp, path)


def build_model(teacher_json, cfg=EDGE_CFG):
    bb, _ = load_backbone(teacher_json)
    for p in bb.parameters():
        p.requires_grad_(False)
    return Detector(bb, bb.out_channels, **cfg)


def teacher_targets(teacher, feats, gts, regions):
    """The teacher's boxes on each view (its head on the student's backbone features: peaks, box
    sides, class-wise NMS at 0.5), merged into that view's targets (data.merge_pseudo)."""
    head, taps = teacher
    with torch.no_grad():
        heat, sides = head(*taps.taps(feats), boxes=True)
    out = []
    for i, (gt, reg) in enumerate(zip(gts, regions)):
        if all(r[4] is ALL for r in reg):
            out.append(gt)
            continue
        boxes, scores, cls = decode(heat[i], sides[i])
        keep = scores >= PSEUDO_THR
        boxes, scores, cls = boxes[keep], scores[keep], cls[keep]
        keep = batched_nms(boxes, scores, cls, 0.5).tolist()
        dets = [(int(cls[j]), *boxes[j].tolist(), float(scores[j])) for j in keep]
        out.append(merge_pseudo(gt, reg, dets))
    return out, heat


def build_cache(args, model, records, teacher):
    cdir = os.path.join(args.out, 'cache')
    os.makedirs(cdir, exist_ok=True)
    imgs = {}

    def cache_img(p):
        if p not in imgs:
            imgs[p] = load_image(p)
        return imgs[p]

    model.backbone.eval()
    for k in range(args.variants):
        f = os.path.join(cdir, f'variant{k}.pt')
        if os.path.exists(f):
            continue
        t0 = time.time()
        feats = [[], [], []]
        boxes = []
        for i0 in range(0, len(records), 32):
            xs, gts, regs = [], [], []
            for i in range(i0, min(i0 + 32, len(records))):
                img, bx, reg = make_variant(k, i, records, args.imgsz, args.seed, cache_img)
                xs.append(torch.from_numpy(img).permute(2, 0, 1).float() / 255.0)
                gts.append(bx)
                regs.append(reg)
            with torch.no_grad():
                out = model.backbone(torch.stack(xs) * model.in_scale)
            targets, _ = teacher_targets(teacher, out, gts, regs)
            boxes += [torch.tensor(t, dtype=torch.float32).reshape(-1, 5) for t in targets]
            for j in range(3):
                feats[j].append(out[j].half())
        atomic_save({'feats': [torch.cat(x) for x in feats], 'boxes': boxes}, f)
        log(f'cached variant {k}: {len(records)} images in {time.time() - t0:.0f} s')
    data = [torch.load(os.path.join(cdir, f'variant{k}.pt')) for k in range(args.variants)]
    return data


class EMA:
    def __init__(self, model, decay=0.998, tau=200):
        self.shadow = {k: v.detach().clone() for k, v in model.state_dict().items()}
        self.decay, self.tau, self.updates = decay, tau, 0

    def update(self, model):
        self.updates += 1
        d = self.decay * (1 - math.exp(-self.updates / self.tau))
        with torch.no_grad():
            for k, v in model.state_dict().items():
                if v.dtype.is_floating_point:
                    self.shadow[k].mul_(d).add_(v.detach(), alpha=1 - d)
                else:
                    self.shadow[k].copy_(v)


def online_batch(model, batch, records, args, step, cache_img, teacher):
    """Fresh views of the batch's images (affine or mosaic, each with flip and HSV), seeded by the
    step so a resumed run sees the same ones, through the frozen backbone; the teacher's boxes on
    the same views complete their targets, and its heat is returned for the distillation."""
    xs, gts, regs = [], [], []
    for i in batch:
        k = 1 + (step * 7 + i) % 4
        img, bx, reg = make_variant(k, i, records, step_size(args, step), args.seed * 1_000_003 + step, cache_img)
        xs.append(torch.from_numpy(np.ascontiguousarray(img)).permute(2, 0, 1).float() / 255.0)
        gts.append(bx)
        regs.append(reg)
    with torch.no_grad():
        feats = model.backbone(torch.stack(xs) * model.in_scale)
    targets, heat = teacher_targets(teacher, feats, gts, regs)
    boxes = [torch.tensor(t, dtype=torch.float32).reshape(-1, 5) for t in targets]
    return list(feats), boxes, heat


def step_size(args, step):
    sizes = [int(v) for v in args.sizes.split(',') if v.strip()] if getattr(args, 'sizes', '') else []
    return sizes[step % len(sizes)] if sizes else args.imgsz


def collate(boxes_list):
    m = max([len(b) for b in boxes_list] + [1])
    B = len(boxes_list)
    cls = torch.zeros(B, m)
    box = torch.zeros(B, m, 4)
    mask = torch.zeros(B, m)
    for i, b in enumerate(boxes_list):
        n = len(b)
        if n:
            cls[i, :n] = b[:, 0]
            box[i, :n] = b[:, 1:]
            mask[i, :n] = 1
    return cls, box, mask


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', default=DEFAULT_DATA)
    ap.add_argument('--train-list', default=os.path.join(HERE, 'splits', 'train.txt'))
    ap.add_argument('--teacher', help='centernet.json of @vladmandic/human 3.3.6 (default: found automatically)')
    ap.add_argument('--out', default=os.path.join(HERE, 'runs', 'main'))
    ap.add_argument('--imgsz', type=int, default=320)
    ap.add_argument('--sizes', default='',
                    help='with --online: comma-separated input sizes (multiples of 32) that the steps cycle through, '
                    'e.g. 320,384,416: the convolutional neck and head then work at each, and export picks one')
    ap.add_argument('--variants', type=int, default=5)
    ap.add_argument('--epochs', type=int, default=16)
    ap.add_argument('--batch', type=int, default=16)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--wd', type=float, default=0.01)
    ap.add_argument('--warmup', type=int, default=200)
    ap.add_argument('--ckpt-steps', type=int, default=100)
    ap.add_argument('--deadline', help='UTC time (e.g. 2026-11-27T23:55) by which training must end: the cosine '
                    'schedule then runs on max(step progress, time progress) and stops at whichever ends first')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--online', action='store_true',
                    help='augment every sample afresh and run the backbone each step instead of reusing the K '
                    'cached variants: slower steps, but no fixed set of views for the head to memorise')
    ap.add_argument('--init', help='start the neck and head from this checkpoint (final.pt of an earlier run)')
    ap.add_argument('--distill', type=float, default=0.0,
                    help='with --online: weight of a dense distillation loss, every class logit of every anchor '
                         "against mb3-centernet's own 80-class heat on the same view (its head, run on the same "
                         'backbone features); 0 = off')
    ap.add_argument('--online-epochs', type=int, default=12,
                    help='after the cached stage, this many epochs of --online training from its final.pt, in '
                    'OUT/online (0 = none); resumable like the first stage')
    ap.add_argument('--online-lr', type=float, default=1e-3)
    ap.add_argument('--online-wd', type=float, default=0.05)
    ap.add_argument('--online-distill', type=float, default=1.0, help='--distill for the online stage')
    ap.add_argument('--online-deadline', help='like --deadline, for the online stage')
    ap.add_argument('--online-sizes', default='320,384,416', help='--sizes for the online stage')
    args = ap.parse_args()
    train(args)
    if args.online_epochs > 0 and not args.online:
        # Stage 2: the cached views are memorised (train mAP far above held-out), so the head goes on
        # with fresh augmentation every step, from the stage-1 weights.
        stage2 = argparse.Namespace(**{**vars(args), 'online': True, 'init': os.path.join(args.out, 'final.pt'),
                                       'out': os.path.join(args.out, 'online'), 'epochs': args.online_epochs,
                                       'lr': args.online_lr, 'wd': args.online_wd, 'warmup': 100,
                                       'deadline': args.online_deadline, 'distill': args.online_distill,
                                       'sizes': args.online_sizes})
        train(stage2)


def train(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    json.dump(vars(args), open(os.path.join(args.out, 'args.json'), 'w'), indent=1)

    rels = [l.strip() for l in open(args.train_list) if l.strip()]
    records = [targets_for(r, args.data) for r in rels]
    log(f'{len(records)} training images, {sum(len(r[1]) for r in records)} ground-truth boxes '
        f'({sum(r[2] is not ALL for r in records)} images completed by the teacher on every view)')

    model = build_model(find_teacher_json(args.teacher))
    if args.init:
        model.load_state_dict(torch.load(args.init)['model'])
        log(f'neck and head initialised from {args.init}')
    n_img = len(records)
    teacher_head = (load_teacher_head(find_teacher_json(args.teacher)), TeacherTaps(model.backbone))
    if args.distill > 0 and not args.online:
        log('--distill applies to the online stage only (the cached stage keeps no stride-4 features)')
    elif args.distill > 0:
        log(f"distilling the teacher's heat, weight {args.distill}")
    if args.online:
        data, samples = None, list(range(n_img))
        images = {}

        def cache_img(p):
            if p not in images:
                images[p] = load_image(p)
            return images[p]
    else:
        data = build_cache(args, model, records, teacher_head)
        samples = [(k, i) for k in range(args.variants) for i in range(n_img)]
    steps_per_epoch = len(samples) // args.batch
    total = steps_per_epoch * args.epochs

    params = [p for n, p in model.named_parameters() if not n.startswith('backbone.')]
    decay = [p for p in params if p.ndim > 1]
    no_decay = [p for p in params if p.ndim <= 1]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': args.wd}, {'params': no_decay, 'weight_decay': 0.0}],
                            lr=args.lr, betas=(0.9, 0.999))
    ema = EMA(model)
    step = 0
    t_start = time.time()
    deadline = None
    if args.deadline:
        import datetime
        deadline = datetime.datetime.fromisoformat(args.deadline).replace(tzinfo=datetime.timezone.utc).timestamp()
    ck = os.path.join(args.out, 'last.pt')
    if os.path.exists(ck):
        st = torch.load(ck)
        model.load_state_dict(st['model'])
        opt.load_state_dict(st['opt'])
        ema.shadow, ema.updates = st['ema'], st['ema_updates']
        step = st['step']
        t_start = st.get('t_start', t_start)
        torch.set_rng_state(st['torch_rng'])
        log(f'resumed from {ck} at step {step}/{total}')

    def progress(s):
        p = (s - args.warmup) / max(1, total - args.warmup)
        if deadline is not None:
            p = max(p, (time.time() - t_start) / max(1.0, deadline - t_start))
        return min(max(p, 0.0), 1.0)

    def lr_at(s):
        if s < args.warmup:
            return args.lr * (s + 1) / args.warmup
        return args.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress(s))))

    def save():
        atomic_save({'model': model.state_dict(), 'opt': opt.state_dict(), 'ema': ema.shadow,
                     'ema_updates': ema.updates, 'step': step, 'torch_rng': torch.get_rng_state(),
                     't_start': t_start, 'cfg': model.cfg, 'args': vars(args)}, ck)

    crit = DetectionLoss()
    model.train()
    model.backbone.eval()
    run_loss = None
    t_last = time.time()
    while step < total and not (step >= args.warmup and progress(step) >= 1.0):
        epoch = step // steps_per_epoch
        order = shuffled(len(samples), args.seed * 1000 + epoch)
        j = step % steps_per_epoch
        batch = [samples[i] for i in order[j * args.batch:(j + 1) * args.batch]]
        if args.online:
            feats, boxes, heat = online_batch(model, batch, records, args, step, cache_img, teacher_head)
        else:
            feats = [torch.stack([data[k]['feats'][lvl][i] for k, i in batch]).float() for lvl in range(3)]
            boxes = [data[k]['boxes'][i] for k, i in batch]
            heat = None
        gc, gb, gm = collate(boxes)
        for g in opt.param_groups:
            g['lr'] = lr_at(step)
        outs = model.heads(feats)
        loss, items = crit(outs, gc, gb, gm)
        if args.online and args.distill > 0:
            lkd = distill_loss(outs, heat)
            loss = loss + args.distill * lkd * len(batch)
            items = torch.cat([items, lkd.detach()[None]])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 10.0)
        opt.step()
        ema.update(model)
        step += 1
        run_loss = items if run_loss is None else 0.95 * run_loss + 0.05 * items
        if step % 20 == 0:
            dt = (time.time() - t_last) / 20
            t_last = time.time()
            log(f'epoch {epoch + 1}/{args.epochs} step {step}/{total} box {run_loss[0]:.4f} cls {run_loss[1]:.4f} '
                f'dfl {run_loss[2]:.4f} ' + (f'kd {run_loss[3]:.4f} ' if len(run_loss) > 3 else '') + f'lr {lr_at(step):.2e} {dt:.2f} s/step')
        if step % args.ckpt_steps == 0 or step % steps_per_epoch == 0 or step == total:
            save()
    save()
    ema_model = build_model(find_teacher_json(args.teacher), model.cfg)
    ema_model.load_state_dict(ema.shadow)
    atomic_save({'model': ema_model.state_dict(), 'cfg': model.cfg, 'step': step}, os.path.join(args.out, 'final.pt'))
    log(f'done: {os.path.join(args.out, "final.pt")}')


if __name__ == '__main__':
    main()
