"""YOLOv8-style detector on the MobileNetV3-Large-0.75 backbone of mb3-centernet.

Backbone taps P3/P4/P5 (strides 8/16/32) -> SPPF on P5 -> PAN of C2f blocks
(top-down then bottom-up) -> Detect head (decoupled box/cls branches, DFL with
reg_max 16, anchor-free points at strides 8/16/32, 80 classes).

Edge knobs (see the model card's variants table): neck widths, C2f depth,
head branch widths, depthwise-separable head convs (`head_dw`), and a reference
CSP-Darknet-n backbone (`YoloV8nReference`) for timing.

Written from the YOLOv8 architecture description; no Ultralytics code.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

REG_MAX = 16
NC = 80
STRIDES = (8, 16, 32)


class Conv(nn.Module):
    """Conv + BN + SiLU. `dw` makes it depthwise (groups = channels)."""

    def __init__(self, cin, cout, k=1, s=1, dw=False, act=True):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, s, k // 2, groups=cin if dw else 1, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=1e-3, momentum=0.03)
        self.act = nn.SiLU() if act else nn.Identity()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


def conv3(cin, cout, s=1, dw=False):
    """3x3 conv; with dw, a depthwise 3x3 then a 1x1 (depthwise-separable)."""
    if not dw:
        return Conv(cin, cout, 3, s)
    return nn.Sequential(Conv(cin, cin, 3, s, dw=True), Conv(cin, cout, 1))


class Bottleneck(nn.Module):
    def __init__(self, c, shortcut, dw=False):
        super().__init__()
        self.cv1 = conv3(c, c, dw=dw)
        self.cv2 = conv3(c, c, dw=dw)
        self.add = shortcut

    def forward(self, x):
        y = self.cv2(self.cv1(x))
        return x + y if self.add else y


class C2f(nn.Module):
    """1x1 conv to 2c, split in two, n bottlenecks on the second half with every
    intermediate kept, concat (2+n)c, 1x1 conv out."""

    def __init__(self, cin, cout, n=1, shortcut=False, dw=False):
        super().__init__()
        self.c = cout // 2
        self.cv1 = Conv(cin, 2 * self.c, 1)
        self.m = nn.ModuleList(Bottleneck(self.c, shortcut, dw) for _ in range(n))
        self.cv2 = Conv((2 + n) * self.c, cout, 1)

    def forward(self, x):
        y = self.cv1(x)
        ys = [y[:, :self.c], y[:, self.c:]]
        for m in self.m:
            ys.append(m(ys[-1]))
        return self.cv2(torch.cat(ys, 1))


class SPPF(nn.Module):
    def __init__(self, cin, cout, k=5):
        super().__init__()
        c = cin // 2
        self.cv1 = Conv(cin, c, 1)
        self.cv2 = Conv(4 * c, cout, 1)
        self.k = k

    def forward(self, x):
        x = self.cv1(x)
        y1 = F.max_pool2d(x, self.k, 1, self.k // 2)
        y2 = F.max_pool2d(y1, self.k, 1, self.k // 2)
        y3 = F.max_pool2d(y2, self.k, 1, self.k // 2)
        return self.cv2(torch.cat([x, y1, y2, y3], 1))


class Neck(nn.Module):
    """SPPF on P5, then the YOLOv8 PAN: top-down (P5->P4->P3), bottom-up (P3->P4->P5)."""

    def __init__(self, cin, widths, n=1, dw=False, sppf=True):
        super().__init__()
        c3, c4, c5 = cin
        w3, w4, w5 = widths
        self.sppf = SPPF(c5, w5) if sppf else Conv(c5, w5, 1)
        self.td4 = C2f(w5 + c4, w4, n, dw=dw)
        self.td3 = C2f(w4 + c3, w3, n, dw=dw)
        self.down3 = conv3(w3, w3, 2, dw=dw)
        self.bu4 = C2f(w3 + w4, w4, n, dw=dw)
        self.down4 = conv3(w4, w4, 2, dw=dw)
        self.bu5 = C2f(w4 + w5, w5, n, dw=dw)

    def forward(self, feats):
        p3, p4, p5 = feats
        p5 = self.sppf(p5)
        t4 = self.td4(torch.cat([F.interpolate(p5, scale_factor=2.0, mode='nearest'), p4], 1))
        o3 = self.td3(torch.cat([F.interpolate(t4, scale_factor=2.0, mode='nearest'), p3], 1))
        o4 = self.bu4(torch.cat([self.down3(o3), t4], 1))
        o5 = self.bu5(torch.cat([self.down4(o4), p5], 1))
        return [o3, o4, o5]


class Detect(nn.Module):
    """Decoupled head per level: box branch -> 4*reg_max DFL logits, cls branch -> nc logits."""

    def __init__(self, cin, box_w=64, cls_w=80, dw=False, nc=NC, reg_max=REG_MAX):
        super().__init__()
        self.nc, self.reg_max = nc, reg_max
        self.box = nn.ModuleList(nn.Sequential(conv3(c, box_w, dw=dw), conv3(box_w, box_w, dw=dw),
                                               nn.Conv2d(box_w, 4 * reg_max, 1)) for c in cin)
        self.cls = nn.ModuleList(nn.Sequential(conv3(c, cls_w, dw=dw), conv3(cls_w, cls_w, dw=dw),
                                               nn.Conv2d(cls_w, nc, 1)) for c in cin)
        self.register_buffer('proj', torch.arange(reg_max, dtype=torch.float32), persistent=False)

    def init_bias(self, imgsz=320):
        for b, c, s in zip(self.box, self.cls, STRIDES):
            nn.init.constant_(b[-1].bias, 1.0)
            nn.init.constant_(c[-1].bias, math.log(5 / self.nc / (imgsz / s) ** 2))

    def forward(self, feats):
        """Training: list of (box_logits [B,4R,H,W], cls_logits [B,nc,H,W])."""
        return [(b(f), c(f)) for f, b, c in zip(feats, self.box, self.cls)]


def make_anchors(shapes, strides, device=None):
    """Anchor points (cell centres, in grid units) and their strides, concatenated over levels."""
    pts, st = [], []
    for (h, w), s in zip(shapes, strides):
        ys = torch.arange(h, dtype=torch.float32, device=device) + 0.5
        xs = torch.arange(w, dtype=torch.float32, device=device) + 0.5
        yy, xx = torch.meshgrid(ys, xs, indexing='ij')
        pts.append(torch.stack([xx, yy], -1).reshape(-1, 2))
        st.append(torch.full((h * w, 1), float(s), device=device))
    return torch.cat(pts), torch.cat(st)


def decode_export(outs, proj, reg_max=REG_MAX):
    """Raw head outputs -> [B, 4+nc, N]: cx,cy,w,h in input pixels + sigmoid scores."""
    b = outs[0][0].shape[0]
    shapes = [o[0].shape[2:] for o in outs]
    box = torch.cat([o[0].reshape(b, 4 * reg_max, -1) for o in outs], 2)
    cls = torch.cat([o[1].reshape(b, o[1].shape[1], -1) for o in outs], 2)
    pts, st = make_anchors(shapes, STRIDES, box.device)
    pts, st = pts.t()[None], st.t()[None]
    n = box.shape[2]
    d = box.reshape(b, 4, reg_max, n).softmax(2)
    d = (d * proj.reshape(1, 1, reg_max, 1)).sum(2)  # [B,4,N] ltrb in grid units
    lt, rb = d[:, :2], d[:, 2:]
    x1y1, x2y2 = pts - lt, pts + rb
    xywh = torch.cat([(x1y1 + x2y2) / 2, x2y2 - x1y1], 1) * st
    return torch.cat([xywh, cls.sigmoid()], 1)


class Detector(nn.Module):
    """backbone (returns 3 maps) + neck + head. `forward` gives training outputs;
    `export=True` gives the Ultralytics layout [1,84,N]. `in_scale` multiplies the
    0..1 input (mb3-centernet's backbone expects 0..255)."""

    def __init__(self, backbone, bb_channels, widths=(64, 96, 128), n=1, neck_dw=False, box_w=64, cls_w=64,
                 head_dw=True, sppf=True, in_scale=255.0):
        super().__init__()
        self.backbone = backbone
        self.neck = Neck(bb_channels, widths, n, neck_dw, sppf)
        self.head = Detect(widths, box_w, cls_w, head_dw)
        self.head.init_bias()
        self.in_scale = in_scale
        self.export = False
        self.cfg = dict(widths=list(widths), n=n, neck_dw=neck_dw, box_w=box_w, cls_w=cls_w, head_dw=head_dw,
                        sppf=sppf)

    def heads(self, feats):
        return self.head(self.neck(feats))

    def forward(self, x):
        feats = self.backbone(x * self.in_scale if self.in_scale != 1.0 else x)
        outs = self.heads(feats)
        return decode_export(outs, self.head.proj) if self.export else outs


class DarknetN(nn.Module):
    """CSP-Darknet at the n scale (YOLOv8n backbone), for the timing reference: P3/P4/P5 = 64/128/256."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(Conv(3, 16, 3, 2), Conv(16, 32, 3, 2), C2f(32, 32, 1, True),
                                  Conv(32, 64, 3, 2), C2f(64, 64, 2, True))
        self.s4 = nn.Sequential(Conv(64, 128, 3, 2), C2f(128, 128, 2, True))
        self.s5 = nn.Sequential(Conv(128, 256, 3, 2), C2f(256, 256, 1, True))

    def forward(self, x):
        p3 = self.stem(x)
        p4 = self.s4(p3)
        return [p3, p4, self.s5(p4)]


def yolov8n_reference():
    """YOLOv8n architecture (random weights): Darknet-n + SPPF + PAN(64/128/256) + head (box 64, cls 80)."""
    return Detector(DarknetN(), (64, 128, 256), widths=(64, 128, 256), n=1, box_w=64, cls_w=80, head_dw=False,
                    in_scale=1.0)


def fuse_bn(model):
    """Folds every Conv's BatchNorm into its conv (for export); in place."""
    for m in model.modules():
        if isinstance(m, Conv) and isinstance(m.bn, nn.BatchNorm2d):
            c, bn = m.conv, m.bn
            w = bn.weight / torch.sqrt(bn.running_var + bn.eps)
            fused = nn.Conv2d(c.in_channels, c.out_channels, c.kernel_size, c.stride, c.padding, groups=c.groups,
                              bias=True)
            fused.weight.data = c.weight.data * w.reshape(-1, 1, 1, 1)
            fused.bias.data = bn.bias - bn.running_mean * w
            m.conv, m.bn = fused, nn.Identity()
    return model


def count_params(m):
    return sum(p.numel() for p in m.parameters())
