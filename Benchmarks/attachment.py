#!/usr/bin/env python3
"""Attachment files and request bodies for Benchmarks/run.sh.

    attachment.py png PATH --bytes N [--seed S]
    attachment.py body PNG --prompt TEXT --model ID > body.json

`png` writes N bytes that start like a PNG (the 8-byte signature and an IHDR chunk; the
client reads the kind from the bytes), then seeded random bytes: the same file every run.

`body` prints exactly the request bankfuture-chat sends for `-f PNG TEXT` with no config:
the text part, then the image as a base64 data URL, streamed with usage. run.sh checks it
byte for byte against the client's `--debug` wire log on a small file.
"""
import argparse
import base64
import json
import random
import struct
import sys
import zlib


def png_like(path, size, seed):
    """A file of `size` bytes that starts like a PNG (signature + IHDR chunk), then random."""
    ihdr = struct.pack(">IIBBBBB", 256, 256, 8, 6, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    head = b"\x89PNG\r\n\x1a\n" + chunk
    rest = random.Random(seed).randbytes(max(0, size - len(head)))
    with open(path, "wb") as f:
        f.write(head + rest)


def body(png, prompt, model):
    with open(png, "rb") as f:
        data = base64.b64encode(f.read()).decode("ascii")
    request = {
        "model": model,
        "messages": [{
            "role": "user",
            "content": [
                {"type": "text", "text": prompt},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64," + data}},
            ],
        }],
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    return json.dumps(request, separators=(",", ":"), ensure_ascii=False)


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="mode", required=True)
    p = sub.add_parser("png")
    p.add_argument("path")
    p.add_argument("--bytes", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    b = sub.add_parser("body")
    b.add_argument("png")
    b.add_argument("--prompt", required=True)
    b.add_argument("--model", required=True)
    args = parser.parse_args()
    if args.mode == "png":
        png_like(args.path, args.bytes, args.seed)
    else:
        sys.stdout.write(body(args.png, args.prompt, args.model))


if __name__ == "__main__":
    main()
