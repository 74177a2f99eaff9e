"""mb3-centernet's CenterNet head in PyTorch, with its weights read from the
same tfjs graph as the backbone (frozen), so that training can distil the
teacher's dense 80-class heatmap on every augmented sample: the backbone
features are computed for the student anyway, and the head is cheap.

The head, as the graph builds it (tower_0/CenternetHead, tower_0/extern1):
  c2 = expanded_conv_3/expand (stride 4), c3 = expanded_conv_5/expand (stride 8),
  c4 = expanded_conv_11/add (stride 16), c5 = expanded_conv_14/add (stride 32);
  lateral "reverse" branches: 1x1 conv + ReLU, then a separable 5x5 (no activation);
  top-down: extern1 (1x1 + hard-swish) on c5, then per level two separable branches
  (3x3 and 5x5) added, bilinear 2x upsampling (TF legacy: align_corners and
  half_pixel_centers false), concatenated with the lateral branch, ReLU;
  squeeze-excite on the stride-4 map; separable 3x3 -> 80 sigmoid heat ("keypoints");
  a second separable 3x3 on the same map -> 4 box sides ("wh", x16), distances in input
  pixels from the cell's corner point (4*col, 4*row) to the box's left, top, right, bottom.

The graph's decoding (tower_0/detections), reproduced by `decode`: a peak is a cell
whose heat equals its 3x3 max pool; the top 100 (cell, class) scores over the whole
map; box = (4*col - l, 4*row - t, 4*col + r, 4*row + b) in input pixels.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from mnv3 import SIXTH_FP16, _conv_w, _dw_w
from tfjs_weights import read_tfjs_weights

H = 'tower_0/CenternetHead/'


def up2_legacy(x):
    """TF ResizeBilinear by exactly 2 with align_corners=False, half_pixel_centers=False:
    output i samples input i/2, so even outputs copy and odd ones average with the next
    input (the last one clamped)."""
    def along(t, dim):
        n = t.shape[dim]
        nxt = torch.cat([t.narrow(dim, 1, n - 1), t.narrow(dim, n - 1, 1)], dim)
        return torch.stack([t, 0.5 * (t + nxt)], dim + 1).flatten(dim, dim + 1)
    return along(along(x, 2), 3)


class SepConv(nn.Module):
    """Depthwise k x k (stride 1, SAME) then pointwise 1x1 with bias, no activation."""

    def __init__(self, cin, cout, k):
        super().__init__()
        self.dw = nn.Conv2d(cin, cin, k, padding=k // 2, groups=cin, bias=False)
        self.pw = nn.Conv2d(cin, cout, 1)

    def load(self, dw, pw, bias):
        self.dw.weight.copy_(_dw_w(dw))
        self.pw.weight.copy_(_conv_w(pw))
        self.pw.bias.copy_(torch.from_numpy(bias))

    def forward(self, x):
        return self.pw(self.dw(x))


class Lateral(nn.Module):
    def __init__(self, cin, mid, cout):
        super().__init__()
        self.c1 = nn.Conv2d(cin, mid, 1)
        self.sep = SepConv(mid, cout, 5)

    def forward(self, x):
        return self.sep(F.relu(self.c1(x)))


class Upsample(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.bx = SepConv(cin, cout, 3)
        self.by = SepConv(cin, cout, 5)

    def forward(self, x):
        return up2_legacy(self.bx(x) + self.by(x))


class CenterNetHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.lat2, self.lat3, self.lat4 = Lateral(72, 18, 64), Lateral(96, 24, 96), Lateral(88, 22, 128)
        self.extern1 = nn.Conv2d(120, 480, 1)
        self.up5, self.up4, self.up3 = Upsample(480, 128), Upsample(256, 96), Upsample(192, 64)
        self.se_a = nn.Conv2d(128, 32, 1)
        self.se_b = nn.Conv2d(32, 128, 1, bias=False)
        self.cls = SepConv(128, 80, 3)
        self.wh = SepConv(128, 4, 3)

    def forward(self, c2, c3, c4, c5, boxes=False):
        """Backbone taps (NCHW) -> heat [B, 80, H/4, W/4] in 0..1; with boxes=True, (heat,
        sides [B, 4, H/4, W/4] in input pixels: left, top, right, bottom from (4*col, 4*row))."""
        x = self.extern1(c5)
        x = x * SIXTH_FP16 * F.relu6(x + 3.0)  # the graph's hard-swish
        x = F.relu(torch.cat([self.lat4(c4), self.up5(x)], 1))
        x = F.relu(torch.cat([self.lat3(c3), self.up4(x)], 1))
        x = F.relu(torch.cat([self.lat2(c2), self.up3(x)], 1))
        g = torch.sigmoid(self.se_b(F.relu(self.se_a(x.mean((2, 3), keepdim=True)))))
        x = x * g
        heat = torch.sigmoid(self.cls(x))
        return (heat, self.wh(x) * 16.0) if boxes else heat


@torch.no_grad()
def load_teacher_head(model_json):
    w = read_tfjs_weights(model_json)
    m = CenterNetHead()

    def conv(mod, name, bias_name):
        mod.weight.copy_(_conv_w(w[name]))
        if bias_name is not None:
            mod.bias.copy_(torch.from_numpy(w[bias_name]))

    for lat, name in ((m.lat2, 'c2_reverse'), (m.lat3, 'c3_reverse'), (m.lat4, 'c4_reverse')):
        conv(lat.c1, H + name + '/1x1/Conv2D_weights', H + name + '/1x1/Conv2D_bn_offset')
        lat.sep.load(w['CenternetHead/' + name + '/3x3/depthwise_weights'],
                     w[H + name + '/3x3/separable_conv2d_weights'], w[H + name + '/3x3/separable_conv2d_bn_offset'])
    conv(m.extern1, 'tower_0/extern1/Conv2D_weights', 'tower_0/extern1/Conv2D_bn_offset')
    for up, name in ((m.up5, 'c5_upsample'), (m.up4, 'c4_upsample'), (m.up3, 'c3_upsample')):
        for sep, br in ((up.bx, 'branch_x'), (up.by, 'branch_y')):
            p = f'{name}/{br}_upsample_resize/'
            sep.load(w['CenternetHead/' + p + 'depthwise_weights'], w[H + p + 'separable_conv2d_weights'],
                     w[H + p + 'separable_conv2d_bn_offset'])
    conv(m.se_a, H + 'conv1x1_se_a/Conv2D_weights', H + 'conv1x1_se_a/Conv2D_bn_offset')
    conv(m.se_b, 'CenternetHead/conv1x1_se_b/weights', None)
    m.cls.load(w['CenternetHead/centernet_cls_output/depthwise_weights'],
               w['CenternetHead/centernet_cls_output/pointwise_weights'], w['CenternetHead/centernet_cls_output/biases'])
    m.wh.load(w['CenternetHead/centernet_wh_output/depthwise_weights'],
              w['CenternetHead/centernet_wh_output/pointwise_weights'], w['CenternetHead/centernet_wh_output/biases'])
    for p in m.parameters():
        p.requires_grad_(False)
    return m.eval()


class TeacherTaps:
    """Captures the two block-internal tensors the head needs (the expand outputs of
    blocks 3 and 5) during the student backbone's forward pass; c4/c5 are its P4/P5."""

    def __init__(self, backbone):
        self.out = {}
        for i in (3, 5):
            backbone.blocks[i].expand.register_forward_hook(self._hook(i))

    def _hook(self, i):
        def f(_mod, _inp, out):
            self.out[i] = out
        return f

    def taps(self, feats):
        return self.out[3], self.out[5], feats[1], feats[2]


def flip_merge(heat, sides, heat_f, sides_f):
    """Horizontal-flip test-time augmentation at the map level (as CenterNet's flip test): the
    maps of the mirrored image are mirrored back and averaged with the image's own. A mirrored
    cell covers the same pixels as its original, but its sides are measured from its own corner
    point, which lands 4 px to the right of the original's (4*col + 4): so its left side is its
    right one less 4 px, and its right side its left one plus 4 px."""
    hf = heat_f.flip(3)
    sf = sides_f.flip(3)[:, [2, 1, 0, 3]] + torch.tensor([-4.0, 0.0, 4.0, 0.0]).view(1, 4, 1, 1)
    return 0.5 * (heat + hf), 0.5 * (sides + sf)


def decode(heat, sides, topk=100):
    """The graph's decoding for one image: heat [80,h,w], sides [4,h,w] -> (boxes [K,4] xyxy input px,
    scores [K], classes [K]) for the top-k peaks (unsorted duplicates across classes kept, as in the graph)."""
    c, h, w = heat.shape
    peak = heat * (heat == F.max_pool2d(heat[None], 3, 1, 1)[0]).float()
    flat = peak.permute(1, 2, 0).reshape(-1)  # graph order: (row, col, class)
    scores, idx = flat.topk(min(topk, flat.numel()))
    cell, cls = idx // c, idx % c
    row, col = cell // w, cell % w
    s = sides.reshape(4, -1)[:, cell]
    x, y = col.float() * 4, row.float() * 4
    boxes = torch.stack([x - s[0], y - s[1], x + s[2], y + s[3]], 1)
    return boxes, scores, cls
