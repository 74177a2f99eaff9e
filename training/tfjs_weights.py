"""Reads a tfjs graph model's weights (model.json + shards), de-quantising
float16 entries, into a dict name -> numpy array (float32, TF layout)."""
import json
import os

import numpy as np


def read_tfjs_weights(model_json):
    with open(model_json) as f:
        m = json.load(f)
    base = os.path.dirname(model_json)
    out = {}
    for group in m['weightsManifest']:
        buf = b''.join(open(os.path.join(base, p), 'rb').read() for p in group['paths'])
        off = 0
        for w in group['weights']:
            shape = w['shape']
            n = int(np.prod(shape)) if shape else 1
            q = w.get('quantization')
            if q and q['dtype'] == 'float16':
                arr = np.frombuffer(buf, dtype=np.float16, count=n, offset=off).astype(np.float32)
                off += 2 * n
            elif q:
                raise ValueError(f"{w['name']}: unsupported quantization {q['dtype']}")
            else:
                dt = {'float32': np.float32, 'int32': np.int32}[w['dtype']]
                arr = np.frombuffer(buf, dtype=dt, count=n, offset=off).copy()
                off += 4 * n
            out[w['name']] = arr.reshape(shape)
    return out
