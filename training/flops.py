"""Parameter and GFLOP counts (GFLOPs = 2 x multiply-accumulates of conv layers, as Ultralytics reports)."""
import torch
import torch.nn as nn


def conv_gflops(model, imgsz=320):
    macs = [0]

    def hook(m, inp, out):
        k = m.kernel_size[0] * m.kernel_size[1]
        macs[0] += out.numel() * (m.in_channels // m.groups) * k

    hs = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Conv2d)]
    was = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, imgsz, imgsz))
    model.train(was)
    for h in hs:
        h.remove()
    return 2 * macs[0] / 1e9
