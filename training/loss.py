"""YOLOv8-style detection loss, written from the papers' descriptions:
task-aligned assignment (TOOD), BCE for classes, CIoU + distribution focal
loss (GFL) for boxes. Boxes are xyxy in input pixels.
"""
import math

import torch
import torch.nn.functional as F

from model import REG_MAX, STRIDES, make_anchors


def box_iou_pairs(a, b, eps=1e-7):
    """IoU of a[..., 4] with b[..., 4] (broadcast), xyxy."""
    lt = torch.max(a[..., :2], b[..., :2])
    rb = torch.min(a[..., 2:], b[..., 2:])
    inter = (rb - lt).clamp(min=0).prod(-1)
    area_a = (a[..., 2:] - a[..., :2]).clamp(min=0).prod(-1)
    area_b = (b[..., 2:] - b[..., :2]).clamp(min=0).prod(-1)
    return inter / (area_a + area_b - inter + eps)


def ciou(a, b, eps=1e-7):
    """Complete IoU of matched pairs a[N,4], b[N,4] (xyxy)."""
    iou = box_iou_pairs(a, b, eps)
    cw = torch.max(a[:, 2], b[:, 2]) - torch.min(a[:, 0], b[:, 0])
    ch = torch.max(a[:, 3], b[:, 3]) - torch.min(a[:, 1], b[:, 1])
    c2 = cw ** 2 + ch ** 2 + eps
    rho2 = ((a[:, 0] + a[:, 2] - b[:, 0] - b[:, 2]) ** 2 + (a[:, 1] + a[:, 3] - b[:, 1] - b[:, 3]) ** 2) / 4
    wa, ha = a[:, 2] - a[:, 0], (a[:, 3] - a[:, 1]).clamp(min=eps)
    wb, hb = b[:, 2] - b[:, 0], (b[:, 3] - b[:, 1]).clamp(min=eps)
    v = (4 / math.pi ** 2) * (torch.atan(wb / hb) - torch.atan(wa / ha)) ** 2
    with torch.no_grad():
        alpha = v / (v - iou + (1 + eps))
    return iou - (rho2 / c2 + v * alpha)


class TaskAlignedAssigner:
    """For each ground-truth box: anchors whose centre lies inside it are
    candidates; the top-k by alignment t = score^alpha * IoU^beta become its
    positives; an anchor claimed by several boxes keeps the one of highest IoU.
    Target score = one-hot class * t normalised so that each box's best anchor
    gets that box's best IoU."""

    def __init__(self, topk=10, alpha=0.5, beta=6.0, eps=1e-9):
        self.topk, self.alpha, self.beta, self.eps = topk, alpha, beta, eps

    @torch.no_grad()
    def __call__(self, scores, pboxes, anchors, gt_cls, gt_box, gt_mask):
        # scores [B,N,C] sigmoid, pboxes [B,N,4] px, anchors [N,2] px, gt_cls [B,M], gt_box [B,M,4], gt_mask [B,M]
        b, n, c = scores.shape
        m = gt_box.shape[1]
        if m == 0:
            return (torch.zeros(b, n, 4), torch.zeros(b, n, c), torch.zeros(b, n, dtype=torch.bool))
        x, y = anchors[:, 0].view(1, 1, n), anchors[:, 1].view(1, 1, n)
        inside = ((x - gt_box[..., 0:1] > self.eps) & (y - gt_box[..., 1:2] > self.eps)
                  & (gt_box[..., 2:3] - x > self.eps) & (gt_box[..., 3:4] - y > self.eps))  # [B,M,N]
        cand = inside & gt_mask.bool().unsqueeze(-1)
        cls_idx = gt_cls.long().clamp(min=0)
        s = scores.gather(2, cls_idx.unsqueeze(1).expand(b, n, m)).permute(0, 2, 1)  # [B,M,N]
        iou = box_iou_pairs(gt_box.unsqueeze(2), pboxes.unsqueeze(1)).clamp(min=0)  # [B,M,N]
        iou = iou * cand
        align = s.pow(self.alpha) * iou.pow(self.beta) * cand
        k = min(self.topk, n)
        top = align.topk(k, dim=-1).indices  # [B,M,k]
        sel = torch.zeros_like(align, dtype=torch.bool).scatter_(-1, top, True) & cand & (align > 0)
        # an anchor claimed by several boxes: keep the box with the highest IoU
        multi = sel.sum(1, keepdim=True) > 1  # [B,1,N]
        best = iou.argmax(1, keepdim=True)  # [B,1,N]
        only_best = torch.zeros_like(sel).scatter_(1, best, True)
        sel = torch.where(multi, only_best, sel) & cand
        fg = sel.any(1)  # [B,N]
        gt_of = sel.float().argmax(1)  # [B,N]
        tbox = gt_box.gather(1, gt_of.unsqueeze(-1).expand(b, n, 4))
        tcls = cls_idx.gather(1, gt_of)
        align = align * sel
        iou_s = iou * sel
        norm = (align * (iou_s.amax(-1, keepdim=True) / (align.amax(-1, keepdim=True) + self.eps))).amax(1)  # [B,N]
        tscore = F.one_hot(tcls, c).float() * (norm * fg).unsqueeze(-1)
        return tbox, tscore, fg


def bbox_to_dist(anchors, box, reg_max):
    """xyxy (grid units) -> ltrb distances (grid units), clamped into the DFL range."""
    lt = anchors - box[..., :2]
    rb = box[..., 2:] - anchors
    return torch.cat([lt, rb], -1).clamp(0, reg_max - 1 - 0.01)


def dfl_loss(logits, target):
    """logits [K,4,R], target [K,4] in [0,R-1): CE to the two neighbouring bins, linearly weighted."""
    tl = target.long()
    tr = tl + 1
    wl = tr.float() - target
    wr = 1 - wl
    lp = F.log_softmax(logits, -1)
    loss = -(lp.gather(-1, tl.unsqueeze(-1)).squeeze(-1) * wl + lp.gather(-1, tr.unsqueeze(-1)).squeeze(-1) * wr)
    return loss.mean(-1)


class DetectionLoss:
    def __init__(self, nc=80, reg_max=REG_MAX, box_gain=7.5, cls_gain=0.5, dfl_gain=1.5):
        self.nc, self.reg_max = nc, reg_max
        self.gains = (box_gain, cls_gain, dfl_gain)
        self.assigner = TaskAlignedAssigner()
        self.proj = torch.arange(reg_max, dtype=torch.float32)

    def __call__(self, outs, gt_cls, gt_box, gt_mask):
        """outs: [(box [B,4R,H,W], cls [B,C,H,W])] per level; gt_* padded [B,M]."""
        b = outs[0][0].shape[0]
        shapes = [o[0].shape[2:] for o in outs]
        pbox = torch.cat([o[0].reshape(b, 4 * self.reg_max, -1) for o in outs], 2).permute(0, 2, 1)  # [B,N,4R]
        pcls = torch.cat([o[1].reshape(b, self.nc, -1) for o in outs], 2).permute(0, 2, 1)  # [B,N,C]
        pts, st = make_anchors(shapes, STRIDES)
        n = pts.shape[0]
        dist = pbox.reshape(b, n, 4, self.reg_max)
        d = dist.softmax(-1) @ self.proj  # [B,N,4] grid units
        pb_grid = torch.cat([pts - d[..., :2], pts + d[..., 2:]], -1)
        pb_px = pb_grid * st
        tbox, tscore, fg = self.assigner(pcls.detach().sigmoid(), pb_px.detach(), pts * st, gt_cls, gt_box, gt_mask)
        tsum = max(tscore.sum().item(), 1.0)
        lcls = F.binary_cross_entropy_with_logits(pcls, tscore, reduction='sum') / tsum
        if fg.any():
            w = tscore.sum(-1)[fg]
            lbox = ((1.0 - ciou(pb_px[fg], tbox[fg])) * w).sum() / tsum
            tdist = bbox_to_dist(pts.expand(b, n, 2)[fg], tbox[fg] / st.expand(b, n, 1)[fg], self.reg_max)
            ldfl = (dfl_loss(dist[fg], tdist) * w).sum() / tsum
        else:
            lbox = ldfl = pcls.sum() * 0
        g = self.gains
        total = (g[0] * lbox + g[1] * lcls + g[2] * ldfl) * b
        return total, torch.stack([lbox.detach(), lcls.detach(), ldfl.detach()])


def heat_targets(heat, strides=STRIDES, heat_stride=4):
    """The teacher's stride-4 heat [B,C,h,w] as class targets per student anchor [B,N,C], in the
    anchor order of DetectionLoss. Stride 8 takes the peak within its cell (small objects live
    there); strides 16 and 32 take the cell mean, so the narrow peak of a small object fades at
    the coarse levels while the wide peak of a large one stays: the levels keep their sizes."""
    b, c = heat.shape[:2]
    out = []
    for s in strides:
        k = s // heat_stride
        pool = F.max_pool2d if s == strides[0] else F.avg_pool2d
        out.append(pool(heat, k, k).reshape(b, c, -1))
    return torch.cat(out, 2).permute(0, 2, 1)


def distill_loss(outs, heat):
    """BCE of every class logit of every anchor against the teacher's heat there,
    normalised by the heat's total (as the assigned loss is by its target total)."""
    b, nc = outs[0][1].shape[:2]
    pcls = torch.cat([o[1].reshape(b, nc, -1) for o in outs], 2).permute(0, 2, 1)
    t = heat_targets(heat)
    return F.binary_cross_entropy_with_logits(pcls, t, reduction='sum') / max(t.sum().item(), 1.0)
