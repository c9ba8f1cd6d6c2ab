"""Command line: ``python -m songnuan.linkage link|dedupe …`` (the Django commands wrap the same)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .csvio import CSVError, dedupe_file, link_files


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m songnuan.linkage",
                                     description="Link or de-duplicate person-record CSV files.")
    commands = parser.add_subparsers(dest="command", required=True)
    link = commands.add_parser("link", help="match LEFT records against RIGHT records")
    link.add_argument("left")
    link.add_argument("right")
    link.add_argument("-o", "--output", required=True)
    link.add_argument("--top-k", type=int, default=10)
    link.add_argument("--threshold", type=float, default=0.5)
    link.add_argument("--params", help="saved model parameters (JSON); fitted to the data if absent")
    dedupe = commands.add_parser("dedupe", help="cluster the records of one file")
    dedupe.add_argument("input")
    dedupe.add_argument("-o", "--output", required=True)
    dedupe.add_argument("--threshold", type=float, default=0.5)
    dedupe.add_argument("--params")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "link":
            rows = link_files(args.left, args.right, args.output, top_k=args.top_k,
                              threshold=args.threshold, progress=sys.stderr, params=args.params)
            print(f"{rows} pairs written to {args.output}", file=sys.stderr)
        else:
            clusters = dedupe_file(args.input, args.output, progress=sys.stderr,
                                   threshold=args.threshold, params=args.params)
            print(f"{clusters} clusters written to {args.output}", file=sys.stderr)
    except CSVError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0
