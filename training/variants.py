"""Speed of design variants: exports each to ONNX (opset 17, 320) and times it in
onnxruntime-node with 1 thread, interleaved with a YOLOv8n-architecture
reference (random weights) and the teacher in tfjs-wasm at 512, in one run.

  /usr/bin/python3 training/variants.py [--out /tmp/lookout-variants] [--runs 40]

Writes OUT/variants.json (params, GFLOPs, ms) and prints a markdown table.
"""
import argparse
import json
import os
import subprocess
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ROOT, find_teacher_json  # noqa: E402
from export_onnx import export_onnx  # noqa: E402
from flops import conv_gflops  # noqa: E402
from mnv3 import MobileNetV3Backbone, read_spec  # noqa: E402
from model import Detector, count_params, yolov8n_reference  # noqa: E402

VARIANTS = {
    # name: (SE in backbone, Detector kwargs)
    'v8n-neck-head': (True, dict(widths=(64, 128, 256), box_w=64, cls_w=80, head_dw=False)),
    'v8n-neck-head-noSE': (False, dict(widths=(64, 128, 256), box_w=64, cls_w=80, head_dw=False)),
    'slim-neck-full-head': (True, dict(widths=(64, 96, 128), box_w=64, cls_w=64, head_dw=False)),
    'slim-neck-dw-head': (True, dict(widths=(64, 96, 128), box_w=64, cls_w=64, head_dw=True)),
    'slim-neck-dw-head-noSE': (False, dict(widths=(64, 96, 128), box_w=64, cls_w=64, head_dw=True)),
    'dw-neck-dw-head': (True, dict(widths=(64, 96, 128), box_w=64, cls_w=64, head_dw=True, neck_dw=True)),
    'v8n-widths-dw-head': (True, dict(widths=(64, 128, 256), box_w=64, cls_w=80, head_dw=True)),
}


def build(name, specs):
    se, kw = VARIANTS[name]
    sp = [s if se else s[:6] + (0,) for s in specs]
    bb = MobileNetV3Backbone(sp)
    return Detector(bb, bb.out_channels, **kw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default='/tmp/lookout-variants')
    ap.add_argument('--runs', type=int, default=40)
    ap.add_argument('--only', nargs='*')
    ap.add_argument('--teacher-dir', default=os.path.join(ROOT, 'models', 'mb3-centernet'))
    ap.add_argument('--shipped', default=os.path.join(ROOT, 'models', 'yolov8-mnv3'),
                    help='trained model directory, timed in the same run (onnx 1 and 2 threads, tfjs)')
    args = ap.parse_args()
    torch.set_num_threads(2)
    specs, _ = read_spec(find_teacher_json())
    rows = {}
    names = args.only or list(VARIANTS)
    for name in names + ['yolov8n-reference']:
        m = yolov8n_reference() if name == 'yolov8n-reference' else build(name, specs)
        m.eval()
        d = os.path.join(args.out, name)
        os.makedirs(d, exist_ok=True)
        export_onnx(m, os.path.join(d, 'model.onnx'))
        rows[name] = dict(params_M=round(count_params(m) / 1e6, 3), gflops_320=round(conv_gflops(m.eval()), 3),
                          onnx_MB=round(os.path.getsize(os.path.join(d, 'model.onnx')) / 1e6, 2))
    cmd = ['npx', 'tsx', 'training/tools/time-models.ts', '--runs', str(args.runs), '--threads', '1']
    cmd += [f'onnx:{os.path.join(args.out, n)}' for n in rows]
    if os.path.exists(os.path.join(args.teacher_dir, 'model.json')):
        cmd.append(f'tfjs:{args.teacher_dir}')
    shipped = os.path.exists(os.path.join(args.shipped, 'model.onnx'))
    if shipped:
        cmd += [f'onnx:{args.shipped}', f'tfjs:{args.shipped}']
    res = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    if shipped:  # 2 threads, separately (the thread count is per run of the tool)
        cmd2 = ['npx', 'tsx', 'training/tools/time-models.ts', '--runs', str(args.runs), '--threads', '2',
                f'onnx:{args.shipped}', f'onnx:{os.path.join(args.out, "yolov8n-reference")}']
        res2 = subprocess.run(cmd2, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    teacher_ms = None
    for line in res.splitlines():
        r = json.loads(line)
        name = os.path.basename(r['model'].split(':', 1)[1].rstrip('/'))
        if shipped and r['model'].endswith(args.shipped):
            rows[f"shipped {name} ({r['model'].split(':')[0]}, {r['backend']})"] = dict(ms=r['median_ms'], p10=r['p10_ms'])
            continue
        if r['model'].startswith('tfjs:'):
            teacher_ms = r['median_ms']
            rows['teacher (tfjs-wasm, 512)'] = dict(ms=r['median_ms'], p10=r['p10_ms'], backend=r['backend'])
        else:
            rows[name].update(ms=r['median_ms'], p10=r['p10_ms'])
    if shipped:
        for line in res2.splitlines():
            r = json.loads(line)
            name = os.path.basename(r['model'].split(':', 1)[1].rstrip('/'))
            rows[f"{name} (onnx, {r['backend']})"] = dict(ms=r['median_ms'], p10=r['p10_ms'])
    ref = rows['yolov8n-reference']['ms']
    print('| variant | params (M) | GFLOPs@320 | ORT 1T ms@320 (median) | x reference | x teacher |')
    print('|---|---|---|---|---|---|')
    for n, r in rows.items():
        if 'params_M' not in r:
            xt = '' if not teacher_ms or 'teacher' in n else '1/%.1f' % (teacher_ms / r['ms'])
            xr = '%.2f' % (r['ms'] / ref) if 'onnx' in n and '1 thread)' in n else ''
            print(f"| {n} | | | {r['ms']} | {xr} | {xt} |")
            continue
        xt = '' if not teacher_ms else '1/%.1f' % (teacher_ms / r['ms'])
        print(f"| {n} | {r['params_M']} | {r['gflops_320']} | {r['ms']} | {r['ms'] / ref:.2f} | {xt} |")
    json.dump(rows, open(os.path.join(args.out, 'variants.json'), 'w'), indent=1)


if __name__ == '__main__':
    main()
