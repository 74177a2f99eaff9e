"""mb3-centernet whole (backbone + CenterNet head + the graph's decoding) as one PyTorch
module, in lookout's model contract: input `images` [1,3,S,S] RGB 0..1, output `output0`
[1,100,84] = cx,cy,w,h (input pixels) + 80 class scores (the peak's score on its class, 0
elsewhere), the same layout as models/mb3-centernet/model.json (the tfjs graph with lookout's
wrapper). Used by export_teacher_onnx.py (models/mb3-centernet/model.onnx) and by
teacher_pass.py (pseudo-labels for training).

The backbone keeps the standard hard-swish (one fused ONNX op) with the graph's fp16 1/6 folded
into the convs that consume it (mnv3.fold_fp16_constants); the head's two lateral branches read
block-internal expand outputs, which the fold leaves 1/K of the graph's, so their 1x1 weights
take the K back."""
import torch
import torch.nn as nn

from mnv3 import SIXTH_FP16, fold_fp16_constants, load_backbone
from teacher_head import TeacherTaps, decode, load_teacher_head


class WholeTeacher(nn.Module):
    def __init__(self, model_json, topk=100, fold=True):
        super().__init__()
        self.backbone, _ = load_backbone(model_json)
        self.head = load_teacher_head(model_json)
        if fold:
            fold_fp16_constants(self.backbone)
            k = 6.0 * SIXTH_FP16
            with torch.no_grad():
                self.head.lat2.c1.weight.mul_(k)
                self.head.lat3.c1.weight.mul_(k)
        self.taps = TeacherTaps(self.backbone)
        self.topk = topk
        for p in self.parameters():
            p.requires_grad_(False)
        self.eval()

    def maps(self, x01):
        """x [B,3,S,S] in 0..1 -> (heat [B,80,S/4,S/4], sides [B,4,S/4,S/4] px)."""
        feats = self.backbone(x01 * 255.0)
        return self.head(*self.taps.taps(feats), boxes=True)

    def forward(self, x01):
        heat, sides = self.maps(x01)
        boxes, scores, cls = decode(heat[0], sides[0], self.topk)
        xywh = torch.stack([(boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2,
                            boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]], 1)
        onehot = (torch.arange(heat.shape[1])[None, :] == cls[:, None]).to(scores.dtype) * scores[:, None]
        return torch.cat([xywh, onehot], 1)[None]
