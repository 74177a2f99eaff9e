"""Speed of the student at each candidate input size against a YOLOv8n-architecture reference
at the same size, and of mb3-centernet in onnxruntime against tfjs-wasm at 512: lookout's own
runtimes, 1 thread each, interleaved round-robin in ONE run (training/tools/time-models.ts), so
that background load hits every model alike and the ratios hold.

  /usr/bin/python3 training/speed_sizes.py [--ckpt CKPT | --student-dir DIR] [--sizes 320,384,416] [--runs 40]

Students are exported from --ckpt at each size into OUT/student-S (or, with --student-dir, only
that directory is timed at its own size); the reference has random weights (time does not depend
on them). Prints a markdown table and writes OUT/speed.json.
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
from model import yolov8n_reference  # noqa: E402
from train import build_model  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckpt')
    ap.add_argument('--student-dir')
    ap.add_argument('--sizes', default='320,384,416')
    ap.add_argument('--runs', type=int, default=40)
    ap.add_argument('--out', default='/tmp/lookout-speed')
    ap.add_argument('--teacher-dir', default=os.path.join(ROOT, 'models', 'mb3-centernet'))
    args = ap.parse_args()
    torch.set_num_threads(2)
    sizes = [int(s) for s in args.sizes.split(',')]
    specs = []
    ref = yolov8n_reference().eval()
    student = None
    if args.ckpt:
        st = torch.load(args.ckpt)
        student = build_model(find_teacher_json(), st['cfg'])
        student.load_state_dict(st.get('ema', st['model']))
        student.eval()
    for s in sizes:
        d = os.path.join(args.out, f'reference-{s}')
        os.makedirs(d, exist_ok=True)
        export_onnx(ref, os.path.join(d, 'model.onnx'), s)
        if student is not None:
            d2 = os.path.join(args.out, f'student-{s}')
            os.makedirs(d2, exist_ok=True)
            export_onnx(student, os.path.join(d2, 'model.onnx'), s)
            specs.append((f'student {s}', f'onnx:{d2}'))
        specs.append((f'yolov8n reference {s}', f'onnx:{d}'))
    if args.student_dir:
        specs.append(('student (shipped dir)', f'onnx:{args.student_dir}'))
    specs += [('mb3-centernet onnx 512', f'onnx:{args.teacher_dir}'), ('mb3-centernet tfjs 512', f'tfjs:{args.teacher_dir}')]
    cmd = ['npx', 'tsx', 'training/tools/time-models.ts', '--runs', str(args.runs), '--threads', '1'] + [s for _, s in specs]
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    res = {}
    for (name, spec), line in zip(specs, out.splitlines()):
        r = json.loads(line)
        assert r['model'] == spec, (r, spec)
        res[name] = r
    teacher_tfjs = res['mb3-centernet tfjs 512']['median_ms']
    print('| model | input | runtime | median ms | p10 ms | vs reference at the same input | mb3-centernet tfjs 512 / this |')
    print('|---|---|---|---|---|---|---|')
    for name, r in res.items():
        s = r['input']
        refr = res.get(f'yolov8n reference {s}')
        vs = f"{r['median_ms'] / refr['median_ms']:.2f}x" if name.startswith('student') and refr else ''
        print(f"| {name} | {s} | {r['backend']} | {r['median_ms']} | {r['p10_ms']} | {vs} | {teacher_tfjs / r['median_ms']:.1f}x |")
    json.dump(res, open(os.path.join(args.out, 'speed.json'), 'w'), indent=1)


if __name__ == '__main__':
    main()
