"""``studybot demo``: try the bot offline, on the local Discord, in well under a minute."""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser("demo", help="play a scripted stretch of days on a local Discord (no token needed)")
    demo.add_argument("--seed", type=int, default=7, help="random seed (same seed, same story)")
    demo.add_argument("--output-dir", type=Path, default=Path("demo-output"),
                      help="where files such as the heatmap image are written (default: ./demo-output)")
    demo.add_argument("--verbose", action="store_true", help="show the bot's logs too")
    demo.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace) -> int:
    from bot.demo.runner import play

    logging.basicConfig(level=logging.INFO if args.verbose else logging.CRITICAL)
    asyncio.run(play(seed=args.seed, output_dir=args.output_dir))
    return 0
